// INTERNAL to the SQLite backend: include only from src/store/sqlite/. Not part of the store API (store/store.h
// is); nothing outside src/store/sqlite/ sees SQLite types.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "record/entry.h"
#include "record/keys.h"
#include "store/rules.h"
#include "store/sqlite/sqlite_store.h"

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

  int Type(int col) const { return sqlite3_column_type(stmt_, col); }  // SQLITE_INTEGER, _FLOAT, _TEXT, ...
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

// Reads the last entry's seq/time/hash (zero head when the record is empty).
Result<ChainHead> ReadHead(Db& db);

// Creates the schema if absent, or migrates a version 1 database (*adopt = true: its rows are not sealed yet,
// AdoptState must seal them); kCorruption for a database of another schema version.
Status EnsureSchema(Db& db, bool* adopt);
// The key of the row digests (meta state_key), 32 bytes.
Result<std::string> ReadStateKey(Db& db);

// The SQL of a state table (store/seal.h TableSpec): "SELECT <cols>, rseq, digest FROM <table>", " WHERE k1 = ? AND
// k2 = ?", the key of a row selected with the keys first, and the row's values as stored (for its digest).
std::string SelectAll(const TableSpec& t);
std::string WhereKey(const TableSpec& t);
std::vector<std::string> KeyOf(const TableSpec& t, const Stmt& row);
Row RowOf(const TableSpec& t, const Stmt& row);

// The rows of one connection: the reads of ReadTx and the row writes of RowTx (store/rules.h), in the caller's
// transaction. Reads only, unless the caller runs it inside a write transaction of the writer connection.
class SqlTx final : public RowTx {
 public:
  explicit SqlTx(Db& db) : db_(db) {}

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

  Status InsertParty(const Party& p, const Seal& seal) override;
  Status InsertCredential(const Credential& c, const Seal& seal) override;
  Status InsertDocument(const Document& d, const Seal& seal) override;
  Status InsertHistory(const Document& d, bool deleted, const Seal& seal) override;
  Status InsertNotice(const Notice& n, const Seal& seal) override;
  Status InsertDelivery(const Delivery& d, const Seal& seal) override;
  Result<std::string> ReplaceCredential(const Credential& c, const Seal& seal) override;
  Result<std::string> ReplaceDelivery(const Delivery& d, const Seal& seal) override;
  Result<std::string> UpsertTrack(const TrackState& t, const Seal& seal) override;
  Result<std::optional<std::string>> ReplaceDocument(const Document& d, std::int64_t version,
                                                     const Seal& seal) override;
  Result<std::optional<std::string>> RemoveDocument(DocumentKind kind, std::string_view id,
                                                    std::int64_t version) override;
  Result<std::int64_t> LastVersion(DocumentKind kind, std::string_view id) override;
  Status InsertEntry(const record::Entry& e, std::span<const RowCommit> commits) override;

  // The digest of the seal of row `key` of table t ("" when absent or not sealed).
  Result<std::string> StoredDigest(const TableSpec& t, const std::vector<std::string>& key);

 private:
  Result<std::vector<record::Entry>> QueryEntries(const std::string& sql, std::uint64_t from_seq,
                                                  std::string_view party, std::size_t limit);

  Db& db_;
};

// Seals every row of every state table and commits them by one entry (migration from schema version 1).
Status AdoptAll(Db& db, RulesTx& tx);

// ---- helpers of the SQL files ----

inline std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}

// Runs `q` and collects every row through `read`.
template <typename T, typename ReadFn>
inline Result<std::vector<T>> Collect(Stmt& q, ReadFn read) {
  std::vector<T> out;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    Result<T> item = read(q);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
}

// Runs `q` expecting at most one row; kNotFound with `missing` when there is none.
template <typename T, typename ReadFn>
inline Result<T> One(Stmt& q, ReadFn read, const std::string& missing) {
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(missing);
  return Result<T>(read(q));
}

// Binds a row's seal (store/seal.h): its rseq and digest columns.
inline Stmt& BindSeal(Stmt& q, const Seal& seal) { return q.Bind(static_cast<std::int64_t>(seal.rseq)).Bind(seal.digest); }

inline std::int64_t Limit(std::size_t limit) {
  return static_cast<std::int64_t>(std::min<std::size_t>(limit, static_cast<std::size_t>(INT64_MAX)));
}

inline constexpr const char* kDatabaseFile = "deconflict.db";

// Creates the data directory 0700 if missing and the database file 0600 (so that SQLite's -wal and -shm
// files are 0600 too, whatever the umask); an existing directory or file open to group or others is changed
// to 0700/0600 and a note says so. kIo when a mode cannot be set.
Status SecureDataFiles(const std::string& dir, std::vector<std::string>* notes);

}  // namespace deconflict::store::sqlite
