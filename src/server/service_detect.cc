// The detection cycle: tactical detection over the live tracks, alerts with their notices, distress-zone
// intrusions.
#include <spdlog/spdlog.h>

#include <cmath>

#include "core/units.h"
#include "server/need_to_know.h"
#include "server/service_internal.h"

namespace deconflict::server {
namespace {

constexpr char kSep = '/';

std::pair<std::string, std::string> SplitQualified(const std::string& q) {
  const size_t i = q.find(kSep);
  if (i == std::string::npos) return {"", q};
  return {q.substr(0, i), q.substr(i + 1)};
}

channel::Priority PriorityOfLevel(const std::string& level) {
  return level == "warning" ? channel::Priority::kImmediate : channel::Priority::kPriority;
}

// Great-circle distance on the mean sphere (zone checks; metres).
double SphereDistanceM(double lat1, double lon1, double lat2, double lon2) {
  const double R = 6371008.8;
  const double p1 = lat1 * units::kDegToRad, p2 = lat2 * units::kDegToRad;
  const double dp = p2 - p1, dl = (lon2 - lon1) * units::kDegToRad;
  const double h = std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2 * R * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace

Json Service::AlertView(const AlertState& a, const std::string& party) const {
  auto with_notice = [&](Json j) {
    auto n = a.notice_of.find(party);
    if (n != a.notice_of.end()) j["notice_id"] = n->second;
    return j;
  };
  if (auto o = a.observers.find(party); o != a.observers.end() && party != a.party_a) {
    // Need-to-know of a party told of another's nonconforming aircraft: the operation, the off-nominal volume
    // and the overlap with its own objects (ObserverViews); not the aircraft, its state or the operation's plan.
    Json j = o->second;
    j.update(Json{{"alert_id", a.id}, {"kind", a.kind}, {"state", a.open ? "open" : "resolved"}, {"level", a.level},
                  {"began_at_s", a.began_s}, {"updated_at_s", a.updated_s}});
    if (a.detail.contains("resolution")) j["resolution"] = a.detail["resolution"];
    return with_notice(j);
  }
  const bool mine_is_a = party == a.party_a;
  const TrackState& own = mine_is_a ? a.a : a.b;
  const TrackState& other = mine_is_a ? a.b : a.a;
  Json j{{"alert_id", a.id},
         {"kind", a.kind},
         {"state", a.open ? "open" : "resolved"},
         {"level", a.level},
         {"own_aircraft", own.id},
         {"t_in_s", a.t_in_s},
         {"t_cpa_s", a.t_cpa_s},
         {"d_cpa_m", a.d_cpa_m},
         {"los", a.los},
         {"began_at_s", a.began_s},
         {"updated_at_s", a.updated_s}};
  if (a.kind == "separation") {
    Json history = Json::array();
    for (const auto& h : a.history) history.push_back(Json{{"at_s", h.time_s}, {"level", detect::AlertLevelName(h.level)}});
    j["level_history"] = std::move(history);
    // Need-to-know: the intruder's party, id and present state, which the conflict needs; nothing else.
    j["intruder"] = Json{{"party", mine_is_a ? a.party_b : a.party_a},
                         {"id", other.id},
                         {"lat_deg", other.lat_deg},
                         {"lon_deg", other.lon_deg},
                         {"alt_m", other.alt_m},
                         {"gs_mps", other.gs_mps},
                         {"trk_deg", other.trk_deg},
                         {"vs_mps", other.vs_mps}};
    if (auto g = a.guidance.find(party); g != a.guidance.end()) j["guidance"] = g->second;  // its own aircraft's
  } else if (a.kind == "nonconforming") {
    j["operation"] = a.detail;  // the owner's own operation and aircraft: all of it
  } else {
    j["zone"] = a.zone;
  }
  return with_notice(j);
}

void Service::ReleaseEndedEpisodes(double now_s) {
  // Episodes the tracker has forgotten (ended more than episode_gap_s ago) cannot resume any more: their closed
  // alerts leave memory (retention; they are read from the store).
  for (auto it = alert_of_episode_.begin(); it != alert_of_episode_.end();) {
    const auto al = alerts_.find(it->second);
    const bool gone = al == alerts_.end() ||
                      (!al->second->open && now_s - al->second->updated_s > options_.alerting.episode_gap_s);
    if (gone && al != alerts_.end() && !al->second->open) alerts_.erase(al);
    it = gone ? alert_of_episode_.erase(it) : std::next(it);
  }
}

std::shared_ptr<Service::AlertState> Service::SeparationAlertOf(const detect::AlertEvent& ev, double now_s) {
  const auto key = std::make_pair(ev.id_a, ev.id_b);
  if (auto it = open_by_pair_.find(key); it != open_by_pair_.end()) return alerts_.at(it->second);
  if (ev.kind == detect::AlertEvent::Kind::kBegin) ReleaseEndedEpisodes(now_s);
  auto ep = alert_of_episode_.find(ev.alert_id);
  if (ev.kind != detect::AlertEvent::Kind::kResume || ep == alert_of_episode_.end()) return nullptr;
  open_by_pair_[key] = ep->second;  // the same alert, reopened: same id, no new notice
  return alerts_.at(ep->second);
}

void Service::DetectAndAlert(double now_s) {
  // Snapshot: fresh tracks, dead-reckoned to now, ids qualified by party so that they are unique.
  // Tracks bound to operations, as reported (conformance).
  std::vector<TrackState> snap;
  std::vector<BoundTrack> bound;
  {
    std::lock_guard lock(tracks_mu_);
    for (const auto& [party, m] : tracks_)
      for (const auto& [id, e] : m) {
        const bool fresh = e.received_s != 0 && now_s - e.received_s <= options_.track_stale_s;
        if (!e.operation_id.empty()) {
          bound.push_back(BoundTrack{party + kSep + id, e.operation_id, e.state, fresh});
          bound.back().reported.id = id;
          bound.back().reported.party = party;
        }
        if (!fresh) continue;
        snap.push_back(e.state);
        snap.back().id = party + kSep + id;
        snap.back().party = party;
      }
  }
  for (auto& t : snap) {
    const double dt = std::clamp(now_s - t.time_s, 0.0, options_.track_stale_s);
    if (dt <= 0) continue;
    const double R = 6371008.8, trk = t.trk_deg * units::kDegToRad;
    t.lat_deg += t.gs_mps * std::cos(trk) * dt / R * units::kRadToDeg;
    t.lon_deg += t.gs_mps * std::sin(trk) * dt / (R * std::max(1e-6, std::cos(t.lat_deg * units::kDegToRad))) *
                 units::kRadToDeg;
    t.alt_m += t.vs_mps * dt;
  }
  if (agreements_changed_.exchange(false)) {
    detect::DetectorOptions o = options_.detector;
    o.party_minima = AgreedMinima();
    detector_ = detect::Detector(o);
  }
  detect::DetectStats stats;
  const auto conflicts = detector_.Detect(snap, &stats);
  const auto events = tracker_.Update(now_s, snap, conflicts);
  metrics_.Set("dc_tracks_live", static_cast<double>(stats.aircraft), "tracks in the last detection");
  metrics_.Set("dc_detect_milliseconds", stats.detect_ms, "wall time of the last detection");
  std::map<std::string, const TrackState*> by_id;
  for (const auto& t : snap) by_id[t.id] = &t;

  // Zone alerts: another party's aircraft inside a distress exclusion zone, or predicted to enter a zone
  // that binds its party (strategic engine, within the agreement's look-ahead).
  struct ZoneHit {
    std::string key_zone, key_track;
    const TrackState* track;
    std::string kind;
    Json zone;
    double t_entry_s = 0;
  };
  std::vector<ZoneHit> inside;
  {
    std::lock_guard lock(alerts_mu_);
    for (auto& [k, d] : distress_)
      for (const auto& t : snap) {
        if (t.party == d->party) continue;
        if (SphereDistanceM(t.lat_deg, t.lon_deg, d->lat_deg, d->lon_deg) < d->radius_m)
          inside.push_back(ZoneHit{"zone:" + d->zone_id, t.id, &t, "distress_zone", DistressZoneJson(*d), 0});
      }
  }
  for (const auto& h : PlanZoneEntries(snap)) {
    const TrackState* t = by_id.count(h.track_key) ? by_id[h.track_key] : nullptr;
    if (!t) continue;
    inside.push_back(ZoneHit{"zone:" + h.zone_id, h.track_key, t, "zone_entry",
                             Json{{"zone_id", h.zone_id}, {"owner", h.zone_owner}, {"zone_kind", h.zone_kind}},
                             h.time_to_entry_s});
  }

  std::vector<AlertChange> changes;
  {
    std::lock_guard lock(alerts_mu_);
    for (const auto& ev : events) {
      const auto key = std::make_pair(ev.id_a, ev.id_b);
      std::shared_ptr<AlertState> a = SeparationAlertOf(ev, now_s);
      if (ev.kind == detect::AlertEvent::Kind::kBegin || !a) {
        if (ev.kind == detect::AlertEvent::Kind::kEnd) continue;
        a = std::make_shared<AlertState>();
        a->id = NewId("al_");
        a->party_a = ev.party_a;
        a->party_b = ev.party_b;
        a->began_s = now_s;
        alerts_[a->id] = a;
        open_by_pair_[key] = alert_of_episode_[ev.alert_id] = a->id;
        changes.push_back({a, "created", {}});
      } else {
        changes.push_back({a, ev.kind == detect::AlertEvent::Kind::kEnd ? "resolved" : "updated", {}});
      }
      AlertState next = *a;
      if (auto f = by_id.find(ev.id_a); f != by_id.end()) next.a = *f->second;
      if (auto f = by_id.find(ev.id_b); f != by_id.end()) next.b = *f->second;
      next.a.id = SplitQualified(ev.id_a).second;
      next.b.id = SplitQualified(ev.id_b).second;
      next.level = ev.kind == detect::AlertEvent::Kind::kEnd ? a->level : detect::AlertLevelName(ev.level);
      next.t_in_s = ev.t_in_s;
      next.t_cpa_s = ev.t_cpa_s;
      next.d_cpa_m = ev.d_cpa_m;
      next.los = ev.los;
      next.history = ev.history;
      next.updated_s = now_s;
      next.open = ev.kind != detect::AlertEvent::Kind::kEnd;
      changes.back().alert = std::make_shared<AlertState>(next);
      changes.back().alert->id = a->id;
    }
    // Zone alerts: open for every intruder inside, resolve the others.
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& h : inside) {
      const auto key = std::make_pair(h.key_zone, h.key_track);
      if (!seen.insert(key).second) continue;
      if (open_by_pair_.count(key)) continue;
      auto a = std::make_shared<AlertState>();
      a->id = NewId("al_");
      a->kind = h.kind;
      a->party_a = h.track->party;
      a->a = *h.track;
      a->a.id = SplitQualified(h.track->id).second;
      a->zone = h.zone;
      a->t_in_s = h.t_entry_s;
      a->level = h.t_entry_s <= options_.alerting.warning_lookahead_s ? "warning" : "caution";
      a->los = h.t_entry_s <= 0;
      a->began_s = a->updated_s = now_s;
      alerts_[a->id] = a;
      open_by_pair_[key] = a->id;
      changes.push_back({std::make_shared<AlertState>(*a), "created", {}});
    }
    for (const auto& [key, id] : open_by_pair_) {
      if (key.first.rfind("zone:", 0) != 0 || seen.count(key)) continue;
      AlertState next = *alerts_.at(id);
      next.open = false;
      next.updated_s = now_s;
      changes.push_back({std::make_shared<AlertState>(next), "resolved", {}});
    }
  }
  AttachGuidance(changes);  // outside the lock: the changed alerts are not shared yet
  ConformanceChanges(now_s, bound, changes);
  auto op_writes = PrepareOperationStates(changes, now_s);
  if (changes.empty() && op_writes.empty()) {
    std::lock_guard lock(alerts_mu_);
    ReleaseEndedEpisodes(now_s);
    return;
  }

  // Notices for new alerts (one per concerned party, each with its own view), entries for every change.
  std::lock_guard clock(channel_mu_);
  std::vector<channel::Notice> posted;
  auto notified = [](const AlertChange& c, const std::string& p) { return c.what == "created" || c.notify.count(p); };
  auto notice_text = [](const AlertState& a, const std::string& p) -> std::string {
    if (a.kind == "separation") return "predicted loss of separation: " + (p == a.party_a ? a.a.id : a.b.id);
    if (a.kind == "nonconforming") {
      const std::string op = a.detail.value("operation_id", "");
      if (p != a.party_a) return "operation " + op + " of " + a.party_a + " is nonconforming near your operations or zones";
      const std::string why = a.detail.contains("conformance") ? a.detail["conformance"].value("reason", "") : "";
      return "aircraft " + a.a.id + " is outside every volume of its operation " + op + ": " + why;
    }
    return "aircraft " + a.a.id +
           (a.kind == "distress_zone" ? " inside distress exclusion zone " : " predicted to enter zone ") +
           a.zone.value("zone_id", "");
  };
  for (auto& c : changes) {
    for (const std::string& p : c.alert->Parties()) {
      if (!notified(c, p) || !PartyExists(p)) continue;
      channel::Notice n;
      n.id = c.alert->id + "." + p;
      n.kind = channel::NoticeKind::kAlert;
      n.priority = PriorityOfLevel(c.alert->level);
      n.alert_id = c.alert->id;
      n.text = notice_text(*c.alert, p);
      n.recipients.push_back(channel::RecipientFor(p));
      c.alert->notice_of[p] = n.id;
      posted.push_back(n);
    }
  }
  // Operation state changes: the engine lock is held from before the commit (which publishes the events) until
  // the new version tokens are in place, so that a reader told of the change never sees the old token.
  std::unique_lock<std::mutex> plan_lock;
  if (!op_writes.empty()) plan_lock = std::unique_lock<std::mutex>(plan_->mu);
  Status s = Commit([&](Outbox& out) -> Status {
    for (const auto& c : changes) {
      for (const std::string& p : c.alert->Parties()) {
        if (!PartyExists(p)) continue;
        Json view = AlertView(*c.alert, p);
        view["change"] = c.what;
        // The stored view first: the record entry below seals it (every state change precedes its entry).
        if (Status st = StageAlertView(out, *c.alert, p, view); !st.ok()) return st;
        if (notified(c, p)) {
          const channel::Notice* n = nullptr;
          for (const auto& x : posted)
            if (x.id == c.alert->notice_of.at(p)) n = &x;
          if (Status st = StageNotice(out, *n, record::kind::kAlert, view, now_s); !st.ok()) return st;
        } else {
          auto r = out.Record(record::kind::kAlert, record::kServerActor, {p}, view, "alert");
          if (!r.ok()) return r.status();
        }
      }
    }
    return StageOperationStates(out, op_writes);
  });
  FinishOperationStates(op_writes, s.ok(), now_s);
  if (plan_lock.owns_lock()) plan_lock.unlock();
  if (!s.ok()) {
    spdlog::error("alerts of this cycle not stored: {}", s.ToString());
    return;
  }
  for (const auto& n : posted) (void)channel_.Post(n, now_s);
  std::lock_guard lock(alerts_mu_);
  for (const auto& c : changes) {
    auto& slot = alerts_[c.alert->id];
    auto notices = slot ? slot->notice_of : std::map<std::string, std::string>{};
    for (auto& [p, id] : c.alert->notice_of) notices[p] = id;
    slot = c.alert;
    slot->notice_of = notices;
    if (!c.alert->open) {
      for (auto it = open_by_pair_.begin(); it != open_by_pair_.end();)
        it = it->second == c.alert->id ? open_by_pair_.erase(it) : std::next(it);
      // Retention: a closed alert is read from the store (StageAlertView) from now on, unless its episode can
      // still resume (a separation alert, within episode_gap_s): ReleaseEndedEpisodes releases that one later.
      const bool resumable = options_.alerting.episode_gap_s > 0 &&
                             std::any_of(alert_of_episode_.begin(), alert_of_episode_.end(),
                                         [&](const auto& e) { return e.second == c.alert->id; });
      if (!resumable) alerts_.erase(c.alert->id);
    }
  }
  ReleaseEndedEpisodes(now_s);
  metrics_.Add("dc_alert_changes_total", static_cast<double>(changes.size()));
  metrics_.Set("dc_alerts_open", static_cast<double>(open_by_pair_.size()), "open alerts");
}

void Service::RestoreFromEntry(const record::Entry& e, const Json& p) {
  // Track bindings (the store keeps the latest states; the record, in order, every binding change).
  if (e.kind == record::kind::kInput && p.value("input", "") == "tracks" && p.contains("tracks") && p["tracks"].is_array()) {
    std::lock_guard lock(tracks_mu_);
    auto mine = tracks_.find(e.actor);
    if (mine == tracks_.end()) return;
    for (const auto& t : p["tracks"]) {
      if (!t.is_object() || !t.contains("operation_id") || !t.contains("id") || !t["id"].is_string()) continue;
      auto slot = mine->second.find(t["id"].get<std::string>());
      if (slot != mine->second.end()) slot->second.operation_id = t["operation_id"].is_string() ? t["operation_id"].get<std::string>() : "";
    }
    return;
  }
  // Operations the server marked nonconforming, and what to put back (PrepareOperationStates).
  if (e.kind == "operation_state" && p.contains("operation_id")) {
    const std::string id = p.value("operation_id", "");
    auto from = plan::ParseOperationState(p.value("from", ""));
    std::lock_guard lock(plan_->mu);
    if (p.value("to", "") == "nonconforming" && from.ok()) plan_->marked[id] = *from;
    else plan_->marked.erase(id);
  } else if (e.kind == record::kind::kInput && p.contains("input") && p["input"].is_string() &&
             p["input"].get<std::string>().rfind("operation_", 0) == 0) {
    const std::string id = p.contains("operation") && p["operation"].is_object() ? p["operation"].value("id", "")
                                                                                   : p.value("id", "");
    std::lock_guard lock(plan_->mu);
    plan_->marked.erase(id);  // the owner wrote it since: its state stands
  }
  if (p.contains("event") && p["event"].is_string() && p.contains("event_to") && p["event_to"].is_array()) {
    const std::string type = p["event"].get<std::string>();
    const std::string notice_id = p.value("notice_id", std::string());
    for (const auto& party : p["event_to"])
      if (party.is_string())
        hub_.Publish(party.get<std::string>(),
                     {StreamEvent{e.seq, type, need_to_know::StreamData(e, party.get<std::string>()), notice_id}});
  }
  if (e.kind == record::kind::kDistress && p.contains("zone") && p.value("action", "") == "declared") {
    const Json& z = p["zone"];
    auto d = std::make_shared<DistressState>();
    d->party = z.value("owner", "");
    d->aircraft_id = z.value("aircraft_id", "");
    d->zone_id = z.value("zone_id", "");
    d->notice_id = z.value("notice_id", "");
    d->lat_deg = z.value("center_lat_deg", 0.0);
    d->lon_deg = z.value("center_lon_deg", 0.0);
    d->radius_m = z.value("radius_m", options_.distress_radius_m);
    d->declared_s = static_cast<double>(e.time_us) * 1e-6;
    std::lock_guard lock(alerts_mu_);
    distress_[d->party + "/" + d->aircraft_id] = d;
  } else if (e.kind == record::kind::kDistress && p.value("action", "") == "cancelled") {
    std::lock_guard lock(alerts_mu_);
    distress_.erase(e.actor + "/" + p.value("aircraft_id", ""));
  } else if (e.kind == "zone" && p.contains("zone") && p.value("action", "") == "moved") {
    const Json& z = p["zone"];
    std::lock_guard lock(alerts_mu_);
    auto it = distress_.find(z.value("owner", "") + "/" + z.value("aircraft_id", ""));
    if (it != distress_.end()) {
      it->second->lat_deg = z.value("center_lat_deg", 0.0);
      it->second->lon_deg = z.value("center_lon_deg", 0.0);
    }
  }
}

}  // namespace deconflict::server
