// The SQL of the store's reads and writes of parties, credentials, tracks, notices and deliveries (SqlTx), run on
// one connection inside a transaction; documents are in sqlite_documents.cc, the record in sqlite_record.cc.
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {

namespace {

constexpr const char* kPartyCols = "id, name, role, escalation_contact, created_us";
constexpr const char* kCredentialCols = "token_hash, party_id, label, created_us, revoked";
constexpr const char* kDeliveryCols =
    "notice_id, recipient, state, queued_us, delivered_us, acknowledged_us, expired_us, deadline_us,"
    " escalation_level, priority";

Party ReadParty(const Stmt& q) { return Party{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4)}; }

Result<DeliveryState> ParseDeliveryState(const std::string& s) {
  for (DeliveryState st : {DeliveryState::kQueued, DeliveryState::kDelivered, DeliveryState::kAcknowledged,
                           DeliveryState::kExpired}) {
    if (s == DeliveryStateName(st)) return st;
  }
  return Status::Corruption("stored delivery state \"" + s + "\" is unknown");
}

Result<Delivery> ReadDelivery(const Stmt& q) {
  auto state = ParseDeliveryState(q.Text(2));
  if (!state.ok()) return state.status();
  Delivery d;
  d.notice_id = q.Text(0);
  d.recipient = q.Text(1);
  d.state = *state;
  d.queued_us = q.Int(3);
  d.delivered_us = q.Int(4);
  d.acknowledged_us = q.Int(5);
  d.expired_us = q.Int(6);
  d.deadline_us = q.Int(7);
  d.escalation_level = static_cast<int>(q.Int(8));
  d.priority = static_cast<int>(q.Int(9));
  return d;
}

}  // namespace

// ---- parties and credentials ----

Result<Party> SqlTx::GetParty(std::string_view id) {
  Stmt q(db_, Sql({"SELECT ", kPartyCols, " FROM parties WHERE id = ?"}));
  q.Bind(id);
  return One<Party>(q, ReadParty, "party " + std::string(id) + " does not exist");
}

Result<std::vector<Party>> SqlTx::ListParties() {
  Stmt q(db_, Sql({"SELECT ", kPartyCols, " FROM parties ORDER BY id"}));
  return Collect<Party>(q, [](const Stmt& s) { return Result<Party>(ReadParty(s)); });
}

Result<Credential> SqlTx::FindCredential(std::string_view token_hash) {
  Stmt q(db_, Sql({"SELECT ", kCredentialCols, " FROM credentials WHERE token_hash = ?"}));
  q.Bind(token_hash);
  return One<Credential>(
      q, [](const Stmt& s) { return Credential{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0}; },
      "no credential with this token");
}

Result<std::vector<Credential>> SqlTx::ListCredentials(std::string_view party_id) {
  Stmt q(db_, Sql({"SELECT ", kCredentialCols, " FROM credentials WHERE party_id = ? ORDER BY created_us, token_hash"}));
  q.Bind(party_id);
  return Collect<Credential>(q, [](const Stmt& s) {
    return Result<Credential>(Credential{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0});
  });
}

Status SqlTx::InsertParty(const Party& p, const Seal& seal) {
  Stmt q(db_, Sql({"INSERT INTO parties (", kPartyCols, ", rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?)"}));
  q.Bind(p.id).Bind(p.name).Bind(p.role).Bind(p.escalation_contact).Bind(p.created_us);
  return BindSeal(q, seal).Run();
}

Status SqlTx::InsertCredential(const Credential& c, const Seal& seal) {
  Stmt q(db_, Sql({"INSERT INTO credentials (", kCredentialCols, ", rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?)"}));
  q.Bind(c.token_hash).Bind(c.party_id).Bind(c.label).Bind(c.created_us).Bind(std::int64_t{c.revoked ? 1 : 0});
  return BindSeal(q, seal).Run();
}

