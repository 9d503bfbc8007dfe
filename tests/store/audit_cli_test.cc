// The `deconflict audit` command on a real data directory and on an exported record.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <future>
#include <thread>
#include <sstream>
#include <string>
#include <vector>

#include "record/receipt.h"
#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line (/bin/sh), collecting its output.
CliRun Shell(const std::string& command) {
  CliRun r;
  const std::string cmd = command + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CliRun Cli(const std::string& args) { return Shell(std::string(DECONFLICT_CLI) + " " + args); }

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.data_dir = Data();
    auto st = OpenSqliteStore(o);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    for (int i = 1; i <= 6; ++i) {
      auto e = (*st)->Append(record::EntryInput{"notice", "alpha", {"bravo"}, R"({"n":)" + std::to_string(i) + "}"});
      ASSERT_TRUE(e.ok());
      head_ = e->seq;
      head_hash_ = record::ToHex(e->hash);
    }
    auto receipt = (*st)->IssueReceipt("bravo", 4);
    ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
    std::ofstream(dir_.Sub("receipt.json")) << record::ReceiptToJson(*receipt);
    public_key_ = record::ToHex((*st)->public_key());
  }
  std::string Data() const { return dir_.Sub("data"); }

  testing::TempDir dir_;
  std::uint64_t head_ = 0;
  std::string head_hash_;
  std::string public_key_;
};

