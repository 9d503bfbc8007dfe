// The embedded SQLite store: one writer thread with group commit, a pool of reader connections.
// Durability and concurrency are described in docs/storage.md.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "record/verify.h"
#include "store/sqlite/sqlite_integrity.h"
#include "store/sqlite/sqlite_store.h"
#include "store/write_queue.h"

namespace deconflict::store {

namespace sqlite {
namespace {

constexpr const char* kLockFile = "LOCK";

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("fsync " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  void WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done) override;
  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  const record::PublicKey& public_key() const override { return pk_; }
  Result<record::Receipt> IssueReceipt(std::string_view party, std::uint64_t seq) override {
    if (!signer_) return {Status(ErrorCode::kPermissionDenied, "store is open read-only: no signing key")};
    return store::IssueReceipt(*this, *signer_, party, seq);
  }
  Status VerifyRecord() override { return store::VerifyRecord(*this, pk_); }
  Result<IntegrityReport> VerifyIntegrity(bool full) override;
  std::vector<std::string> open_notes() const override { return notes_; }
  StoreStats stats() const override {
    std::lock_guard lock(stats_mu_);
    return stats_;
  }

 private:
  using Job = WriteQueue::Job;

  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}
  // Runs each job in its own savepoint of one transaction and commits once (group commit).
  std::vector<Status> RunGroup(const std::vector<Job*>& group);
  Status RunJob(Db& db, Job& job, ChainHead& head, std::uint64_t* appended, Status* lost);
  // Runs fn on a reader connection inside one read transaction.
  Status ReadDb(const std::function<Status(Db&)>& fn);
  // Seals the rows of a migrated version 1 database and commits them by one record entry (before the writer runs).
  Status AdoptState();

  SqliteOptions options_;
  std::vector<std::string> notes_;  // what Open changed (file modes)
  std::optional<record::Signer> signer_;  // absent when read_only
  std::string state_key_;                 // key of the row digests (meta state_key)
  record::PublicKey pk_{};
  int lock_fd_ = -1;
  std::unique_ptr<Db> writer_;

  std::vector<std::unique_ptr<Db>> readers_;
  std::vector<Db*> free_readers_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;

