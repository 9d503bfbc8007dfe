// Test helper for the kill -9 test: writes operations, each with its record entry, from several threads
// as fast as it can, and prints one line per acknowledged write (after Store::Write returned OK):
//   ACK <operation id> <record seq>
// The line is written with write(2) straight to stdout, so a line the test reads was acknowledged
// before the process was killed. Usage: store_crash_writer DATA_DIR [THREADS]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"

using namespace deconflict;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [THREADS]\n", argv[0]);
    return 64;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  store::SqliteOptions options;
  options.data_dir = argv[1];
  auto opened = store::OpenSqliteStore(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash_writer: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  store::Store& st = **opened;
  const std::string run = std::to_string(::getpid());
  (void)st.Write([](store::WriteTx& tx) {
    store::Party p{"alpha", "Alpha", "party", "", 0};
    Status s = tx.CreateParty(p);
    if (s.code() == ErrorCode::kAlreadyExists) return Status::Ok();
    if (!s.ok()) return s;
    return tx.Append(record::EntryInput{record::kind::kParty, "admin", {"alpha"}, R"({"party":"alpha"})"}).status();
  });
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (long i = 0;; ++i) {
        const std::string id = "op-" + run + "-" + std::to_string(t) + "-" + std::to_string(i);
        std::uint64_t seq = 0;
        Status s = st.Write([&](store::WriteTx& tx) -> Status {
          store::Document d;
          d.kind = store::DocumentKind::kOperation;
          d.id = id;
          d.owner = "alpha";
          d.state = "accepted";
          d.body = R"({"id":")" + id + R"(","volumes":[]})";
          auto put = tx.PutDocument(d, store::kMustNotExist);
          if (!put.ok()) return put.status();
          auto e = tx.Append(record::EntryInput{record::kind::kInput, "alpha", {}, R"({"operation":")" + id + R"("})"});
          if (!e.ok()) return e.status();
          seq = e->seq;
          return Status::Ok();
        });
        if (!s.ok()) {
          std::fprintf(stderr, "crash_writer: %s\n", s.ToString().c_str());
          std::_Exit(1);
        }
        const std::string line = "ACK " + id + " " + std::to_string(seq) + "\n";
        // One write(2) per line: atomic for a pipe (< PIPE_BUF), and not buffered in this process.
        if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(2);
      }
    });
  }
  for (auto& th : pool) th.join();
}
