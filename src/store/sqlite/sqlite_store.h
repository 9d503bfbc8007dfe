// The embedded SQLite backend of store::Store: a data directory with the database (WAL mode), the record's signing
// key and the lock that keeps a second writer out (docs/storage.md, "The data directory"). Open it by URL with
// store::Open("sqlite:DIR") (store/open.h), or with its own options here.
//
// Durability: WAL + synchronous=FULL, i.e. the WAL is fsynced before Write returns. Group commit: Write calls
// from many threads are queued to one writer thread, which runs each fn in its own savepoint and commits several
// together with one fsync; each fn is still all-or-nothing on its own. Reads run on a pool of reader connections
// (WAL: readers never block the writer and see the last committed state).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace deconflict::store {

struct SqliteOptions {
  // Directory holding deconflict.db (+ -wal, -shm) and the record key files. Created 0700 if missing; the
  // database files are 0600 whatever the umask, and looser modes found at open are tightened (open_notes()).
  std::string data_dir = "data";
  // true: fsync every commit (SQLite synchronous=FULL in WAL mode). false: synchronous=NORMAL, commits
  // may be lost on power failure (never on process kill); for benchmarks comparing the cost only.
  bool durable = true;
  // Maximum Write() calls committed together by one fsync. 1 disables group commit.
  std::size_t max_group = 256;
  // Reader connections (concurrent Read() calls beyond this wait for a free one).
  int reader_connections = 4;
  // How long a connection waits for a lock held by another process before kIo (ms).
  int busy_timeout_ms = 5000;
  // Verify the whole record on open (kCorruption if it does not). The last entry is always checked.
  bool verify_on_open = false;
  // Open read-only: no writer, no key creation, no lock (Write returns kPermissionDenied), and no check of
  // the last entry at open (call VerifyRecord). Needs deconflict.db and record_ed25519.pub. For `audit`.
  bool read_only = false;
};

// Opens (creating if needed) the embedded SQLite store in options.data_dir. kIo if the directory or the
// database cannot be opened or another process writes to it, kCorruption if the schema is from an unknown
// version or the record's last entry does not verify, kPermissionDenied for an unsafe key file.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace deconflict::store