  mutable std::mutex stats_mu_;
  StoreStats stats_;
  std::unique_ptr<WriteQueue> queue_;  // absent when read_only; closed first on destruction
};

Result<std::unique_ptr<Store>> SqliteStore::Open(const SqliteOptions& options) {
  namespace fs = std::filesystem;
  if (options.reader_connections < 1) return Status::Invalid("store option reader_connections must be >= 1");
  if (options.max_group < 1) return Status::Invalid("store option max_group must be >= 1");
  std::unique_ptr<SqliteStore> store(new SqliteStore(options));
  const std::string dir = options.data_dir;
  const std::string db_path = (fs::path(dir) / kDatabaseFile).string();

  if (options.read_only) {
    std::error_code ec;
    if (!fs::exists(db_path, ec)) return Status::NotFound("no deconflict database at " + db_path);
    auto pk = record::ReadPublicKeyFile((fs::path(dir) / record::kPublicKeyFile).string());
    if (!pk.ok()) return pk.status();
    store->pk_ = *pk;
  } else {
    if (Status s = SecureDataFiles(dir, &store->notes_); !s.ok()) return s;
    auto signer = record::Signer::LoadOrCreate(dir);
    if (!signer.ok()) return signer.status();
    store->pk_ = signer->public_key();
    store->signer_.emplace(std::move(*signer));
    // One writing process per data directory: two would fork the record's hash chain.
    const std::string lock_path = (fs::path(dir) / kLockFile).string();
    store->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (store->lock_fd_ < 0) return Status::Io("cannot open " + lock_path + ": " + std::strerror(errno));
    if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Status::Io("data directory " + dir + " is in use by another deconflict process (" + lock_path +
                        " is locked)");
    }
    auto writer = Db::Open(db_path, false, options.busy_timeout_ms);
    if (!writer.ok()) return writer.status();
    store->writer_ = std::move(*writer);
    Db& w = *store->writer_;
    {
      Stmt mode(w, "PRAGMA journal_mode=WAL");
      auto row = mode.Step();
      if (!row.ok()) return row.status();
      if (!*row || mode.Text(0) != "wal") return Status::Io("cannot put " + db_path + " in WAL mode");
    }
    if (Status s = w.Exec(options.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !s.ok()) {
      return s;
    }
    bool adopt = false;
    if (Status s = EnsureSchema(w, &adopt); !s.ok()) return s;
    auto key = ReadStateKey(w);
    if (!key.ok()) return key.status();
    store->state_key_ = std::move(*key);
    if (adopt) {
      if (Status s = store->AdoptState(); !s.ok()) return s;
    }
    if (Status s = SyncDirectory(dir); !s.ok()) return s;  // the new database and WAL files' names are durable
  }

  for (int i = 0; i < options.reader_connections; ++i) {
    auto reader = Db::Open(db_path, true, options.busy_timeout_ms);
    if (!reader.ok()) return reader.status();
    store->free_readers_.push_back(reader->get());
    store->readers_.push_back(std::move(*reader));
  }

  // The last entry must verify with this key: catches a wrong key file or a tampered tail at once.
  // (Read-only opens are for audits, which verify everything and name the first bad entry.)
  Status tail = options.read_only ? Status::Ok() : store->Read([&](ReadTx& tx) -> Status {
    auto head = tx.HeadSeq();
    if (!head.ok()) return head.status();
    if (*head == 0) return Status::Ok();
    auto last = tx.GetEntry(*head);
    if (!last.ok()) return last.status();
    if (Status s = record::VerifyEntry(*last, store->pk_); !s.ok()) {
      return Status::Corruption("record entry seq " + std::to_string(*head) + " (the last) does not verify with "
                                "the public key of " + dir + ": " + s.message() +
                                "; run `deconflict audit verify --data-dir " + dir + "`");
    }
    return Status::Ok();
  });
  if (!tail.ok()) return tail;
  if (options.verify_on_open) {
    if (Status s = store->VerifyRecord(); !s.ok()) return s;
  }
  if (!options.read_only) {
    store->queue_ = std::make_unique<WriteQueue>(
        options.max_group, [s = store.get()](const std::vector<Job*>& group) { return s->RunGroup(group); });
  }
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() {
  queue_.reset();  // commits what is queued first
  readers_.clear();
  writer_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void SqliteStore::WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done) {
  if (!queue_) return done(Status(ErrorCode::kPermissionDenied, "store is open read-only"));
  queue_->WriteAsync(std::move(fn), std::move(done));
}

Status SqliteStore::Write(const std::function<Status(WriteTx&)>& fn) {
  if (!queue_) return {ErrorCode::kPermissionDenied, "store is open read-only"};
  return queue_->Write(fn);
}

// Runs one job in its own savepoint under the rules (store/rules.h). A failed job is rolled back to its savepoint
// alone (and the head restored); *lost is set when the whole transaction is gone.
Status SqliteStore::RunJob(Db& db, Job& job, ChainHead& head, std::uint64_t* appended, Status* lost) {
  if (Status s = Stmt(db, "SAVEPOINT job").Run(); !s.ok()) {
    *lost = s;
    return s;
  }
  const ChainHead saved_head = head;
  SqlTx rows(db);
  RulesTx tx(rows, head, *signer_, state_key_);
  Status s = RunWriteFunction(job.fn, tx);
  if (sqlite3_get_autocommit(db.raw())) {  // SQLite rolled the whole transaction back (I/O error, disk full)
    *lost = s.ok() ? Status::Io("the transaction was rolled back by SQLite") : s;
    return s;
  }
  if (s.ok()) {
    if (Status r = Stmt(db, "RELEASE job").Run(); !r.ok()) *lost = r;
    *appended += tx.appended();
  } else {
    Status r = Stmt(db, "ROLLBACK TO job").Run();
    if (r.ok()) r = Stmt(db, "RELEASE job").Run();
    if (!r.ok()) *lost = r;
    head = saved_head;
  }
  return s;
}

// Runs each job in its own savepoint of one transaction and commits once (group commit). A failed job
// is rolled back to its savepoint alone; a failed COMMIT fails every job of the group.
std::vector<Status> SqliteStore::RunGroup(const std::vector<Job*>& group) {
  Db& db = *writer_;
  std::vector<Status> results(group.size(), Status::Internal("write was not run"));
  auto finish = [&] {
    std::uint64_t ok = 0;
    for (const Status& r : results) ok += r.ok() ? 1 : 0;
    std::lock_guard lock(stats_mu_);
    stats_.write_calls += ok;
    stats_.write_failures += group.size() - ok;
    return results;
  };
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) {
    std::fill(results.begin(), results.end(), s);
    return finish();
  }
  auto head = ReadHead(db);
  if (!head.ok()) {
    (void)db.Exec("ROLLBACK");
    std::fill(results.begin(), results.end(), head.status());
    return finish();
  }
  std::uint64_t appended = 0;
  Status lost;  // set when the whole transaction is gone
  for (std::size_t i = 0; i < group.size() && lost.ok(); ++i) results[i] = RunJob(db, *group[i], *head, &appended, &lost);
  if (lost.ok()) {
    if (Status c = db.Exec("COMMIT"); !c.ok()) lost = c;
  }
  if (!lost.ok()) {
    if (!sqlite3_get_autocommit(db.raw())) (void)db.Exec("ROLLBACK");
    for (auto& r : results) {
      if (r.ok() || r.code() == ErrorCode::kInternal) {
        r = Status::Io("the write was not stored: " + lost.message());
      }
    }
  } else {
    std::lock_guard lock(stats_mu_);
    ++stats_.commits;
    stats_.record_entries += appended;
    stats_.max_batch = std::max<std::uint64_t>(stats_.max_batch, group.size());
  }
  return finish();
}

Status SqliteStore::Read(const std::function<Status(ReadTx&)>& fn) {
  return ReadDb([&](Db& db) {
    SqlTx tx(db);
    return fn(tx);
  });
}

Status SqliteStore::ReadDb(const std::function<Status(Db&)>& fn) {
  Db* db = nullptr;
  {
    std::unique_lock lock(readers_mu_);
    readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
    db = free_readers_.back();
    free_readers_.pop_back();
  }
  Status s = db->Exec("BEGIN");  // one snapshot for all of fn's reads
  if (s.ok()) {
    try {
      s = fn(*db);
    } catch (const std::exception& e) {
      s = Status::Internal(std::string("read function threw: ") + e.what());
    } catch (...) {
      s = Status::Internal("read function threw a non-standard exception");
    }
    if (!sqlite3_get_autocommit(db->raw())) (void)db->Exec("COMMIT");
  }
  {
    std::lock_guard lock(readers_mu_);
    free_readers_.push_back(db);
  }
  readers_cv_.notify_one();
  return s;
}

Status SqliteStore::AdoptState() {
  Db& db = *writer_;
  Job job{[&db](WriteTx& tx) { return AdoptAll(db, static_cast<RulesTx&>(tx)); }, nullptr};
  return RunGroup({&job}).front();
}

Result<IntegrityReport> SqliteStore::VerifyIntegrity(bool full) {
  const auto t0 = std::chrono::steady_clock::now();
  IntegrityReport report;
  report.full = full;
  VerifiedHead head;
  Status s = ReadDb([&](Db& db) -> Status {
    std::string key = state_key_;
    if (key.empty()) {  // read-only: the writer did not read it
      auto k = ReadStateKey(db);
      if (!k.ok()) return k.status();
      key = std::move(*k);
    }
    std::optional<VerifiedHead> from;
    if (!full) {
      auto stored = ReadVerifiedHead(db, pk_);
      if (!stored.ok()) return stored.status();
      from = *stored;
    }
    if (from) head = *from, report.from_seq = from->seq;
    if (Status c = VerifyChain(db, pk_, from, &report, &head); !c.ok()) return c;
    return VerifyState(db, key, report.from_seq, &report);
  });
  if (!s.ok()) return s;
  report.head_seq = head.seq;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (signer_ && head.seq > 0) {
    if (Status w = Write([&](WriteTx&) { return WriteVerifiedHead(*writer_, *signer_, head); }); !w.ok()) return w;
  }
  return report;
}

}  // namespace
}  // namespace sqlite

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  return sqlite::SqliteStore::Open(options);
}

}  // namespace deconflict::store
