#include "detect/alerting.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "geo/local_frame.h"

namespace deconflict::detect {

const char* AlertLevelName(AlertLevel level) {
  switch (level) {
    case AlertLevel::kNone: return "none";
    case AlertLevel::kCaution: return "caution";
    case AlertLevel::kWarning: return "warning";
  }
  return "?";
}

const char* AlertEventKindName(AlertEvent::Kind kind) {
  switch (kind) {
    case AlertEvent::Kind::kBegin: return "begin";
    case AlertEvent::Kind::kLevelChange: return "level";
    case AlertEvent::Kind::kEnd: return "end";
  }
  return "?";
}

AlertTracker::AlertTracker(AlertingOptions options) : options_(options) {}

AlertLevel AlertTracker::LevelOf(const Conflict& c) const {
  const double t_in = c.los ? 0 : c.t_in_s;
  if (t_in <= options_.warning_lookahead_s) return AlertLevel::kWarning;
  if (t_in <= options_.caution_lookahead_s) return AlertLevel::kCaution;
  return AlertLevel::kNone;
}

std::vector<AlertEvent> AlertTracker::Update(double time_s, std::span<const TrackState> tracks,
                                             const std::vector<Conflict>& conflicts) {
  struct Seen {
    AlertLevel level;
    const Conflict* conflict;
  };
  std::map<std::pair<std::string, std::string>, Seen> seen;
  for (const Conflict& c : conflicts) {
    if (c.a >= tracks.size() || c.b >= tracks.size()) continue;  // not from this snapshot
    const AlertLevel level = LevelOf(c);
    if (level == AlertLevel::kNone) continue;
    const std::string& ia = tracks[c.a].id;
    const std::string& ib = tracks[c.b].id;
    auto key = ia < ib ? std::make_pair(ia, ib) : std::make_pair(ib, ia);
    auto [it, inserted] = seen.emplace(std::move(key), Seen{level, &c});
    if (!inserted && level > it->second.level) it->second = Seen{level, &c};
  }

  // Current separation of open pairs that are not in this step's conflicts, from the tracks.
  std::unordered_map<std::string_view, size_t> index;
  auto separation = [&](const std::string& a, const std::string& b, double* h, double* v) {
    if (index.empty())
      for (size_t i = 0; i < tracks.size(); ++i) index.emplace(tracks[i].id, i);
    auto ia = index.find(a), ib = index.find(b);
    if (ia == index.end() || ib == index.end()) return false;
    const TrackState& ta = tracks[ia->second];
    const TrackState& tb = tracks[ib->second];
    for (const TrackState* t : {&ta, &tb})
      if (!std::isfinite(t->lat_deg) || !std::isfinite(t->lon_deg) || !std::isfinite(t->alt_m) ||
          std::abs(t->lat_deg) > 90)
        return false;
    *h = geo::HorizontalDistanceM(geo::ToSurfaceState(ta.lat_deg, ta.lon_deg, ta.alt_m, 0, 0, 0),
                                  geo::ToSurfaceState(tb.lat_deg, tb.lon_deg, tb.alt_m, 0, 0, 0));
    *v = std::abs(tb.alt_m - ta.alt_m);
    return true;
  };

  std::vector<AlertEvent> events;
  auto emit = [&](Open& o, AlertEvent::Kind kind, AlertLevel level) {
    o.last.kind = kind;
    o.last.time_s = time_s;
    o.last.previous_level = o.last.level;
    o.last.level = level;
    events.push_back(o.last);
    if (kind == AlertEvent::Kind::kEnd) o.last.level = AlertLevel::kNone;
  };

  // Open alerts: update, raise, step down after hysteresis and persistence, or end.
  for (auto it = open_.begin(); it != open_.end();) {
    Open& o = it->second;
    auto s = seen.find(it->first);
    AlertLevel observed = AlertLevel::kNone;
    double h, v;
    if (s != seen.end()) {
      observed = s->second.level;
      const Conflict& c = *s->second.conflict;
      Record(c, &o.last);
    } else if (separation(it->first.first, it->first.second, &h, &v)) {
      o.last.min_h_dist_m = std::min(o.last.min_h_dist_m, h);
      o.last.min_v_dist_m = std::min(o.last.min_v_dist_m, v);
    }
    bool erase = false;
    if (observed > o.last.level) {
      emit(o, AlertEvent::Kind::kLevelChange, observed);
      o.level_since_s = time_s;
      o.lower_since_s = -1;
    } else if (observed == o.last.level) {
      o.lower_since_s = -1;
    } else {
      if (o.lower_since_s < 0) {
        o.lower_since_s = time_s;
        o.lower_level = observed;
      } else {
        o.lower_level = std::max(o.lower_level, observed);
      }
      if (time_s - o.lower_since_s >= options_.hysteresis_s && time_s - o.level_since_s >= options_.persistence_s) {
        if (o.lower_level == AlertLevel::kNone) {
          emit(o, AlertEvent::Kind::kEnd, AlertLevel::kNone);
          erase = true;
        } else {
          emit(o, AlertEvent::Kind::kLevelChange, o.lower_level);
          o.level_since_s = time_s;
          o.lower_since_s = -1;
        }
      }
    }
    if (s != seen.end()) seen.erase(s);
    it = erase ? open_.erase(it) : std::next(it);
  }

  // New alerts.
  for (auto& [key, s] : seen) {
    Open o;
    const Conflict& c = *s.conflict;
    o.last.id_a = key.first;
    o.last.id_b = key.second;
    const bool swapped = tracks[c.a].id != key.first;
    o.last.party_a = swapped ? tracks[c.b].party : tracks[c.a].party;
    o.last.party_b = swapped ? tracks[c.a].party : tracks[c.b].party;
    o.last.begin_time_s = time_s;
    o.last.min_h_dist_m = c.h_dist_m;
    o.last.min_v_dist_m = c.v_dist_m;
    Record(c, &o.last);
    o.level_since_s = time_s;
    auto [it, inserted] = open_.emplace(key, std::move(o));
    emit(it->second, AlertEvent::Kind::kBegin, s.level);
  }
  std::sort(events.begin(), events.end(), [](const AlertEvent& x, const AlertEvent& y) {
    return std::tie(x.id_a, x.id_b) < std::tie(y.id_a, y.id_b);
  });
  return events;
}

void AlertTracker::Record(const Conflict& c, AlertEvent* e) {
  e->t_in_s = c.t_in_s;
  e->t_cpa_s = c.t_cpa_s;
  e->d_cpa_m = c.d_cpa_m;
  e->los = c.los;
  e->min_h_dist_m = std::min(e->min_h_dist_m, c.h_dist_m);
  e->min_v_dist_m = std::min(e->min_v_dist_m, c.v_dist_m);
}

std::vector<AlertEvent> AlertTracker::Flush(double time_s) {
  std::vector<AlertEvent> events;
  for (auto& [key, o] : open_) {
    AlertEvent e = o.last;
    e.kind = AlertEvent::Kind::kEnd;
    e.time_s = time_s;
    e.previous_level = o.last.level;
    e.level = AlertLevel::kNone;
    events.push_back(std::move(e));
  }
  open_.clear();
  return events;
}

}  // namespace deconflict::detect
