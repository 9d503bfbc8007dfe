// kill -9 recovery: a writer process is killed with SIGKILL in the middle of a stream of writes; after
// reopening, every write it acknowledged is back, with its record entry, and the record verifies.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store {
namespace {

struct Ack {
  std::string id;
  std::uint64_t seq = 0;
};

// Starts the writer, waits until it acknowledged `min_acks` writes (or 60 s), kills it with SIGKILL, and
// returns every acknowledgement it printed, including those still in the pipe when it died.
std::vector<Ack> RunAndKill(const std::string& dir, std::size_t min_acks) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(CRASH_WRITER, CRASH_WRITER, dir.c_str(), "4", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string buffer;
  std::vector<Ack> acks;
  auto parse = [&] {
    std::size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::istringstream line(buffer.substr(0, nl));
      buffer.erase(0, nl + 1);
      std::string tag;
      Ack a;
      line >> tag >> a.id >> a.seq;
      if (tag == "ACK") acks.push_back(a);
    }
  };
  auto read_some = [&]() -> bool {
    char chunk[4096];
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    parse();
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool killed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 200) > 0 && !read_some()) break;  // EOF: the writer died on its own
    if (acks.size() >= min_acks) {
      ::kill(pid, SIGKILL);  // mid-stream: its threads are writing and committing right now
      killed = true;
      break;
    }
  }
  if (!killed) ::kill(pid, SIGKILL);
  while (read_some()) {
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer should die by SIGKILL";
  EXPECT_GE(acks.size(), min_acks) << "the writer acknowledged too few writes in 60 s";
  return acks;
}

TEST(CrashRecovery, EveryAcknowledgedWriteSurvivesKill9AndTheRecordVerifies) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::vector<Ack> all;
  for (int round = 0; round < 3; ++round) {
    std::vector<Ack> acks = RunAndKill(data, 150);
    all.insert(all.end(), acks.begin(), acks.end());

    SqliteOptions o;
    o.data_dir = data;  // a normal open: also checks the last entry and takes the directory lock
    auto opened = OpenSqliteStore(o);
    ASSERT_TRUE(opened.ok()) << "round " << round << ": " << opened.status().ToString();
    Store& st = **opened;
    ASSERT_TRUE(st.VerifyRecord().ok()) << st.VerifyRecord().ToString();
    // The stored state is what the record says, crash after crash (the whole record: no verified head is kept
    // by this test's writer).
    auto integrity = st.VerifyIntegrity(/*full=*/true);
    ASSERT_TRUE(integrity.ok()) << integrity.status().ToString();
    EXPECT_GE(integrity->rows_verified, 2 * all.size()) << "each operation and its history row";
    std::size_t missing = 0;
    Status s = st.Read([&](ReadTx& tx) -> Status {
      for (const Ack& a : all) {
        auto d = tx.GetDocument(DocumentKind::kOperation, a.id);
        auto e = tx.GetEntry(a.seq);
        // The payload as written, plus the store's "rows" (the commit of the operation's rows).
        const bool ok = d.ok() && d->body.find(a.id) != std::string::npos && e.ok() &&
                        e->payload.rfind(R"({"operation":")" + a.id + R"(","rows":")", 0) == 0;
        if (!ok) {
          ++missing;
          ADD_FAILURE() << "acknowledged write " << a.id << " (seq " << a.seq << ") is not back after kill -9";
        }
      }
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(missing, 0u) << "round " << round << ": " << all.size() << " acknowledged";
  }
}

}  // namespace
}  // namespace deconflict::store
