// Integrity at rest through the real binaries (issue 9, finding 9): a data directory changed by hand — a notice's
// text, a middle record entry, an operation row — is refused by `deconflict serve` (exit 3) and by `deconflict audit
// verify` (exit 3), each naming what was changed; the untouched copy starts and verifies.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "test_client.h"

namespace deconflict::testing {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;
};

// Runs the CLI (bounded: a server that wrongly starts is stopped by timeout, exit 124).
Run Cli(const std::string& args) {
  Run r;
  const std::string cmd = "timeout 30 " + std::string(DECONFLICT_BINARY_DIR) + "/deconflict " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void Sql(const std::string& data_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir + "/deconflict.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  EXPECT_EQ(sqlite3_changes(db), 1) << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

class IntegrityAtRest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(FreshDir("integrity-at-rest"));
    ServerProcess s(*dir_);
    const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
    const double t0 = static_cast<double>(std::time(nullptr)) + 600;
    Json v{{"outline_circle", {{"center", {{"lat", 35}, {"lng", 38}}}, {"radius", 3000}}},
           {"altitude_lower", 0}, {"altitude_upper", 1000}, {"time_start", t0}, {"time_end", t0 + 3600}};
    ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-1"}, {"priority", 1}, {"volumes", {v}}}).status, 201);
    auto n = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "hold west of the river"}});
    ASSERT_EQ(n.status, 201);
    *notice_ = n.json()["notice_id"];
    for (int i = 0; i < 5; ++i)
      ASSERT_EQ(s.Post("/v1/notices", red, Json{{"kind", "free_text"}, {"to", {"blue"}}, {"text", "ack " + std::to_string(i)}}).status, 201);
    ASSERT_EQ(s.Signal(SIGTERM), 0);
  }
  static void TearDownTestSuite() { delete dir_; }

  // A copy of the data directory to tamper with.
  std::string Copy(const std::string& name) {
    const std::string to = *dir_ + "/" + name + "/data";
    std::filesystem::create_directories(to);
    std::filesystem::copy(*dir_ + "/data", to, std::filesystem::copy_options::recursive);
    return to;
  }

  void ExpectRefused(const std::string& data, const std::string& named) {
    auto serve = Cli("serve --data-dir " + data + " --listen 127.0.0.1:0");
    EXPECT_EQ(serve.exit_code, 3) << serve.output;
    EXPECT_NE(serve.output.find("does not verify"), std::string::npos) << serve.output;
    EXPECT_NE(serve.output.find(named), std::string::npos) << serve.output;
    auto audit = Cli("audit verify --data-dir " + data);
    EXPECT_EQ(audit.exit_code, 3) << audit.output;
    EXPECT_NE(audit.output.find(named), std::string::npos) << audit.output;
  }

  static std::string* dir_;
  static std::string notice_[1];
};
std::string* IntegrityAtRest::dir_ = nullptr;
std::string IntegrityAtRest::notice_[1];

TEST_F(IntegrityAtRest, TheUntouchedDataStartsAndVerifies) {
  const std::string data = Copy("untouched");
  auto audit = Cli("audit verify --data-dir " + data);
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
  EXPECT_NE(audit.output.find("stored state verifies"), std::string::npos) << audit.output;
  ServerProcess s(*dir_ + "/untouched", "", {"--verify-full"}, /*fresh=*/false);
  EXPECT_NE(s.output().find("store verified (full)"), std::string::npos) << s.output();
}

TEST_F(IntegrityAtRest, ANoticeTextChangedInTheDatabaseIsRefusedNamingTheNotice) {
  const std::string data = Copy("notice");
  Sql(data, "UPDATE notices SET body = replace(body, 'west', 'east') WHERE id = '" + notice_[0] + "'");
  ExpectRefused(data, "notice " + notice_[0] + " was changed outside deconflict");
}

TEST_F(IntegrityAtRest, AnOperationRowChangedInTheDatabaseIsRefusedNamingTheOperation) {
  const std::string data = Copy("operation");
  Sql(data, "UPDATE documents SET body = replace(body, '\"priority\":1', '\"priority\":3') WHERE id = 'b-1'");
  ExpectRefused(data, "operation b-1 was changed outside deconflict");
}

TEST_F(IntegrityAtRest, AMiddleRecordEntryChangedIsRefusedNamingTheEntry) {
  const std::string data = Copy("entry");
  Sql(data, "UPDATE record_entries SET payload = replace(payload, 'ack 2', 'ack 9') WHERE payload LIKE '%ack 2%' AND kind = 'notice'");
  ExpectRefused(data, "hash does not match content");
}

}  // namespace
}  // namespace deconflict::testing
