// Tracks bound to operations, and their conformance on every detection cycle (ASTM F3548-21 conformance
// monitoring: an aircraft outside every volume of its operational intent, beyond the tolerances, makes the
// intent Nonconforming, and the parties whose intents or zones its off-nominal volume meets are told).
//
// Hysteresis: a track's alert opens once its checks have said "nonconforming" without a break for
// options_.nonconforming_after_s, and resolves once they have said "conforming" without a break for
// options_.conforming_after_s; a stale track is not checked (its state freezes). The operation is marked
// nonconforming while one of its aircraft's alerts is open, and put back to its former state once none is and
// an aircraft has been seen conforming again (unless the owner changed it meanwhile: then the owner's stands).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "plan/codec.h"
#include "server/service_internal.h"

namespace deconflict::server {
namespace {

constexpr double kMaxOffNominalRadiusM = 25000;  // keeps the circle under the plan area limit (2,500 km^2)

Json ConformanceJson(const plan::Conformance& c, const plan::ConformanceOptions& o) {
  return Json{{"conforming", c.conforming},
              {"nearest_volume", c.nearest_volume},
              {"horizontal_outside_m", c.horizontal_outside_m},
              {"vertical_outside_m", c.vertical_outside_m},
              {"time_outside_s", c.time_outside_s},
              {"reason", c.reason},
              {"tolerance", {{"horizontal_m", o.horizontal_tolerance_m},
                             {"vertical_m", o.vertical_tolerance_m},
                             {"time_s", o.time_tolerance_s}}}};
}

// Where the aircraft may be within horizon_s of now: a circle around its reported position of radius
// horizontal tolerance + ground speed x horizon (at most 25 km), the altitude band +- (vertical tolerance +
// |vertical rate| x horizon), from now to now + horizon. (F3548-21 has the USS publish off-nominal volumes for
// a nonconforming intent; this is their simplest honest form.)
plan::Volume4D OffNominalVolume(const TrackState& t, const plan::ConformanceOptions& o, double horizon_s,
                                double now_s) {
  plan::Volume4D v;
  const double r = o.horizontal_tolerance_m + t.gs_mps * horizon_s;
  v.outline_circle = plan::Circle{{t.lat_deg, t.lon_deg}, std::min(r, kMaxOffNominalRadiusM)};
  const double dz = o.vertical_tolerance_m + std::abs(t.vs_mps) * horizon_s;
  v.altitude_lower_m = t.alt_m - dz;
  v.altitude_upper_m = t.alt_m + dz;
  v.time_start_s = now_s;
  v.time_end_s = now_s + horizon_s;
  return v;
}

// What each other party is shown: the nonconforming operation's id and owner, the off-nominal volume, and for
// each of its own operations or zones met, the overlap (time window and altitude band) — nothing else.
std::map<std::string, Json> ObserverViews(const plan::Operation& op, const plan::Volume4D& off,
                                          const std::vector<plan::Conflict>& conflicts) {
  std::map<std::string, Json> out;
  for (const auto& c : conflicts) {
    if (c.other_party == op.owner) continue;
    Json& v = out[c.other_party];
    if (v.is_null())
      v = Json{{"operation", {{"id", op.id}, {"owner", op.owner}, {"state", "nonconforming"}}},
               {"off_nominal_volume", plan::EncodeVolume(off)},
               {"meets", Json::array()}};
    v["meets"].push_back(Json{{"kind", c.kind == plan::ConflictKind::kOperation ? "operation" : "zone"},
                              {"id", c.other_id},
                              {"time", {{"start_s", c.time.lo}, {"end_s", c.time.hi}}},
                              {"altitude", {{"lower_m", c.altitude.lo}, {"upper_m", c.altitude.hi}}}});
  }
  return out;
}

}  // namespace

Status Service::IngestTracks(const std::string& party, std::vector<TrackState> tracks, const std::string& source,
                             const std::vector<std::optional<std::string>>& operation_ids) {
  auto binding = [&](size_t i) -> const std::optional<std::string>& {
    static const std::optional<std::string> kKeep;
    return i < operation_ids.size() ? operation_ids[i] : kKeep;
  };
  {
    std::lock_guard lock(plan_->mu);
    for (size_t i = 0; i < tracks.size(); ++i) {
      const auto& id = binding(i);
      if (!id || id->empty()) continue;
      auto op = plan_->registry.GetOperation(*id);
      if (!op || op->owner != party || !plan_->op_version.count(*id))
        return Status::Invalid("tracks[" + std::to_string(i) + "].operation_id: no operation \"" + *id +
                               "\" of party " + party);
    }
  }
  const double now = Now();
  Json arr = Json::array();
  for (size_t i = 0; i < tracks.size(); ++i) {
    arr.push_back(TrackToJson(tracks[i]));
    if (const auto& id = binding(i)) arr.back()["operation_id"] = id->empty() ? Json(nullptr) : Json(*id);
  }
  Status s = Commit([&](Outbox& out) -> Status {
    if (Status u = out.tx.UpsertTracks(tracks); !u.ok()) return u;
    return out.Record(record::kind::kInput, party, {},
                      Json{{"input", "tracks"}, {"source", source}, {"tracks", std::move(arr)}})
        .status();
  });
  if (!s.ok()) return s;
  std::lock_guard lock(tracks_mu_);
  auto& mine = tracks_[party];
  for (size_t i = 0; i < tracks.size(); ++i) {
    auto& slot = mine[tracks[i].id];
    if (const auto& id = binding(i)) slot.operation_id = *id;  // a binding applies even with an older report
    if (slot.received_s == 0 || tracks[i].time_s >= slot.state.time_s) {
      slot.state = std::move(tracks[i]);
      slot.received_s = now;
    }
  }
  metrics_.Add("dc_tracks_ingested_total", static_cast<double>(tracks.size()));
  return s;
}

void Service::ConformanceChanges(double now_s, const std::vector<BoundTrack>& bound,
                                 std::vector<AlertChange>& changes) {
  struct Checked {
    const BoundTrack* track = nullptr;
    std::optional<plan::Operation> op;  // unset: gone, ended or not the track's party's
    plan::Conformance conformance;
    plan::Volume4D off_nominal;
    std::vector<plan::Conflict> conflicts;  // of the off-nominal volume (nonconforming tracks only)
  };
  std::vector<Checked> checked;
  {
    std::lock_guard lock(plan_->mu);
    for (const auto& b : bound) {
      Checked k;
      k.track = &b;
      auto op = plan_->registry.GetOperation(b.operation_id);
      if (op && op->owner == b.reported.party && op->state != plan::OperationState::kEnded) k.op = std::move(op);
      if (k.op && b.fresh) {
        auto c = plan_->registry.CheckConformance(b.reported, b.operation_id);
        if (!c.ok()) {
          k.op.reset();
        } else {
          k.conformance = *c;
          if (!c->conforming) {
            plan::Operation off = *k.op;
            off.state = plan::OperationState::kNonconforming;
            off.volumes = {OffNominalVolume(b.reported, options_.conformance, options_.off_nominal_horizon_s, now_s)};
            k.off_nominal = off.volumes[0];
            auto d = plan_->registry.CheckOperation(off, now_s);
            if (d.ok()) k.conflicts = std::move(d->conflicts);
            else spdlog::warn("off-nominal volume of {} not checked: {}", b.key, d.status().ToString());
          }
        }
      }
      checked.push_back(std::move(k));
    }
  }

  std::lock_guard lock(alerts_mu_);
  auto resolve = [&](PlanState::Watch& w, const std::string& why) {
    if (w.alert_id.empty()) return;
    auto next = std::make_shared<AlertState>(*alerts_.at(w.alert_id));
    next->open = false;
    next->updated_s = now_s;
    next->detail["resolution"] = why;
    changes.push_back({next, "resolved", {}});
    w.alert_id.clear();
  };
  std::set<std::string> present;
  for (const Checked& k : checked) {
    const BoundTrack& b = *k.track;
    present.insert(b.key);
    auto& w = plan_->watch[b.key];
    if (w.operation_id != b.operation_id) {
      resolve(w, "unbound: the track now flies another operation");
      w = PlanState::Watch{b.operation_id, false, true, now_s, "", false};
    }
    if (!k.op) {
      resolve(w, "operation gone: deleted or ended");
      w.checked = false;
      continue;
    }
    if (!b.fresh) continue;  // no new evidence: the state stands
    const bool ok = k.conformance.conforming;
    if (!w.checked || ok != w.conforming) {
      w.checked = true;
      w.conforming = ok;
      w.since_s = now_s;
    }
    const double held_s = now_s - w.since_s;
    if (!w.alert_id.empty() && ok) {
      if (held_s >= options_.conforming_after_s) resolve(w, "conforming");
      continue;
    }
    if (ok || held_s < options_.nonconforming_after_s) continue;
    auto observers = ObserverViews(*k.op, k.off_nominal, k.conflicts);
    auto describe = [&](AlertState& a) {
      std::vector<std::string> told;
      for (const auto& [p, v] : a.observers) told.push_back(p);
      a.a = b.reported;
      a.updated_s = now_s;
      a.detail = Json{{"operation_id", b.operation_id},
                      {"conformance", ConformanceJson(k.conformance, options_.conformance)},
                      {"off_nominal_volume", plan::EncodeVolume(k.off_nominal)},
                      {"told", told}};
    };
    if (w.alert_id.empty()) {
      auto a = std::make_shared<AlertState>();
      a->id = NewId("al_");
      a->kind = "nonconforming";
      a->party_a = b.reported.party;
      a->level = observers.empty() ? "caution" : "warning";
      a->began_s = now_s;
      a->observers = std::move(observers);
      describe(*a);
      alerts_[a->id] = a;
      open_by_pair_[{"conformance:" + b.operation_id, b.key}] = a->id;
      w.alert_id = a->id;
      w.mark_pending = true;
      changes.push_back({std::make_shared<AlertState>(*a), "created", {}});
      continue;
    }
    // Still nonconforming: parties whose objects the aircraft now comes near are told as well.
    const AlertState& cur = *alerts_.at(w.alert_id);
    std::set<std::string> added;
    for (const auto& [p, v] : observers)
      if (!cur.observers.count(p)) added.insert(p);
    if (added.empty()) continue;
    auto next = std::make_shared<AlertState>(cur);
    for (const auto& p : added) next->observers[p] = observers[p];
    next->level = "warning";
    describe(*next);
    changes.push_back({next, "updated", added});
  }
  // Tracks no longer bound (or bound to nothing any more).
  for (auto it = plan_->watch.begin(); it != plan_->watch.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    resolve(it->second, "unbound");
    it = plan_->watch.erase(it);
  }
}

std::vector<Service::OperationStateWrite> Service::PrepareOperationStates(const std::vector<AlertChange>&,
                                                                           double now_s) {
  size_t nonconforming = 0;
  for (const auto& [key, w] : plan_->watch) nonconforming += !w.alert_id.empty();
  metrics_.Set("dc_tracks_nonconforming", static_cast<double>(nonconforming), "bound tracks with an open nonconforming alert");
  // Operations with an open nonconforming alert after this cycle (to_mark: a new one, marked once per alert so
  // that an owner who re-plans meanwhile is not overruled), and those with an aircraft seen conforming long
  // enough (the evidence that lets a marked operation go back).
  std::set<std::string> open, to_mark, conforming;
  for (auto& [key, w] : plan_->watch) {
    if (!w.alert_id.empty()) {
      open.insert(w.operation_id);
      if (w.mark_pending) to_mark.insert(w.operation_id);
      w.mark_pending = false;
    } else if (w.checked && w.conforming && now_s - w.since_s >= options_.conforming_after_s)
      conforming.insert(w.operation_id);
  }
  std::vector<OperationStateWrite> out;
  std::lock_guard lock(plan_->mu);
  // false: the owner's change is in flight; try again next cycle.
  auto stage = [&](const std::string& id, plan::OperationState to, const std::string& reason) {
    auto op = plan_->registry.GetOperation(id);
    if (!op || !plan_->op_version.count(id)) return true;
    if (plan_->in_flight.count("op:" + id)) return false;
    OperationStateWrite w;
    w.before = *op;
    w.after = *op;
    w.after.state = to;
    w.expected_version = plan_->op_version[id];
    w.reason = reason;
    auto d = plan_->registry.PutOperation(w.after, op->version, now_s);
    if (!d.ok() || !d->accepted) {
      spdlog::debug("operation {} stays {}: {}", id, plan::OperationStateName(op->state),
                   d.ok() ? d->reason : d.status().ToString());
      return true;
    }
    plan_->in_flight.insert("op:" + id);
    out.push_back(std::move(w));
    return true;
  };
  for (const auto& id : to_mark) {
    auto op = plan_->registry.GetOperation(id);
    if (!op || plan_->marked.count(id) || op->state == plan::OperationState::kNonconforming) continue;
    if (!stage(id, plan::OperationState::kNonconforming, "an aircraft of the operation is outside all its volumes"))
      for (auto& [key, w] : plan_->watch)
        if (w.operation_id == id && !w.alert_id.empty()) w.mark_pending = true;
  }
  for (auto it = plan_->marked.begin(); it != plan_->marked.end();) {
    auto op = plan_->registry.GetOperation(it->first);
    if (!op || op->state != plan::OperationState::kNonconforming) {
      it = plan_->marked.erase(it);  // gone, or the owner changed it: nothing to put back
      continue;
    }
    if (!open.count(it->first) && conforming.count(it->first))
      (void)stage(it->first, it->second, "its aircraft conform again");
    ++it;
  }
  return out;
}

Status Service::StageOperationStates(Outbox& out, std::vector<OperationStateWrite>& writes) {
  for (auto& w : writes) {
    store::Document doc;
    doc.kind = store::DocumentKind::kOperation;
    doc.id = w.after.id;
    doc.owner = w.after.owner;
    doc.state = plan::OperationStateName(w.after.state);
    doc.body = plan::EncodeOperation(w.after).dump();
    auto put = out.tx.PutDocument(doc, w.expected_version);
    if (!put.ok()) return put.status();
    w.stored_version = put->version;
    auto e = out.Record("operation_state", record::kServerActor, {w.after.owner},
                        Json{{"operation_id", w.after.id},
                             {"from", plan::OperationStateName(w.before.state)},
                             {"to", plan::OperationStateName(w.after.state)},
                             {"version", w.stored_version},
                             {"reason", w.reason}},
                        "operation_state");
    if (!e.ok()) return e.status();
  }
  return Status::Ok();
}

// REQUIRES: plan_->mu held when writes is not empty (DetectAndAlert holds it across the commit).
void Service::FinishOperationStates(const std::vector<OperationStateWrite>& writes, bool committed, double now_s) {
  if (writes.empty()) return;
  for (const auto& w : writes) {
    const std::string& id = w.after.id;
    plan_->in_flight.erase("op:" + id);
    if (committed) {
      plan_->op_version[id] = w.stored_version;
      if (w.after.state == plan::OperationState::kNonconforming) plan_->marked[id] = w.before.state;
      else plan_->marked.erase(id);
      continue;
    }
    // Not durable: the engine goes back to what is stored.
    auto cur = plan_->registry.GetOperation(id);
    if (!cur || !plan_->registry.PutOperation(w.before, cur->version, now_s).ok())
      spdlog::error("operation {}: state change not stored and not undone in the engine", id);
  }
}

}  // namespace deconflict::server