TEST_F(AuditCliTest, IntactDataDirectoryVerifiesWithExitZero) {
  const CliRun r = Cli("audit verify --data-dir " + Data() + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("6 entries"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(head_hash_), std::string::npos) << r.output;
}

TEST_F(AuditCliTest, SwappedEntriesInTheDatabaseExitThreeNamingTheFirst) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((Data() + "/deconflict.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE record_entries SET seq = -1 WHERE seq = 2; UPDATE record_entries SET seq = 2 WHERE "
                         "seq = 3; UPDATE record_entries SET seq = 3 WHERE seq = -1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const CliRun r = Cli("audit verify --data-dir " + Data());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("position 2 (seq 2)"), std::string::npos) << r.output;
}

TEST_F(AuditCliTest, ExportedRecordVerifiesAndOneAlteredByteIsNamed) {
  const std::string file = dir_.Sub("record.jsonl");
  CliRun r = Cli("audit export --data-dir " + Data() + " --out " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto lines = Lines(file);
  ASSERT_EQ(lines.size(), 7u) << "header + 6 entries";
  r = Cli("audit verify " + file + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 0) << r.output;

  // Entry seq 3 is on line 4: its payload {"n":3} becomes {"n":4} (one byte).
  const auto at = lines[3].find(R"({\"n\":3})");
  ASSERT_NE(at, std::string::npos) << lines[3];
  lines[3][at + 7] = '4';
  WriteLines(file, lines);
  r = Cli("audit verify " + file + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("position 3 (seq 3)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":4:"), std::string::npos) << "names the line: " << r.output;
}

TEST_F(AuditCliTest, ExportVerifiedAgainstAnotherKeyFails) {
  const std::string file = dir_.Sub("record.jsonl");
  ASSERT_EQ(Cli("audit export --data-dir " + Data() + " --out " + file).exit_code, 0);
  const CliRun r = Cli("audit verify " + file + " --public-key " + std::string(64, 'a'));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("signature"), std::string::npos) << r.output;
}

TEST_F(AuditCliTest, TruncatedRecordIsCaughtWithTheHeadAPartyHolds) {
  const std::string expect = " --expect-head " + std::to_string(head_) + ":" + head_hash_;
  EXPECT_EQ(Cli("audit verify --data-dir " + Data() + expect).exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((Data() + "/deconflict.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM record_entries WHERE seq >= 5", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Cli("audit verify --data-dir " + Data()).exit_code, 0) << "a cut tail alone looks like a shorter log";
  const CliRun r = Cli("audit verify --data-dir " + Data() + expect);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("removed"), std::string::npos) << r.output;
}

TEST_F(AuditCliTest, ReceiptVerifiesOfflineAndATamperedOneDoesNot) {
  const std::string file = dir_.Sub("receipt.json");
  CliRun r = Cli("audit receipt " + file + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("party bravo entry seq 4"), std::string::npos) << r.output;
  std::string text = Lines(file)[0];
  const auto at = text.find(R"("party":"bravo")");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 15, R"("party":"delta")");
  WriteLines(file, {text});
  r = Cli("audit receipt " + file + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST_F(AuditCliTest, MissingDataDirectoryIsAFailureNotAVerdict) {
  const CliRun r = Cli("audit verify --data-dir " + dir_.Sub("nothing-here"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST_F(AuditCliTest, VerifiesWhileTheServerStoreIsOpenAndWriting) {
  SqliteOptions o;
  o.data_dir = Data();
  auto live = OpenSqliteStore(o);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*live)->Append(record::EntryInput{"input", "alpha", {}, "{}"}).ok());
  // An uncommitted, in-progress write must not disturb the audit: hold one open while the CLI runs.
  std::promise<void> started, release;
  std::thread writer([&] {
    (void)(*live)->Write([&](WriteTx& tx) {
      (void)tx.Append(record::EntryInput{"input", "alpha", {}, "{}"});
      started.set_value();
      release.get_future().wait();
      return Status::Ok();
    });
  });
  started.get_future().wait();
  const CliRun r = Cli("audit verify --data-dir " + Data() + " --public-key " + public_key_);
  release.set_value();
  writer.join();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("26 entries"), std::string::npos) << "6 + 20 committed, not the open one: " << r.output;
}

TEST_F(AuditCliTest, TheStoreCanBeNamedByURL) {
  CliRun r = Cli("audit verify --store sqlite:" + Data() + " --public-key " + public_key_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("6 entries"), std::string::npos) << r.output;
  r = Cli("audit public-key --store sqlite:" + Data());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, public_key_ + "\n");
  r = Cli("audit export --store " + Data());  // a bare path is the SQLite store
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(head_hash_), std::string::npos) << r.output;
}

TEST_F(AuditCliTest, AnUnknownStoreSchemeIsABadCommandLineNamingIt) {
  CliRun r = Cli("audit verify --store postgresql://db.example/deconflict");
  EXPECT_EQ(r.exit_code, 64) << r.output;
  EXPECT_NE(r.output.find("unknown scheme \"postgresql\""), std::string::npos) << r.output;
  r = Cli("serve --store nosuch:x --listen 127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 64) << r.output;
  EXPECT_NE(r.output.find("unknown scheme \"nosuch\""), std::string::npos) << r.output;
  r = Cli("serve --store sqlite:" + Data() + " --data-dir " + Data());
  EXPECT_NE(r.exit_code, 0) << "--store and --data-dir both name the store: " << r.output;
}

TEST_F(AuditCliTest, AMemoryStoreServesButCannotBeAudited) {
  CliRun r = Cli("audit verify --store memory:");
  EXPECT_EQ(r.exit_code, 64) << r.output;
  EXPECT_NE(r.output.find("keeps nothing"), std::string::npos) << r.output;
  // serve on a memory store: it starts, says where its store is and that the admin token is not saved, and stops
  // cleanly on SIGTERM (the shell waits at most 10 s for the banner).
  const std::string script =
      "out=$(mktemp); " + std::string(DECONFLICT_CLI) +
      " serve --store memory: --listen 127.0.0.1:0 >$out 2>&1 & pid=$!; for i in $(seq 100); do grep -q 'stop with' "
      "$out && break; sleep 0.1; done; kill -TERM $pid; wait $pid; code=$?; cat $out; rm -f $out; exit $code";
  r = Shell(script);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(store memory:)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("admin token (not saved"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("admin.token"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace deconflict::store
