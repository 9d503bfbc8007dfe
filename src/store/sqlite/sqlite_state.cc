// State tied to the record (docs/storage.md, "Integrity at rest"): every row the store writes is sealed with a
// keyed digest of its content and the seq of the record entry that writes it, and that entry commits to the
// digests of every row it wrote or replaced (payload field "rows": one root hash, no names or counts).
#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {
namespace {

constexpr std::string_view kRowDomain = "deconflict.row.v1";
constexpr std::string_view kRootDomain = "deconflict.rows.v1";

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutBytes(std::string& out, std::string_view b) {
  PutU32(out, static_cast<std::uint32_t>(b.size()));
  out.append(b);
}

std::string Join(const std::vector<const char*>& cols, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) s += sep;
    s += cols[i];
  }
  return s;
}

std::string Short(const std::string& hash) { return hash.substr(0, 12) + "…"; }

}  // namespace

const std::vector<const TableSpec*>& StateTables() {
  static const TableSpec parties{"parties", {"id"}, {"id", "name", "role", "escalation_contact", "created_us"},
                                 [](const std::vector<std::string>& k) { return "party " + k[0]; }};
  static const TableSpec credentials{
      "credentials", {"token_hash"}, {"token_hash", "party_id", "label", "created_us", "revoked"},
      [](const std::vector<std::string>& k) { return "credential " + Short(k[0]); }};
  static const TableSpec documents{
      "documents", {"kind", "id"},
      {"kind", "id", "owner", "counterparty", "state", "start_us", "end_us", "body", "version", "updated_us"},
      [](const std::vector<std::string>& k) { return k[0] + " " + k[1]; }};
  static const TableSpec history{
      "document_history", {"kind", "id", "version"},
      {"kind", "id", "version", "owner", "counterparty", "state", "start_us", "end_us", "body", "updated_us", "deleted"},
      [](const std::vector<std::string>& k) { return k[0] + " " + k[1] + " version " + k[2] + " (history)"; }};
  static const TableSpec tracks{
      "tracks", {"party", "id"},
      {"party", "id", "callsign", "time_s", "lat_deg", "lon_deg", "alt_m", "gs_mps", "trk_deg", "vs_mps", "on_ground"},
      [](const std::vector<std::string>& k) { return "track " + k[0] + "/" + k[1]; }};
  static const TableSpec notices{"notices", {"id"}, {"id", "kind", "sender", "priority", "ref", "body", "created_us"},
                                 [](const std::vector<std::string>& k) { return "notice " + k[0]; }};
  static const TableSpec deliveries{
      "deliveries", {"notice_id", "recipient"},
      {"notice_id", "recipient", "state", "queued_us", "delivered_us", "acknowledged_us", "expired_us", "deadline_us",
       "escalation_level", "priority"},
      [](const std::vector<std::string>& k) { return "delivery of notice " + k[0] + " to " + k[1]; }};
  static const std::vector<const TableSpec*> all{&parties, &credentials, &documents, &history,
                                                 &tracks,  &notices,     &deliveries};
  return all;
}

const TableSpec& StateTable(std::string_view name) {
  for (const TableSpec* t : StateTables())
    if (name == t->table) return *t;
  std::abort();  // a table name in our own code that is not a state table: a bug
}

std::string TableSpec::SelectAll() const {
  return "SELECT " + Join(cols, ", ") + ", rseq, digest FROM " + table;
}

std::string TableSpec::WhereKey() const {
  std::string s = " WHERE ";
  for (std::size_t i = 0; i < keys.size(); ++i) s += std::string(i ? " AND " : "") + keys[i] + " = ?";
  return s;
}

std::vector<std::string> TableSpec::KeyOf(const Stmt& row) const {
  std::vector<std::string> key;
  for (std::size_t i = 0; i < keys.size(); ++i) key.push_back(row.Text(static_cast<int>(i)));
  return key;
}

std::string RowDigest(const std::string& state_key, const TableSpec& t, std::uint64_t rseq, const Stmt& row) {
  std::string m(kRowDomain);
  PutBytes(m, t.table);
  PutU64(m, rseq);
  PutU32(m, static_cast<std::uint32_t>(t.cols.size()));
  for (int i = 0; i < static_cast<int>(t.cols.size()); ++i) {
    switch (row.Type(i)) {
      case SQLITE_INTEGER:
        m.push_back('i');
        PutU64(m, static_cast<std::uint64_t>(row.Int(i)));
        break;
      case SQLITE_FLOAT: {
        const double d = row.Real(i);
        std::uint64_t bits;
        static_assert(sizeof bits == sizeof d);
        std::memcpy(&bits, &d, sizeof bits);
        m.push_back('f');
        PutU64(m, bits);
        break;
      }
      case SQLITE_NULL:
        m.push_back('n');
        break;
      default:  // TEXT (and BLOB, which we never write: its bytes)
        m.push_back('t');
        PutBytes(m, row.Text(i));
    }
  }
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                     reinterpret_cast<const unsigned char*>(state_key.data()), state_key.size());
  return record::ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string RowsRoot(const std::vector<RowCommit>& commits) {
  std::string m(kRootDomain);
  PutU32(m, static_cast<std::uint32_t>(commits.size()));
  for (const RowCommit& c : commits) {
    PutBytes(m, c.op);
    PutBytes(m, c.table);
    PutBytes(m, c.digest);
  }
  return record::ToHex(record::Blake2b256(m));
}

