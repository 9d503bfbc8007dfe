// File modes of the data directory: 0700 and 0600 whatever the umask; looser modes found at open are tightened
// and reported.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Restores the umask when the test ends.
class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

void WriteOne(Store& store, const std::string& id) {
  ASSERT_TRUE(store.Write([&](WriteTx& tx) {
                     Party p{id, "", "party", "", 0};
                     if (Status s = tx.CreateParty(p); !s.ok()) return s;
                     return tx.Append({record::kind::kParty, "admin", {id}, "{}"}).status();
                   }).ok());
}

TEST(FileModes, DataDirectoryIs0700AndDatabaseFilesAre0600WhateverTheUmask) {
  testing::TempDir tmp;
  Umask permissive(0);  // files would be 0666/0777 if the store relied on the umask
  SqliteOptions o;
  o.data_dir = tmp.Sub("nested/data");
  auto store = OpenSqliteStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  WriteOne(**store, "blue");
  EXPECT_EQ(ModeOf(o.data_dir), 0700u);
  for (const char* f : {"/deconflict.db", "/deconflict.db-wal", "/deconflict.db-shm", "/record_ed25519.key"})
    EXPECT_EQ(ModeOf(o.data_dir + f), 0600u) << f;
  EXPECT_TRUE((*store)->open_notes().empty());
}

TEST(FileModes, LooseModesLeftByAnOlderVersionAreTightenedAndReported) {
  testing::TempDir tmp;
  SqliteOptions o;
  o.data_dir = tmp.Sub("data");
  {
    auto store = OpenSqliteStore(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteOne(**store, "blue");
  }
  ASSERT_EQ(::chmod(o.data_dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod((o.data_dir + "/deconflict.db").c_str(), 0644), 0);
  auto store = OpenSqliteStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  WriteOne(**store, "red");
  EXPECT_EQ(ModeOf(o.data_dir), 0700u);
  EXPECT_EQ(ModeOf(o.data_dir + "/deconflict.db"), 0600u);
  EXPECT_EQ(ModeOf(o.data_dir + "/deconflict.db-wal"), 0600u);
  const auto notes = (*store)->open_notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("mode 0755"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("deconflict.db was accessible by group or others (mode 0644)"), std::string::npos) << notes[1];
}

}  // namespace
}  // namespace deconflict::store
