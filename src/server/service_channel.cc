// The channel inside the service: notices, deliveries, acknowledgements, escalation and distress.
#include <spdlog/spdlog.h>

#include <cmath>

#include "core/units.h"
#include "server/service_internal.h"

namespace deconflict::server {
namespace {
using channel::DeliveryState;
using channel::Transition;

const std::string& SenderActor(const channel::Notice& n) {
  static const std::string server = record::kServerActor;
  return n.sender.empty() ? server : n.sender;
}
std::vector<std::string> SenderIfParty(const channel::Notice& n) {
  if (n.sender.empty()) return {};
  return {n.sender};
}
Json OptTime(const std::optional<double>& t) { return t ? Json(*t) : Json(nullptr); }

}  // namespace

int64_t ToMicros(double s) { return static_cast<int64_t>(std::llround(s * 1e6)); }

Json TrackToJson(const TrackState& t) {
  Json j{{"id", t.id},         {"party", t.party},     {"time_s", t.time_s}, {"lat_deg", t.lat_deg},
         {"lon_deg", t.lon_deg}, {"alt_m", t.alt_m},   {"gs_mps", t.gs_mps}, {"trk_deg", t.trk_deg},
         {"vs_mps", t.vs_mps}, {"on_ground", t.on_ground}};
  if (!t.callsign.empty()) j["callsign"] = t.callsign;
  return j;
}

Result<channel::Notice> NoticeFromStore(const store::Notice& sn) {
  Json b = Json::parse(sn.body, nullptr, false);
  if (!b.is_object()) return Status::Corruption("notice " + sn.id + ": body is not a JSON object");
  channel::Notice n;
  n.id = sn.id;
  auto kind = channel::ParseNoticeKind(b.value("kind", sn.kind));
  if (!kind) return Status::Corruption("notice " + sn.id + ": unknown kind");
  n.kind = *kind;
  n.sender = sn.sender == record::kServerActor ? "" : sn.sender;
  n.priority = static_cast<channel::Priority>(std::clamp(sn.priority, 0, 3));
  n.text = b.value("text", "");
  n.operation_id = b.value("operation_id", "");
  n.zone_id = b.value("zone_id", "");
  n.alert_id = b.value("alert_id", "");
  n.aircraft_id = b.value("aircraft_id", "");
  if (b.contains("valid_until_s") && b["valid_until_s"].is_number()) n.valid_until_s = b["valid_until_s"].get<double>();
  return n;
}

std::vector<Transition> TransitionsFromDelivery(const store::Delivery& d) {
  std::vector<Transition> out;
  const auto pr = static_cast<channel::Priority>(std::clamp(d.priority, 0, 3));
  const double deadline = static_cast<double>(d.deadline_us) * 1e-6;
  for (int i = 0; i < d.escalation_level; ++i)
    out.push_back(Transition{d.notice_id, d.recipient, Transition::What::kRepeated, pr, 0, deadline});
  if (d.delivered_us)
    out.push_back(Transition{d.notice_id, d.recipient, Transition::What::kDelivered, pr, d.delivered_us * 1e-6, deadline});
  if (d.state == store::DeliveryState::kAcknowledged)
    out.push_back(Transition{d.notice_id, d.recipient, Transition::What::kAcknowledged, pr, d.acknowledged_us * 1e-6, 0});
  if (d.state == store::DeliveryState::kExpired)
    out.push_back(Transition{d.notice_id, d.recipient, Transition::What::kExpired, pr, d.expired_us * 1e-6, 0});
  if (out.empty())
    out.push_back(Transition{d.notice_id, d.recipient, Transition::What::kQueued, pr, d.queued_us * 1e-6, deadline});
  return out;
}

channel::Policy Service::PolicyBetween(const std::string& sender, const std::string& recipient) const {
  return PolicyFromAgreement(sender, recipient);
}

Json Service::NoticePayload(const channel::Notice& n) const {
  Json j{{"notice_id", n.id},
         {"kind", channel::NoticeKindName(n.kind)},
         {"sender", SenderActor(n)},
         {"priority", channel::PriorityName(n.priority)},
         {"text", n.text},
         {"created_at_s", n.created_at_s}};
  if (!n.operation_id.empty()) j["operation_id"] = n.operation_id;
  if (!n.zone_id.empty()) j["zone_id"] = n.zone_id;
  if (!n.alert_id.empty()) j["alert_id"] = n.alert_id;
  if (!n.aircraft_id.empty()) j["aircraft_id"] = n.aircraft_id;
  if (n.valid_until_s) j["valid_until_s"] = *n.valid_until_s;
  return j;
}

Json Service::NoticeView(const channel::Notice& n, const std::string& party) const {
  Json j = NoticePayload(n);
  auto state = [](const channel::Recipient& r) {
    return Json{{"party", r.party},
                {"state", channel::DeliveryStateName(r.state)},
                {"priority", channel::PriorityName(r.priority)},
                {"queued_at_s", r.queued_at_s},
                {"delivered_at_s", OptTime(r.delivered_at_s)},
                {"acknowledged_at_s", OptTime(r.acknowledged_at_s)},
                {"expired_at_s", OptTime(r.expired_at_s)},
                {"escalations", r.escalations}};
  };
  if (n.sender == party) {
    Json rs = Json::array();
    for (const auto& r : n.recipients) rs.push_back(state(r));
    j["recipients"] = rs;
  }
  if (const auto* r = n.FindRecipient(party)) j["delivery"] = state(*r);
  return j;
}

Status Service::StageNotice(Outbox& out, const channel::Notice& n, const std::string& kind, const Json& extra,
                            double now_s) {
  double deadline = 0;
  std::vector<std::string> to;
  for (const auto& r : n.recipients) {
    const double d = now_s + PolicyBetween(n.sender, r.party).ack_deadline_s;
    deadline = deadline == 0 ? d : std::min(deadline, d);
    to.push_back(r.party);
  }
  channel::Notice stamped = n;
  stamped.created_at_s = now_s;
  Json body = NoticePayload(stamped);
  store::Notice sn;
  sn.id = n.id;
  sn.kind = channel::NoticeKindName(n.kind);
  sn.sender = SenderActor(n);
  sn.priority = static_cast<int>(n.priority);
  sn.ref = !n.alert_id.empty() ? n.alert_id : !n.operation_id.empty() ? n.operation_id : n.zone_id;
  sn.body = body.dump();
  if (Status s = out.tx.CreateNotice(sn, to, ToMicros(deadline)); !s.ok()) return s;
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return out.Record(kind, SenderActor(n), to, body, kind == "alert" ? "alert" : kind == "distress" ? "distress" : "notice")
      .status();
}

void Service::OnStreamWritten(const std::string& party, const std::vector<StreamEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events)
    if (!e.notice_id.empty()) ids.push_back(e.notice_id);
  if (ids.empty()) return;
  Background([this, party, ids = std::move(ids)] {
    const double now = Now();
    std::lock_guard lock(channel_mu_);
    std::vector<const channel::Notice*> fresh;
    for (const auto& id : ids) {
      const channel::Notice* n = channel_.Find(id);
      const channel::Recipient* r = n ? n->FindRecipient(party) : nullptr;
      if (r && r->state == DeliveryState::kQueued &&
          std::find(fresh.begin(), fresh.end(), n) == fresh.end())
        fresh.push_back(n);
    }
    if (fresh.empty()) return;
    Status s = Commit([&](Outbox& out) -> Status {
      for (const channel::Notice* n : fresh) {
        auto d = out.tx.UpdateDelivery(n->id, party, store::DeliveryState::kDelivered, ToMicros(now));
        if (!d.ok()) return d.status();
        auto r = out.Record(record::kind::kDelivery, record::kServerActor, {party},
                            Json{{"notice_id", n->id}, {"recipient", party}, {"state", "delivered"}, {"at_s", now}},
                            n->sender.empty() ? "" : "notice_state", SenderIfParty(*n));
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
    if (!s.ok()) {
      spdlog::error("delivery marks for party={} not stored: {}", party, s.ToString());
      return;
    }
    for (const channel::Notice* n : fresh) (void)channel_.MarkDelivered(n->id, party, now);
  });
}

void Service::Escalate(double now_s) {
  std::lock_guard lock(channel_mu_);
  std::vector<Transition> ts = channel_.Tick(now_s);
  if (ts.empty()) return;
  Status s = Commit([&](Outbox& out) -> Status {
    for (const auto& t : ts) {
      const channel::Notice* n = channel_.Find(t.notice_id);
      if (!n) continue;
      const channel::Recipient* r = n->FindRecipient(t.party);
      if (t.what == Transition::What::kExpired) {
        auto d = out.tx.UpdateDelivery(t.notice_id, t.party, store::DeliveryState::kExpired, ToMicros(now_s));
        if (!d.ok()) return d.status();
        std::vector<std::string> to = SenderIfParty(*n);
        to.push_back(t.party);
        auto e = out.Record(record::kind::kExpiry, record::kServerActor, {t.party},
                            Json{{"notice_id", t.notice_id}, {"recipient", t.party}, {"state", "expired"}, {"at_s", now_s}},
                            "notice_state", to);
        if (!e.ok()) return e.status();
        continue;
      }
      auto d = out.tx.Escalate(t.notice_id, t.party, r ? r->escalations : 1, static_cast<int>(t.priority),
                               ToMicros(t.next_deadline_s));
      if (!d.ok()) return d.status();
      Json p = NoticePayload(*n);
      p["priority"] = channel::PriorityName(t.priority);
      p["escalation"] = channel::TransitionName(t.what);
      p["escalation_level"] = r ? r->escalations : 1;
      if (t.what == Transition::What::kContactNotified) {
        std::shared_lock plock(parties_mu_);
        auto it = parties_.find(t.party);
        p["escalation_contact"] = it == parties_.end() ? "" : it->second.escalation_contact;
        spdlog::warn("escalation notice={} recipient={} contact=\"{}\" (unacknowledged)", t.notice_id, t.party,
                     p["escalation_contact"].get<std::string>());
      }
      auto e = out.Record(record::kind::kEscalation, record::kServerActor, {t.party}, p,
                          t.what == Transition::What::kContactNotified ? "escalation" : "notice");
      if (!e.ok()) return e.status();
    }
    return Status::Ok();
  });
  if (!s.ok()) spdlog::error("escalation of {} notices not stored: {}", ts.size(), s.ToString());
  metrics_.Add("dc_escalations_total", static_cast<double>(ts.size()));
  if (!s.ok()) return;  // kept in memory: the next restart rebuilds from the store
  for (const auto& t : ts)  // settled by an expiry: it lives on in the store and the record
    if (t.what == Transition::What::kExpired && channel_.Release(t.notice_id)) metrics_.Add("dc_notices_released_total");
}

Result<TrackState> Service::CurrentTrack(const std::string& party, const std::string& id, double now_s) const {
  std::lock_guard lock(tracks_mu_);
  auto pit = tracks_.find(party);
  if (pit == tracks_.end() || !pit->second.count(id))
    return Status::NotFound("no track " + id + " of party " + party);
  TrackState t = pit->second.at(id).state;
  // Dead-reckon to now (straight line, at most the stale time).
  const double dt = std::clamp(now_s - t.time_s, 0.0, options_.track_stale_s);
  const double R = 6371008.8;
  const double trk = t.trk_deg * units::kDegToRad;
  t.lat_deg += t.gs_mps * std::cos(trk) * dt / R * units::kRadToDeg;
  t.lon_deg += t.gs_mps * std::sin(trk) * dt / (R * std::max(1e-6, std::cos(t.lat_deg * units::kDegToRad))) *
               units::kRadToDeg;
  t.alt_m += t.vs_mps * dt;
  t.time_s += dt;
  return t;
}

Result<std::string> Service::DeclareDistress(const std::string& party, const std::string& aircraft_id,
                                             const std::string& text) {
  const double now = Now();
  auto track = CurrentTrack(party, aircraft_id, now);
  if (!track.ok()) return track.status();
  const std::string key = party + "/" + aircraft_id;
  std::lock_guard lock(channel_mu_);
  {
    std::lock_guard alock(alerts_mu_);
    if (distress_.count(key)) return Status::Conflict("distress already declared for " + aircraft_id);
  }
  auto state = std::make_shared<DistressState>();
  state->party = party;
  state->aircraft_id = aircraft_id;
  state->notice_id = NewId("ds_");
  state->zone_id = "distress." + party + "." + aircraft_id;
  state->lat_deg = track->lat_deg;
  state->lon_deg = track->lon_deg;
  state->alt_m = track->alt_m;
  state->radius_m = options_.distress_radius_m;
  state->declared_s = now;
  channel::Notice n;
  n.id = state->notice_id;
  n.kind = channel::NoticeKind::kDistress;
  n.sender = party;
  n.priority = channel::Priority::kDistress;
  n.text = text.empty() ? "distress: aircraft " + aircraft_id : text;
  n.aircraft_id = aircraft_id;
  n.zone_id = state->zone_id;
  for (const auto& p : PartyIds()) n.recipients.push_back(channel::RecipientFor(p));
  const std::vector<std::string> everyone = PartyIds();
  const Json zone = DistressZoneJson(*state);
  Status s = Commit([&](Outbox& out) -> Status {
    // The distress notice first (every party, distress priority), then the exclusion zone.
    if (Status st = StageNotice(out, n, record::kind::kDistress,
                                Json{{"action", "declared"}, {"position", TrackToJson(*track)}, {"zone", zone}}, now);
        !st.ok())
      return st;
    store::Document doc;
    doc.kind = store::DocumentKind::kZone;
    doc.id = state->zone_id;
    doc.owner = party;
    doc.state = "active";
    doc.body = zone.dump();
    auto put = out.tx.PutDocument(doc, store::kAnyVersion);
    if (!put.ok()) return put.status();
    return out.Record("zone", record::kServerActor, everyone, Json{{"action", "created"}, {"zone", zone}}, "zone")
        .status();
  });
  if (!s.ok()) return s;
  (void)channel_.Post(n, now);
  std::lock_guard alock(alerts_mu_);
  distress_[key] = state;
  metrics_.Add("dc_distress_declared_total");
  return state->notice_id;
}

Json Service::DistressZoneJson(const DistressState& d) const {
  return Json{{"zone_id", d.zone_id},       {"kind", "distress_exclusion"}, {"owner", d.party},
              {"aircraft_id", d.aircraft_id}, {"binds", "all"},             {"center_lat_deg", d.lat_deg},
              {"center_lon_deg", d.lon_deg}, {"radius_m", d.radius_m},      {"notice_id", d.notice_id}};
}

Response Service::DistressZoneAnswer(const std::string& zone_id) const {
  std::lock_guard lock(alerts_mu_);
  for (const auto& [key, d] : distress_)
    if (d->zone_id == zone_id) return Ok(DistressZoneJson(*d));
  return ErrorResponse(Status::NotFound("no zone " + zone_id + " (no active distress has it)"));
}

Status Service::CancelDistress(const std::string& party, const std::string& aircraft_id) {
  const std::string key = party + "/" + aircraft_id;
  std::shared_ptr<DistressState> d;
  std::lock_guard lock(channel_mu_);
  {
    std::lock_guard alock(alerts_mu_);
    auto it = distress_.find(key);
    if (it == distress_.end()) return Status::NotFound("no distress declared by " + party + " for " + aircraft_id);
    d = it->second;
  }
  const double now = Now();
  Status s = Commit([&](Outbox& out) -> Status {
    if (Status st = out.tx.DeleteDocument(store::DocumentKind::kZone, d->zone_id, store::kAnyVersion); !st.ok())
      return st;
    return out.Record(record::kind::kDistress, party, PartyIds(),
                      Json{{"action", "cancelled"}, {"aircraft_id", aircraft_id}, {"zone_id", d->zone_id},
                           {"distress_notice_id", d->notice_id}, {"at_s", now}},
                      "distress_cancelled")
        .status();
  });
  if (!s.ok()) return s;
  std::lock_guard alock(alerts_mu_);
  distress_.erase(key);
  return s;
}

void Service::FollowDistress(double now_s) {
  std::vector<std::shared_ptr<DistressState>> active;
  {
    std::lock_guard lock(alerts_mu_);
    for (auto& [k, d] : distress_) active.push_back(d);
  }
  for (auto& d : active) {
    auto t = CurrentTrack(d->party, d->aircraft_id, now_s);
    if (!t.ok()) continue;
    const double moved = units::kPi / 180 * 6371008.8 *
                         std::hypot(t->lat_deg - d->lat_deg,
                                    (t->lon_deg - d->lon_deg) * std::cos(d->lat_deg * units::kDegToRad));
    if (moved < 50) continue;
    DistressState next = *d;
    next.lat_deg = t->lat_deg;
    next.lon_deg = t->lon_deg;
    next.alt_m = t->alt_m;
    const Json zone = DistressZoneJson(next);
    Status s = Commit([&](Outbox& out) -> Status {
      store::Document doc;
      doc.kind = store::DocumentKind::kZone;
      doc.id = next.zone_id;
      doc.owner = next.party;
      doc.state = "active";
      doc.body = zone.dump();
      auto put = out.tx.PutDocument(doc, store::kAnyVersion);
      if (!put.ok()) return put.status();
      return out.Record("zone", record::kServerActor, PartyIds(), Json{{"action", "moved"}, {"zone", zone}}, "zone")
          .status();
    });
    if (!s.ok()) {
      spdlog::error("distress zone {} not moved: {}", next.zone_id, s.ToString());
      continue;
    }
    std::lock_guard lock(alerts_mu_);
    *d = next;
  }
}

}  // namespace deconflict::server