// ---- SqlTx: sealing rows as they are written ----

Result<std::string> SqlTx::StoredDigest(const TableSpec& t, const std::vector<std::string>& key) {
  Stmt q(db_, "SELECT digest FROM " + std::string(t.table) + t.WhereKey());
  for (const auto& k : key) q.Bind(k);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  return *row ? q.Text(0) : std::string();
}

Status SqlTx::SealRow(const TableSpec& t, const std::vector<std::string>& key, const std::string& replaced) {
  if (!state_key_) return Status::Internal("sealing a row without the state key");
  const std::uint64_t rseq = head_->seq + 1;  // the next entry this transaction appends commits to it
  std::string digest;
  {
    Stmt q(db_, t.SelectAll() + t.WhereKey());
    for (const auto& k : key) q.Bind(k);
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Internal(t.name(key) + ": sealing a row that is not there");
    digest = RowDigest(*state_key_, t, rseq, q);
  }
  Stmt u(db_, "UPDATE " + std::string(t.table) + " SET rseq = ?, digest = ?" + t.WhereKey());
  u.Bind(static_cast<std::int64_t>(rseq)).Bind(digest);
  for (const auto& k : key) u.Bind(k);
  if (Status s = u.Run(); !s.ok()) return s;
  if (!replaced.empty()) pending_.push_back(RowCommit{"drop", t.table, t.name(key), replaced});
  pending_.push_back(RowCommit{"put", t.table, t.name(key), std::move(digest)});
  return Status::Ok();
}

Status SqlTx::DropRow(const TableSpec& t, const std::vector<std::string>& key) {
  auto d = StoredDigest(t, key);
  if (!d.ok()) return d.status();
  if (!d->empty()) pending_.push_back(RowCommit{"drop", t.table, t.name(key), *d});
  return Status::Ok();
}

Result<std::string> SqlTx::CommitRows(std::string payload) {
  if (pending_.empty()) return payload;
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) {
    return Status::Invalid("a record entry that follows state changes needs a JSON object payload (it gets \"rows\")");
  }
  if (j.contains("rows")) return Status::Invalid("record entry payload field \"rows\" is reserved for the store");
  j["rows"] = RowsRoot(pending_);
  return j.dump();
}

Status SqlTx::StoreRowCommits(std::uint64_t seq) {
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const RowCommit& c = pending_[i];
    Stmt q(db_, "INSERT INTO row_commits (seq, idx, op, tbl, object, digest) VALUES (?, ?, ?, ?, ?, ?)");
    q.Bind(static_cast<std::int64_t>(seq)).Bind(static_cast<std::int64_t>(i)).Bind(c.op).Bind(c.table);
    q.Bind(c.object).Bind(c.digest);
    if (Status s = q.Run(); !s.ok()) return s;
  }
  pending_.clear();
  return Status::Ok();
}

Status SqlTx::UncommittedRowsError() const {
  return Status::Internal("the write changed " + pending_.front().object + " (and " +
                          std::to_string(pending_.size() - 1) +
                          " more) without appending a record entry after it: every state change must be in the "
                          "record (docs/storage.md); nothing of the write was stored");
}

Status SqlTx::AdoptAll() {
  std::size_t rows = 0;
  for (const TableSpec* t : StateTables()) {
    std::vector<std::vector<std::string>> keys;
    {
      Stmt q(db_, "SELECT " + Join(t->keys, ", ") + " FROM " + t->table);
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        keys.push_back(t->KeyOf(q));
      }
    }
    for (const auto& key : keys)
      if (Status s = SealRow(*t, key, ""); !s.ok()) return s;
    rows += keys.size();
  }
  if (rows == 0) return Status::Ok();
  const std::string payload = nlohmann::json{{"action", "state_adopted"}, {"schema_version", 2}, {"sealed", rows}}.dump();
  return Append({record::kind::kSystem, record::kServerActor, {}, payload}).status();
}

}  // namespace deconflict::store::sqlite
