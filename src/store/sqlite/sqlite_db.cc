// SQLite connections, statements and the schema of the embedded store.
#include <sodium.h>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {

Status SqlError(sqlite3* db, int rc, std::string_view what) {
  const int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) {
        return {ErrorCode::kAlreadyExists, msg};
      }
      return Status::Invalid(msg);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return Status::Io(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_TOOBIG:
      return {ErrorCode::kResourceExhausted, msg};
    default:
      return Status::Internal(msg);
  }
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool read_only, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time (our locks)
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqlError(raw, rc, "cannot open database " + path);
    sqlite3_close_v2(raw);
    return s;
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (read_only) {
    if (Status s = db->Exec("PRAGMA query_only=ON"); !s.ok()) return s;
  }
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqlError(db_, rc, std::string("executing \"") + sql + "\"");
  return Status::Ok();
}

sqlite3_stmt* Db::Cached(const std::string& sql, Status* status) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) {
    *status = SqlError(db_, rc, "preparing \"" + sql + "\"");
    return nullptr;
  }
  cache_.emplace(sql, stmt);
  return stmt;
}

Stmt::Stmt(Db& db, const std::string& sql) : db_(db) {
  stmt_ = db.Cached(sql, &status_);
  if (stmt_ && sqlite3_stmt_busy(stmt_)) {
    stmt_ = nullptr;
    const int rc = sqlite3_prepare_v2(db.raw(), sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) {
      status_ = SqlError(db.raw(), rc, "preparing \"" + sql + "\"");
      stmt_ = nullptr;
    }
    owned_ = true;
  }
}

Stmt::~Stmt() {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Bind(std::int64_t v) {
  if (stmt_ && status_.ok()) {
    const int rc = sqlite3_bind_int64(stmt_, next_++, v);
    if (rc != SQLITE_OK) status_ = SqlError(db_.raw(), rc, "binding a parameter");
  }
  return *this;
}

Stmt& Stmt::Bind(double v) {
  if (stmt_ && status_.ok()) {
    const int rc = sqlite3_bind_double(stmt_, next_++, v);
    if (rc != SQLITE_OK) status_ = SqlError(db_.raw(), rc, "binding a parameter");
  }
  return *this;
}

Stmt& Stmt::Bind(std::string_view v) {
  if (stmt_ && status_.ok()) {
    const int rc = sqlite3_bind_text64(stmt_, next_++, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) status_ = SqlError(db_.raw(), rc, "binding a parameter");
  }
  return *this;
}

Result<bool> Stmt::Step() {
  if (!status_.ok()) return status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  status_ = SqlError(db_.raw(), rc, std::string("running \"") + sqlite3_sql(stmt_) + "\"");
  return status_;
}

Status Stmt::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

std::string Stmt::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<ChainHead> ReadHead(Db& db) {
  Stmt q(db, "SELECT seq, time_us, hash FROM record_entries ORDER BY seq DESC LIMIT 1");
  auto row = q.Step();
  if (!row.ok()) return row.status();
  ChainHead head;
  if (!*row) return head;
  head.seq = static_cast<std::uint64_t>(q.Int(0));
  head.time_us = q.Int(1);
  auto hash = record::FromHex<32>(q.Text(2), "record entry " + std::to_string(head.seq) + " column hash");
  if (!hash.ok()) return Status::Corruption(hash.status().message());
  head.hash = *hash;
  return head;
}

namespace {

// 2: every state row carries rseq and digest (the record entry that wrote it, and its seal), and row_commits
// holds what each entry committed to (docs/storage.md, "Integrity at rest"). A version 1 database is migrated
// at open: the columns are added and the rows it holds are adopted by one record entry (AdoptState).
constexpr int kSchemaVersion = 2;
constexpr const char* kSealCols[] = {"rseq BIGINT NOT NULL DEFAULT 0", "digest TEXT NOT NULL DEFAULT ''"};

// Portable SQL: the same statements create the schema in PostgreSQL (BIGINT, TEXT, DOUBLE PRECISION;
// no AUTOINCREMENT, no rowid; hashes as hex TEXT instead of BLOB/BYTEA).
constexpr const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
    " escalation_contact TEXT NOT NULL, created_us BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS credentials (token_hash TEXT PRIMARY KEY, party_id TEXT NOT NULL,"
    " label TEXT NOT NULL, created_us BIGINT NOT NULL, revoked INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS credentials_party ON credentials (party_id)",
    "CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL,"
    " counterparty TEXT NOT NULL, state TEXT NOT NULL, start_us BIGINT NOT NULL, end_us BIGINT NOT NULL,"
    " body TEXT NOT NULL, version BIGINT NOT NULL, updated_us BIGINT NOT NULL, PRIMARY KEY (kind, id))",
    "CREATE INDEX IF NOT EXISTS documents_owner ON documents (kind, owner)",
    "CREATE INDEX IF NOT EXISTS documents_counterparty ON documents (kind, counterparty)",
    "CREATE TABLE IF NOT EXISTS document_history (kind TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL,"
    " owner TEXT NOT NULL, counterparty TEXT NOT NULL, state TEXT NOT NULL, start_us BIGINT NOT NULL,"
    " end_us BIGINT NOT NULL, body TEXT NOT NULL, updated_us BIGINT NOT NULL, deleted INTEGER NOT NULL,"
    " PRIMARY KEY (kind, id, version))",
    "CREATE TABLE IF NOT EXISTS tracks (party TEXT NOT NULL, id TEXT NOT NULL, callsign TEXT NOT NULL,"
    " time_s DOUBLE PRECISION NOT NULL, lat_deg DOUBLE PRECISION NOT NULL, lon_deg DOUBLE PRECISION NOT NULL,"
    " alt_m DOUBLE PRECISION NOT NULL, gs_mps DOUBLE PRECISION NOT NULL, trk_deg DOUBLE PRECISION NOT NULL,"
    " vs_mps DOUBLE PRECISION NOT NULL, on_ground INTEGER NOT NULL, PRIMARY KEY (party, id))",
    "CREATE TABLE IF NOT EXISTS notices (id TEXT PRIMARY KEY, kind TEXT NOT NULL, sender TEXT NOT NULL,"
    " priority INTEGER NOT NULL, ref TEXT NOT NULL, body TEXT NOT NULL, created_us BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS deliveries (notice_id TEXT NOT NULL, recipient TEXT NOT NULL, state TEXT NOT NULL,"
    " queued_us BIGINT NOT NULL, delivered_us BIGINT NOT NULL, acknowledged_us BIGINT NOT NULL,"
    " expired_us BIGINT NOT NULL, deadline_us BIGINT NOT NULL, escalation_level INTEGER NOT NULL,"
    " priority INTEGER NOT NULL, PRIMARY KEY (notice_id, recipient))",
    "CREATE INDEX IF NOT EXISTS deliveries_recipient ON deliveries (recipient, state)",
    "CREATE INDEX IF NOT EXISTS notices_sender ON notices (sender)",
    "CREATE INDEX IF NOT EXISTS deliveries_deadline ON deliveries (state, deadline_us)",
    "CREATE TABLE IF NOT EXISTS record_entries (seq BIGINT PRIMARY KEY, time_us BIGINT NOT NULL,"
    " kind TEXT NOT NULL, actor TEXT NOT NULL, audience TEXT NOT NULL, payload TEXT NOT NULL,"
    " prev TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS record_entries_actor ON record_entries (actor, seq)",
    "CREATE TABLE IF NOT EXISTS record_audience (party TEXT NOT NULL, seq BIGINT NOT NULL,"
    " PRIMARY KEY (party, seq))",
    // Version 2 (the state tables also get kSealCols): what each record entry committed to, in order. object
    // names the row for messages only (the root in the entry covers op, tbl and digest).
    "CREATE TABLE IF NOT EXISTS row_commits (seq BIGINT NOT NULL, idx INTEGER NOT NULL, op TEXT NOT NULL,"
    " tbl TEXT NOT NULL, object TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (seq, idx))",
    "CREATE INDEX IF NOT EXISTS row_commits_digest ON row_commits (digest)",
};

}  // namespace

