// The SQL of the store's reads and writes of parties, credentials, tracks, notices and deliveries (SqlTx), run on
// one connection inside a transaction; documents are in sqlite_documents.cc, the record in sqlite_record.cc.
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_internal.h"
#include "store/validate.h"

namespace deconflict::store::sqlite {

namespace {

constexpr const char* kPartyCols = "id, name, role, escalation_contact, created_us";
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

std::string DeliveryName(std::string_view notice_id, std::string_view recipient) {
  return "delivery of notice " + std::string(notice_id) + " to " + std::string(recipient);
}

}  // namespace

Status SqlTx::CheckWritable() const {
  if (!head_ || !signer_) return {ErrorCode::kPermissionDenied, "write on a read-only transaction"};
  return Status::Ok();
}

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
  Stmt q(db_, "SELECT token_hash, party_id, label, created_us, revoked FROM credentials WHERE token_hash = ?");
  q.Bind(token_hash);
  return One<Credential>(
      q, [](const Stmt& s) { return Credential{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0}; },
      "no credential with this token");
}

Result<std::vector<Credential>> SqlTx::ListCredentials(std::string_view party_id) {
  Stmt q(db_,
         "SELECT token_hash, party_id, label, created_us, revoked FROM credentials WHERE party_id = ?"
         " ORDER BY created_us, token_hash");
  q.Bind(party_id);
  return Collect<Credential>(q, [](const Stmt& s) {
    return Result<Credential>(Credential{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0});
  });
}

Status SqlTx::CreateParty(Party& party) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = ValidateId(party.id, "party id"); !s.ok()) return s;
  if (party.role != "party" && party.role != "admin") {
    return Status::Invalid("party " + party.id + ": role must be \"party\" or \"admin\", not \"" + party.role + "\"");
  }
  if (party.id == record::kServerActor) {
    return Status::Invalid("party id \"server\" is reserved for the server itself");
  }
  party.created_us = NowUs();
  Stmt q(db_, Sql({"INSERT INTO parties (", kPartyCols, ") VALUES (?, ?, ?, ?, ?)"}));
  q.Bind(party.id).Bind(party.name).Bind(party.role).Bind(party.escalation_contact).Bind(party.created_us);
  Status s = q.Run();
  if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "party " + party.id + " already exists"};
  if (!s.ok()) return s;
  return SealRow(StateTable("parties"), {party.id}, "");
}

Status SqlTx::AddCredential(Credential& credential) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (credential.token_hash.size() < 32 || credential.token_hash.size() > 128) {
    return Status::Invalid("credential token_hash must be 32 to 128 characters (a hex hash, not a token)");
  }
  if (auto p = GetParty(credential.party_id); !p.ok()) return p.status();
  credential.created_us = NowUs();
  Stmt q(db_, "INSERT INTO credentials (token_hash, party_id, label, created_us, revoked) VALUES (?, ?, ?, ?, ?)");
  q.Bind(credential.token_hash)
      .Bind(credential.party_id)
      .Bind(credential.label)
      .Bind(credential.created_us)
      .Bind(std::int64_t{credential.revoked ? 1 : 0});
  Status s = q.Run();
  if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "credential already exists"};
  if (!s.ok()) return s;
  return SealRow(StateTable("credentials"), {credential.token_hash}, "");
}

Status SqlTx::RevokeCredential(std::string_view token_hash) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  const TableSpec& t = StateTable("credentials");
  auto before = StoredDigest(t, {std::string(token_hash)});
  if (!before.ok()) return before.status();
  Stmt q(db_, "UPDATE credentials SET revoked = 1 WHERE token_hash = ?");
  q.Bind(token_hash);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.raw()) == 0) return Status::NotFound("no credential with this token hash");
  return SealRow(t, {std::string(token_hash)}, *before);
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

Status SqlTx::UpsertTracks(std::span<const TrackState> tracks) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (Status s = ValidateTrack(tracks[i], i); !s.ok()) return s;
  }
  static const std::string kUpsert =
      "INSERT INTO tracks (party, id, callsign, time_s, lat_deg, lon_deg, alt_m, gs_mps, trk_deg, vs_mps,"
      " on_ground) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (party, id) DO UPDATE SET"
      " callsign = excluded.callsign, time_s = excluded.time_s, lat_deg = excluded.lat_deg,"
      " lon_deg = excluded.lon_deg, alt_m = excluded.alt_m, gs_mps = excluded.gs_mps,"
      " trk_deg = excluded.trk_deg, vs_mps = excluded.vs_mps, on_ground = excluded.on_ground";
  const TableSpec& spec = StateTable("tracks");
  for (const TrackState& t : tracks) {
    auto before = StoredDigest(spec, {t.party, t.id});
    if (!before.ok()) return before.status();
    Stmt q(db_, kUpsert);  // the cached statement, reset after each row
    q.Bind(t.party).Bind(t.id).Bind(t.callsign).Bind(t.time_s).Bind(t.lat_deg).Bind(t.lon_deg).Bind(t.alt_m);
    q.Bind(t.gs_mps).Bind(t.trk_deg).Bind(t.vs_mps).Bind(std::int64_t{t.on_ground ? 1 : 0});
    if (Status s = q.Run(); !s.ok()) return s;
    if (Status s = SealRow(spec, {t.party, t.id}, *before); !s.ok()) return s;
  }
  return Status::Ok();
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