Result<std::string> SqlTx::ReplaceCredential(const Credential& c, const Seal& seal) {
  auto before = StoredDigest(StateTable("credentials"), {c.token_hash});
  if (!before.ok()) return before.status();
  Stmt q(db_,
         "UPDATE credentials SET party_id = ?, label = ?, created_us = ?, revoked = ?, rseq = ?, digest = ?"
         " WHERE token_hash = ?");
  q.Bind(c.party_id).Bind(c.label).Bind(c.created_us).Bind(std::int64_t{c.revoked ? 1 : 0});
  BindSeal(q, seal).Bind(c.token_hash);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.raw()) == 0) return Status::NotFound("no credential with this token hash");
  return before;
}

// ---- tracks ----

Result<std::vector<TrackState>> SqlTx::ListTracks(std::string_view party) {
  std::string sql =
      "SELECT party, id, callsign, time_s, lat_deg, lon_deg, alt_m, gs_mps, trk_deg, vs_mps, on_ground FROM tracks";
  if (!party.empty()) sql += " WHERE party = ?";
  sql += " ORDER BY party, id";
  Stmt q(db_, sql);
  if (!party.empty()) q.Bind(party);
  return Collect<TrackState>(q, [](const Stmt& s) {
    TrackState t;
    t.party = s.Text(0);
    t.id = s.Text(1);
    t.callsign = s.Text(2);
    t.time_s = s.Real(3);
    t.lat_deg = s.Real(4);
    t.lon_deg = s.Real(5);
    t.alt_m = s.Real(6);
    t.gs_mps = s.Real(7);
    t.trk_deg = s.Real(8);
    t.vs_mps = s.Real(9);
    t.on_ground = s.Int(10) != 0;
    return Result<TrackState>(t);
  });
}

Result<std::string> SqlTx::UpsertTrack(const TrackState& t, const Seal& seal) {
  static const std::string kUpsert =
      "INSERT INTO tracks (party, id, callsign, time_s, lat_deg, lon_deg, alt_m, gs_mps, trk_deg, vs_mps,"
      " on_ground, rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (party, id) DO UPDATE SET"
      " callsign = excluded.callsign, time_s = excluded.time_s, lat_deg = excluded.lat_deg,"
      " lon_deg = excluded.lon_deg, alt_m = excluded.alt_m, gs_mps = excluded.gs_mps,"
      " trk_deg = excluded.trk_deg, vs_mps = excluded.vs_mps, on_ground = excluded.on_ground,"
      " rseq = excluded.rseq, digest = excluded.digest";
  auto before = StoredDigest(StateTable("tracks"), {t.party, t.id});
  if (!before.ok()) return before.status();
  Stmt q(db_, kUpsert);  // the cached statement, reset after each row
  q.Bind(t.party).Bind(t.id).Bind(t.callsign).Bind(t.time_s).Bind(t.lat_deg).Bind(t.lon_deg).Bind(t.alt_m);
  q.Bind(t.gs_mps).Bind(t.trk_deg).Bind(t.vs_mps).Bind(std::int64_t{t.on_ground ? 1 : 0});
  if (Status s = BindSeal(q, seal).Run(); !s.ok()) return s;
  return before;
}

// ---- notices and deliveries ----

Result<Notice> SqlTx::GetNotice(std::string_view id) {
  Stmt q(db_, "SELECT id, kind, sender, priority, ref, body, created_us FROM notices WHERE id = ?");
  q.Bind(id);
  return One<Notice>(
      q,
      [](const Stmt& s) {
        return Notice{s.Text(0), s.Text(1), s.Text(2), static_cast<int>(s.Int(3)), s.Text(4), s.Text(5), s.Int(6)};
      },
      "notice " + std::string(id) + " does not exist");
}

Result<std::vector<Notice>> SqlTx::ListNotices(const NoticeFilter& f) {
  // Sent (index notices_sender) or received (index deliveries_recipient); a sender is never its own recipient.
  Stmt q(db_,
         "SELECT id, kind, sender, priority, ref, body, created_us, rowid FROM notices WHERE sender = ? AND rowid > ?"
         " UNION SELECT n.id, n.kind, n.sender, n.priority, n.ref, n.body, n.created_us, n.rowid FROM deliveries d"
         " JOIN notices n ON n.id = d.notice_id WHERE d.recipient = ? AND n.rowid > ? ORDER BY 8 LIMIT ?");
  q.Bind(f.party).Bind(f.after_position).Bind(f.party).Bind(f.after_position).Bind(Limit(f.limit));
  return Collect<Notice>(q, [](const Stmt& s) {
    Notice n{s.Text(0), s.Text(1), s.Text(2), static_cast<int>(s.Int(3)), s.Text(4), s.Text(5), s.Int(6)};
    n.position = s.Int(7);
    return Result<Notice>(n);
  });
}