Status EnsureSchema(Db& db, bool* adopt) {
  *adopt = false;
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)db.Exec("ROLLBACK");
    return s;
  };
  for (const char* sql : kSchema) {
    if (Status s = db.Exec(sql); !s.ok()) return fail(s);
  }
  std::string version;
  {
    Stmt q(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    auto row = q.Step();
    if (!row.ok()) return fail(row.status());
    if (*row) version = q.Text(0);
  }
  if (!version.empty() && version != "1" && version != std::to_string(kSchemaVersion)) {
    return fail(Status::Corruption("database schema version " + version + " is not the supported version " +
                                   std::to_string(kSchemaVersion)));
  }
  if (version != std::to_string(kSchemaVersion)) {  // new, or version 1: add the seal columns
    for (const TableSpec* t : StateTables()) {
      for (const char* col : kSealCols) {
        if (Status s = db.Exec(("ALTER TABLE " + std::string(t->table) + " ADD COLUMN " + col).c_str()); !s.ok())
          return fail(s);
      }
    }
    Stmt ins(db, "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    ins.Bind(std::to_string(kSchemaVersion));
    if (Status s = ins.Run(); !s.ok()) return fail(s);
    *adopt = version == "1";
  }
  // The key of the row digests: it keeps parties, who see an entry's "rows" root, from testing guesses of rows
  // they were not shown (who else got a notice) against it. Operator-only, like the database.
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  Stmt k(db, "INSERT INTO meta (key, value) VALUES ('state_key', ?) ON CONFLICT (key) DO NOTHING");
  k.Bind(record::ToHex(std::string_view(reinterpret_cast<const char*>(key), sizeof key)));
  sodium_memzero(key, sizeof key);
  if (Status s = k.Run(); !s.ok()) return fail(s);
  return db.Exec("COMMIT");
}

Result<std::string> ReadStateKey(Db& db) {
  Stmt q(db, "SELECT value FROM meta WHERE key = 'state_key'");
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("the database has no state key (meta state_key): it was not written by deconflict 2");
  auto key = record::FromHex<32>(q.Text(0), "meta state_key");
  if (!key.ok()) return Status::Corruption(key.status().message());
  return std::string(reinterpret_cast<const char*>(key->data()), key->size());
}

}  // namespace deconflict::store::sqlite