Status SqlTx::CreateNotice(Notice& notice, std::span<const std::string> recipients, TimeUs deadline_us) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = ValidateNotice(notice, recipients); !s.ok()) return s;
  std::vector<std::string> unique(recipients.begin(), recipients.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (const auto& r : unique) {
    if (auto p = GetParty(r); !p.ok()) {
      return p.status().code() == ErrorCode::kNotFound
                 ? Status::NotFound("notice " + notice.id + ": recipient " + r + " is not a party")
                 : p.status();
    }
  }
  notice.created_us = NowUs();
  Stmt q(db_, "INSERT INTO notices (id, kind, sender, priority, ref, body, created_us) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.Bind(notice.id).Bind(notice.kind).Bind(notice.sender).Bind(std::int64_t{notice.priority}).Bind(notice.ref);
  q.Bind(notice.body).Bind(notice.created_us);
  if (Status s = q.Run(); !s.ok()) {
    if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "notice " + notice.id + " already exists"};
    return s;
  }
  if (Status s = SealRow(StateTable("notices"), {notice.id}, ""); !s.ok()) return s;
  for (const auto& r : unique) {
    Stmt d(db_, Sql({"INSERT INTO deliveries (", kDeliveryCols, ") VALUES (?, ?, ?, ?, 0, 0, 0, ?, 0, ?)"}));
    d.Bind(notice.id).Bind(r).Bind(DeliveryStateName(DeliveryState::kQueued)).Bind(notice.created_us);
    d.Bind(deadline_us).Bind(std::int64_t{notice.priority});
    if (Status s = d.Run(); !s.ok()) return s;
    if (Status s = SealRow(StateTable("deliveries"), {notice.id, r}, ""); !s.ok()) return s;
  }
  return Status::Ok();
}

Status SqlTx::WriteDelivery(const Delivery& d) {
  const TableSpec& t = StateTable("deliveries");
  auto before = StoredDigest(t, {d.notice_id, d.recipient});
  if (!before.ok()) return before.status();
  Stmt q(db_,
         "UPDATE deliveries SET state = ?, delivered_us = ?, acknowledged_us = ?, expired_us = ?, deadline_us = ?,"
         " escalation_level = ?, priority = ? WHERE notice_id = ? AND recipient = ?");
  q.Bind(DeliveryStateName(d.state)).Bind(d.delivered_us).Bind(d.acknowledged_us).Bind(d.expired_us);
  q.Bind(d.deadline_us).Bind(std::int64_t{d.escalation_level}).Bind(std::int64_t{d.priority});
  q.Bind(d.notice_id).Bind(d.recipient);
  if (Status s = q.Run(); !s.ok()) return s;
  return SealRow(t, {d.notice_id, d.recipient}, *before);
}

Result<Delivery> SqlTx::UpdateDelivery(std::string_view notice_id, std::string_view recipient, DeliveryState to,
                                       TimeUs at_us) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  auto cur = GetDelivery(notice_id, recipient);
  if (!cur.ok()) return cur.status();
  Delivery d = *cur;
  if (d.state == to) return d;
  auto forbidden = [&] {
    return Status::Conflict(DeliveryName(notice_id, recipient) + " is " + DeliveryStateName(d.state) +
                            "; it cannot become " + DeliveryStateName(to));
  };
  if (d.state == DeliveryState::kAcknowledged || d.state == DeliveryState::kExpired) return forbidden();
  switch (to) {
    case DeliveryState::kQueued:
      return forbidden();
    case DeliveryState::kDelivered:
      d.delivered_us = at_us;
      break;
    case DeliveryState::kAcknowledged:
      if (d.delivered_us == 0) d.delivered_us = at_us;
      d.acknowledged_us = at_us;
      break;
    case DeliveryState::kExpired:
      d.expired_us = at_us;
      break;
  }
  d.state = to;
  if (Status s = WriteDelivery(d); !s.ok()) return s;
  return d;
}

Result<Delivery> SqlTx::Escalate(std::string_view notice_id, std::string_view recipient, int level, int priority,
                                 TimeUs new_deadline_us) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  auto cur = GetDelivery(notice_id, recipient);
  if (!cur.ok()) return cur.status();
  Delivery d = *cur;
  if (d.state == DeliveryState::kAcknowledged || d.state == DeliveryState::kExpired) {
    return Status::Conflict(DeliveryName(notice_id, recipient) + " is " + DeliveryStateName(d.state) +
                            "; it cannot be escalated");
  }
  d.escalation_level = std::max(d.escalation_level, level);
  d.priority = std::max(d.priority, priority);
  d.deadline_us = new_deadline_us;
  if (Status s = WriteDelivery(d); !s.ok()) return s;
  return d;
}

}  // namespace deconflict::store::sqlite