Result<Delivery> SqlTx::GetDelivery(std::string_view notice_id, std::string_view recipient) {
  Stmt q(db_, Sql({"SELECT ", kDeliveryCols, " FROM deliveries WHERE notice_id = ? AND recipient = ?"}));
  q.Bind(notice_id).Bind(recipient);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(DeliveryName(notice_id, recipient) + " does not exist");
  return ReadDelivery(q);
}

Result<std::vector<Delivery>> SqlTx::ListDeliveries(const DeliveryFilter& f) {
  std::string sql = Sql({"SELECT ", kDeliveryCols, " FROM deliveries WHERE 1 = 1"});
  if (!f.notice_id.empty()) sql += " AND notice_id = ?";
  if (!f.recipient.empty()) sql += " AND recipient = ?";
  if (!f.states.empty()) {
    sql += " AND state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
  }
  if (f.deadline_before != 0) sql += " AND deadline_us > 0 AND deadline_us < ?";
  sql += " ORDER BY priority DESC, queued_us, notice_id, recipient LIMIT ?";
  Stmt q(db_, sql);
  if (!f.notice_id.empty()) q.Bind(f.notice_id);
  if (!f.recipient.empty()) q.Bind(f.recipient);
  for (DeliveryState st : f.states) q.Bind(DeliveryStateName(st));
  if (f.deadline_before != 0) q.Bind(f.deadline_before);
  q.Bind(Limit(f.limit));
  return Collect<Delivery>(q, ReadDelivery);
}

Status SqlTx::InsertNotice(const Notice& n, const Seal& seal) {
  Stmt q(db_,
         "INSERT INTO notices (id, kind, sender, priority, ref, body, created_us, rseq, digest)"
         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.Bind(n.id).Bind(n.kind).Bind(n.sender).Bind(std::int64_t{n.priority}).Bind(n.ref).Bind(n.body).Bind(n.created_us);
  return BindSeal(q, seal).Run();
}

Status SqlTx::InsertDelivery(const Delivery& d, const Seal& seal) {
  Stmt q(db_, Sql({"INSERT INTO deliveries (", kDeliveryCols, ", rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}));
  q.Bind(d.notice_id).Bind(d.recipient).Bind(DeliveryStateName(d.state)).Bind(d.queued_us).Bind(d.delivered_us);
  q.Bind(d.acknowledged_us).Bind(d.expired_us).Bind(d.deadline_us).Bind(std::int64_t{d.escalation_level});
  q.Bind(std::int64_t{d.priority});
  return BindSeal(q, seal).Run();
}

Result<std::string> SqlTx::ReplaceDelivery(const Delivery& d, const Seal& seal) {
  auto before = StoredDigest(StateTable("deliveries"), {d.notice_id, d.recipient});
  if (!before.ok()) return before.status();
  Stmt q(db_,
         "UPDATE deliveries SET state = ?, queued_us = ?, delivered_us = ?, acknowledged_us = ?, expired_us = ?,"
         " deadline_us = ?, escalation_level = ?, priority = ?, rseq = ?, digest = ? WHERE notice_id = ? AND"
         " recipient = ?");
  q.Bind(DeliveryStateName(d.state)).Bind(d.queued_us).Bind(d.delivered_us).Bind(d.acknowledged_us);
  q.Bind(d.expired_us).Bind(d.deadline_us).Bind(std::int64_t{d.escalation_level}).Bind(std::int64_t{d.priority});
  BindSeal(q, seal).Bind(d.notice_id).Bind(d.recipient);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.raw()) == 0) return Status::NotFound(DeliveryName(d.notice_id, d.recipient) + " does not exist");
  return before;
}

}  // namespace deconflict::store::sqlite
