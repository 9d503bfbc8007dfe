// INTERNAL to the SQLite backend: include only from src/store/sqlite_*.cc. Not part of the store API
// (store/store.h is); nothing outside src/store/ sees SQLite types.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "record/entry.h"
#include "record/keys.h"
#include "store/store.h"

namespace deconflict::store::sqlite {

// Maps a SQLite result code to our error codes; `what` says what was being done.
Status SqlError(sqlite3* db, int rc, std::string_view what);

// One SQLite connection with a cache of prepared statements. Not thread-safe: one user at a time.
class Db {
 public:
  // Opens `path`; read_only opens with SQLITE_OPEN_READONLY and PRAGMA query_only.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool read_only, int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(const char* sql);
  sqlite3* raw() { return db_; }

  // A cached prepared statement for `sql`, or nullptr with *status set.
  sqlite3_stmt* Cached(const std::string& sql, Status* status);

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A statement in use: binds parameters left to right, steps, reads columns, and resets on destruction.
// If the cached statement is already in use (nested use of the same SQL), prepares a private copy.
class Stmt {
 public:
  Stmt(Db& db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  const Status& status() const { return status_; }
  Stmt& Bind(std::int64_t v);
  Stmt& Bind(double v);
  Stmt& Bind(std::string_view v);
  Stmt& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Stmt& Bind(const char* v) { return Bind(std::string_view(v)); }

  // Next row: true when a row is ready, false when done; error otherwise.
  Result<bool> Step();
  // Steps to completion (statements without rows).
  Status Run();

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = false;
  int next_ = 1;
  Status status_;
};

// The chain head the writer appends after.
struct ChainHead {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  record::Hash hash = record::kZeroHash;
};

// Reads the last entry's seq/time/hash (zero head when the record is empty).
Result<ChainHead> ReadHead(Db& db);

// Creates the schema if absent; kCorruption for a database of another schema version.
Status EnsureSchema(Db& db);

// ReadTx/WriteTx over one connection. For reads only, construct with head == nullptr (writes then
// return kPermissionDenied).
class SqlTx final : public WriteTx {
 public:
  SqlTx(Db& db, ChainHead* head, const record::Signer* signer, std::uint64_t* appended)
      : db_(db), head_(head), signer_(signer), appended_(appended) {}

  Result<Party> GetParty(std::string_view id) override;
  Result<std::vector<Party>> ListParties() override;
  Result<Credential> FindCredential(std::string_view token_hash) override;
  Result<std::vector<Credential>> ListCredentials(std::string_view party_id) override;
  Result<Document> GetDocument(DocumentKind kind, std::string_view id) override;
  Result<std::vector<Document>> ListDocuments(DocumentKind kind, const DocumentFilter& filter) override;
  Result<std::vector<Document>> DocumentHistory(DocumentKind kind, std::string_view id) override;
  Result<std::vector<TrackState>> ListTracks(std::string_view party) override;
  Result<Notice> GetNotice(std::string_view id) override;
  Result<Delivery> GetDelivery(std::string_view notice_id, std::string_view recipient) override;
  Result<std::vector<Delivery>> ListDeliveries(const DeliveryFilter& filter) override;
  Result<std::vector<Notice>> ListNotices(const NoticeFilter& filter) override;
  Result<record::Entry> GetEntry(std::uint64_t seq) override;
  Result<std::uint64_t> HeadSeq() override;
  Result<std::vector<record::Entry>> ListEntries(std::uint64_t from_seq, std::size_t limit) override;
  Result<std::vector<record::Entry>> ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                         std::size_t limit) override;
  Result<std::vector<record::Entry>> ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                        std::uint64_t to_seq, std::size_t limit) override;
  Status ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) override;

  Result<record::Entry> Append(record::EntryInput input) override;
  Status CreateParty(Party& party) override;
  Status AddCredential(Credential& credential) override;
  Status RevokeCredential(std::string_view token_hash) override;
  Result<Document> PutDocument(const Document& doc, std::int64_t expected_version) override;
  Status DeleteDocument(DocumentKind kind, std::string_view id, std::int64_t expected_version) override;
  Status UpsertTracks(std::span<const TrackState> tracks) override;
  Status CreateNotice(Notice& notice, std::span<const std::string> recipients, TimeUs deadline_us) override;
  Result<Delivery> UpdateDelivery(std::string_view notice_id, std::string_view recipient, DeliveryState to,
                                  TimeUs at_us) override;
  Result<Delivery> Escalate(std::string_view notice_id, std::string_view recipient, int level, int priority,
                            TimeUs new_deadline_us) override;

 private:
  Status CheckWritable() const;
  Status InsertHistory(const Document& d, bool deleted);
  Status WriteDelivery(const Delivery& d);
  Result<std::vector<record::Entry>> QueryEntries(const std::string& sql, std::uint64_t from_seq,
                                                  std::string_view party, std::size_t limit);

  Db& db_;
  ChainHead* head_;
  const record::Signer* signer_;
  std::uint64_t* appended_;
};

TimeUs NowUs();

}  // namespace deconflict::store::sqlite
