// Tampering with the real SQLite file, as someone with access to the data directory could: every change
// to a stored entry is caught by verification, which names the first bad entry.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store {
namespace {

constexpr int kEntries = 10;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Open(false);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (int i = 1; i <= kEntries; ++i) {
      auto e = (*s)->Append(record::EntryInput{"input", "alpha", {"bravo"},
                                               R"({"marker":"entry-)" + std::to_string(i) + R"(-payload"})"});
      ASSERT_TRUE(e.ok()) << e.status().ToString();
    }
  }  // the store closes: its WAL is checkpointed into deconflict.db

  Result<std::unique_ptr<Store>> Open(bool read_only) {
    SqliteOptions o;
    o.data_dir = dir_.path();
    o.read_only = read_only;
    return OpenSqliteStore(o);
  }

  // Runs SQL on the database file directly, through the sqlite3 C API.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // Verifies through a read-only store (the tail check at open is not involved for middle entries).
  Status Verify() {
    auto s = Open(true);
    if (!s.ok()) return s.status();
    return (*s)->VerifyRecord();
  }

  std::string DbPath() const { return dir_.path() + "/deconflict.db"; }

  testing::TempDir dir_;
};

void ExpectNamesEntry(const Status& s, int position, int seq) {
  EXPECT_EQ(s.code(), ErrorCode::kCorruption) << s.ToString();
  const std::string want = "position " + std::to_string(position) + " (seq " + std::to_string(seq) + ")";
  EXPECT_NE(s.message().find(want), std::string::npos) << s.message() << " should name " << want;
}

TEST_F(TamperTest, IntactRecordVerifies) { EXPECT_TRUE(Verify().ok()); }

TEST_F(TamperTest, OneAlteredPayloadByteIsCaught) {
  // 'e' -> 'f' in "entry-5-payload": still valid JSON, one byte different.
  Sql("UPDATE record_entries SET payload = replace(payload, 'entry-5-', 'fntry-5-') WHERE seq = 5");
  ExpectNamesEntry(Verify(), 5, 5);
}

TEST_F(TamperTest, OneAlteredHashCharacterIsCaught) {
  Sql("UPDATE record_entries SET hash = (CASE substr(hash, 1, 1) WHEN '0' THEN '1' ELSE '0' END) || substr(hash, 2)"
      " WHERE seq = 3");
  ExpectNamesEntry(Verify(), 3, 3);
}

TEST_F(TamperTest, OneAlteredSignatureCharacterIsCaught) {
  Sql("UPDATE record_entries SET signature = substr(signature, 1, 127) ||"
      " (CASE substr(signature, 128, 1) WHEN '0' THEN '1' ELSE '0' END) WHERE seq = 7");
  const Status s = Verify();
  ExpectNamesEntry(s, 7, 7);
  EXPECT_NE(s.message().find("signature"), std::string::npos);
}

TEST_F(TamperTest, AlteredActorIsCaught) {
  Sql("UPDATE record_entries SET actor = 'bravo' WHERE seq = 2");
  ExpectNamesEntry(Verify(), 2, 2);
}

TEST_F(TamperTest, SwappedOrderOfTwoEntriesIsCaught) {
  // Entries 4 and 5 exchange places: every column but the ordering key seq is swapped.
  Sql("CREATE TEMP TABLE t AS SELECT * FROM record_entries WHERE seq IN (4, 5);"
      "UPDATE record_entries SET (time_us, kind, actor, audience, payload, prev, hash, signature) ="
      " (SELECT time_us, kind, actor, audience, payload, prev, hash, signature FROM t WHERE t.seq = 9 - record_entries.seq)"
      " WHERE seq IN (4, 5);");
  ExpectNamesEntry(Verify(), 4, 4);
}

TEST_F(TamperTest, SwappedSeqNumbersAreCaught) {
  Sql("UPDATE record_entries SET seq = -1 WHERE seq = 6; UPDATE record_entries SET seq = 6 WHERE seq = 7;"
      "UPDATE record_entries SET seq = 7 WHERE seq = -1;");
  ExpectNamesEntry(Verify(), 6, 6);
}

TEST_F(TamperTest, DeletedEntryIsCaught) {
  Sql("DELETE FROM record_entries WHERE seq = 6");
  const Status s = Verify();
  ExpectNamesEntry(s, 6, 7);
  EXPECT_NE(s.message().find("missing"), std::string::npos);
}

TEST_F(TamperTest, OneFlippedByteInTheDatabaseFileIsCaught) {
  // Not through SQL at all: find entry 8's payload in the file's pages and change one byte.
  std::string bytes;
  {
    std::ifstream in(DbPath(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  const std::string marker = "entry-8-payload";
  const auto at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos) << "the store should have checkpointed the WAL into the file on close";
  ASSERT_EQ(bytes.find(marker, at + 1), std::string::npos) << "marker must be unique in the file";
  {
    std::fstream f(DbPath(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(at + 6));
    f.put('9');  // entry-8-payload -> entry-9-payload
  }
  ExpectNamesEntry(Verify(), 8, 8);
}

TEST_F(TamperTest, AlteredLastEntryIsRefusedWhenTheStoreOpens) {
  Sql("UPDATE record_entries SET payload = replace(payload, 'entry-10-', 'entry-11-') WHERE seq = 10");
  auto s = Open(false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(s.status().message().find("seq 10"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::store
