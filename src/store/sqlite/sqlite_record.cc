// The SQL of the record (SqlTx): reading entries, and storing one with its audience and the rows it commits to.
#include <limits>
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {

namespace {

constexpr const char* kEntryCols = "seq, time_us, kind, actor, audience, payload, prev, hash, signature";

Result<record::Entry> ReadEntry(const Stmt& q) {
  record::Entry e;
  e.seq = static_cast<std::uint64_t>(q.Int(0));
  e.time_us = q.Int(1);
  e.kind = q.Text(2);
  e.actor = q.Text(3);
  const std::string where = "record entry seq " + std::to_string(e.seq) + " column ";
  try {
    auto audience = nlohmann::json::parse(q.Text(4));
    for (const auto& p : audience) e.audience.push_back(p.get<std::string>());
  } catch (const nlohmann::json::exception& ex) {
    return Status::Corruption(where + "audience: " + ex.what());
  }
  e.payload = q.Text(5);
  auto prev = record::FromHex<32>(q.Text(6), where + "prev");
  auto hash = record::FromHex<32>(q.Text(7), where + "hash");
  auto sig = record::FromHex<64>(q.Text(8), where + "signature");
  for (const Status& s : {prev.status(), hash.status(), sig.status()}) {
    if (!s.ok()) return Status::Corruption(s.message());
  }
  e.prev = *prev;
  e.hash = *hash;
  e.signature = *sig;
  return e;
}

}  // namespace

// ---- the record ----

Result<record::Entry> SqlTx::GetEntry(std::uint64_t seq) {
  Stmt q(db_, Sql({"SELECT ", kEntryCols, " FROM record_entries WHERE seq = ?"}));
  q.Bind(static_cast<std::int64_t>(seq));
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("record entry seq " + std::to_string(seq) + " does not exist");
  return ReadEntry(q);
}

Result<std::uint64_t> SqlTx::HeadSeq() {
  Stmt q(db_, "SELECT COALESCE(MAX(seq), 0) FROM record_entries");
  auto row = q.Step();
  if (!row.ok()) return row.status();
  return static_cast<std::uint64_t>(q.Int(0));
}

Result<std::vector<record::Entry>> SqlTx::QueryEntries(const std::string& sql, std::uint64_t from_seq,
                                                       std::string_view party, std::size_t limit) {
  Stmt q(db_, sql);
  q.Bind(static_cast<std::int64_t>(from_seq));
  if (!party.empty()) q.Bind(party).Bind(party).Bind(static_cast<std::int64_t>(from_seq));
  q.Bind(Limit(limit));
  return Collect<record::Entry>(q, ReadEntry);
}

Result<std::vector<record::Entry>> SqlTx::ListEntries(std::uint64_t from_seq, std::size_t limit) {
  return QueryEntries(Sql({"SELECT ", kEntryCols, " FROM record_entries WHERE seq >= ? ORDER BY seq LIMIT ?"}),
                      from_seq, {}, limit);
}

Result<std::vector<record::Entry>> SqlTx::ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                              std::size_t limit) {
  if (party.empty()) return Status::Invalid("ListEntriesForParty: party is empty");
  return QueryEntries(Sql({"SELECT ", kEntryCols,
                           " FROM record_entries WHERE seq >= ? AND (actor = ? OR seq IN"
                           " (SELECT seq FROM record_audience WHERE party = ? AND seq >= ?)) ORDER BY seq LIMIT ?"}),
                      from_seq, party, limit);
}

Result<std::vector<record::Entry>> SqlTx::ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                             std::uint64_t to_seq, std::size_t limit) {
  if (party.empty()) return Status::Invalid("ListEntriesShownTo: party is empty");
  if (to_seq < from_seq) return std::vector<record::Entry>{};
  Stmt q(db_, Sql({"SELECT ", kEntryCols,
                   " FROM record_entries WHERE seq IN (SELECT seq FROM record_audience WHERE party = ? AND seq >= ?"
                   " AND seq <= ? ORDER BY seq LIMIT ?) ORDER BY seq"}));
  q.Bind(party).Bind(static_cast<std::int64_t>(from_seq));
  q.Bind(static_cast<std::int64_t>(std::min<std::uint64_t>(to_seq, std::numeric_limits<std::int64_t>::max())));
  q.Bind(Limit(limit));
  return Collect<record::Entry>(q, ReadEntry);
}

Status SqlTx::ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) {
  Stmt q(db_, Sql({"SELECT ", kEntryCols, " FROM record_entries WHERE seq >= ? ORDER BY seq"}));
  q.Bind(static_cast<std::int64_t>(from_seq));
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    auto e = ReadEntry(q);
    if (!e.ok()) return e.status();
    if (Status s = visit(*e); !s.ok()) return s;
  }
}

Status SqlTx::InsertEntry(const record::Entry& e, std::span<const RowCommit> commits) {
  Stmt q(db_, Sql({"INSERT INTO record_entries (", kEntryCols, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"}));
  q.Bind(static_cast<std::int64_t>(e.seq)).Bind(e.time_us).Bind(e.kind).Bind(e.actor);
  q.Bind(nlohmann::json(e.audience).dump()).Bind(e.payload);
  q.Bind(record::ToHex(e.prev)).Bind(record::ToHex(e.hash)).Bind(record::ToHex(e.signature));
  if (Status s = q.Run(); !s.ok()) return s;
  for (const auto& party : e.audience) {
    Stmt a(db_, "INSERT INTO record_audience (party, seq) VALUES (?, ?)");
    a.Bind(party).Bind(static_cast<std::int64_t>(e.seq));
    if (Status s = a.Run(); !s.ok()) return s;
  }
  for (std::size_t i = 0; i < commits.size(); ++i) {
    const RowCommit& c = commits[i];
    Stmt r(db_, "INSERT INTO row_commits (seq, idx, op, tbl, object, digest) VALUES (?, ?, ?, ?, ?, ?)");
    r.Bind(static_cast<std::int64_t>(e.seq)).Bind(static_cast<std::int64_t>(i)).Bind(c.op).Bind(c.table);
    r.Bind(c.object).Bind(c.digest);
    if (Status s = r.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace deconflict::store::sqlite
