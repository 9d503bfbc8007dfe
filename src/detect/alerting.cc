#include "detect/alerting.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "geo/local_frame.h"

namespace deconflict::detect {

namespace {

using PairKey = std::pair<std::string, std::string>;

// Present horizontal and vertical separation of two aircraft of a snapshot, by id (for open alerts whose pair
// is not in this step's conflicts). The id index is built on first use.
class Separations {
 public:
  explicit Separations(std::span<const TrackState> tracks) : tracks_(tracks) {}
  bool Get(const std::string& a, const std::string& b, double* h, double* v) {
    if (index_.empty())
      for (size_t i = 0; i < tracks_.size(); ++i) index_.emplace(tracks_[i].id, i);
    auto ia = index_.find(a), ib = index_.find(b);
    if (ia == index_.end() || ib == index_.end()) return false;
    const TrackState& ta = tracks_[ia->second];
    const TrackState& tb = tracks_[ib->second];
    for (const TrackState* t : {&ta, &tb})
      if (!std::isfinite(t->lat_deg) || !std::isfinite(t->lon_deg) || !std::isfinite(t->alt_m) ||
          std::abs(t->lat_deg) > 90)
        return false;
    *h = geo::HorizontalDistanceM(geo::ToSurfaceState(ta.lat_deg, ta.lon_deg, ta.alt_m, 0, 0, 0),
                                  geo::ToSurfaceState(tb.lat_deg, tb.lon_deg, tb.alt_m, 0, 0, 0));
    *v = std::abs(tb.alt_m - ta.alt_m);
    return true;
  }

 private:
  std::span<const TrackState> tracks_;
  std::unordered_map<std::string_view, size_t> index_;
};

}  // namespace

AlertLevel LevelOf(const Conflict& c, const AlertingOptions& options) {
  if (c.los || c.t_in_s <= options.warning_lookahead_s) return AlertLevel::kWarning;
  if (c.t_in_s <= options.caution_lookahead_s) return AlertLevel::kCaution;
  return AlertLevel::kNone;
}

const char* AlertEventKindName(AlertEvent::Kind kind) {
  switch (kind) {
    case AlertEvent::Kind::kBegin: return "begin";
    case AlertEvent::Kind::kLevelChange: return "level";
    case AlertEvent::Kind::kEnd: return "end";
    case AlertEvent::Kind::kResume: return "resume";
  }
  return "?";
}

AlertTracker::AlertTracker(AlertingOptions options) : options_(options) {}

std::size_t AlertTracker::open_alerts() const {
  return static_cast<std::size_t>(
      std::count_if(pairs_.begin(), pairs_.end(), [](const auto& kv) { return kv.second.open; }));
}

void AlertTracker::Emit(Pair& p, AlertEvent::Kind kind, double time_s, AlertLevel level,
                        std::vector<AlertEvent>* out) {
  AlertEvent& e = p.last;
  e.kind = kind;
  e.time_s = time_s;
  e.previous_level = e.level;
  e.level = level;
  e.notify = kind == AlertEvent::Kind::kBegin || level > p.told;
  p.told = std::max(p.told, level);
  if (e.history.size() >= AlertEvent::kMaxHistory) e.history.erase(e.history.begin() + 1);  // keep the begin
  e.history.push_back({time_s, level});
  out->push_back(e);
}

std::vector<AlertEvent> AlertTracker::Update(double time_s, std::span<const TrackState> tracks,
                                             const std::vector<Conflict>& conflicts) {
  // This step's raw level per pair: the highest of its conflicts (one per pair from Detect).
  struct Seen {
    AlertLevel level;
    const Conflict* conflict;
  };
  std::map<PairKey, Seen> seen;
  for (const Conflict& c : conflicts) {
    if (c.a >= tracks.size() || c.b >= tracks.size()) continue;  // not from this snapshot
    const AlertLevel level = LevelOf(c, options_);
    if (level == AlertLevel::kNone) continue;
    const std::string& ia = tracks[c.a].id;
    const std::string& ib = tracks[c.b].id;
    auto key = ia < ib ? std::make_pair(ia, ib) : std::make_pair(ib, ia);
    auto [it, inserted] = seen.emplace(std::move(key), Seen{level, &c});
    if (!inserted && level > it->second.level) it->second = Seen{level, &c};
  }

  Separations separations(tracks);
  std::vector<AlertEvent> events;
  // Known pairs: open alerts go through their filter; ended ones resume or are forgotten after the gap.
  for (auto it = pairs_.begin(); it != pairs_.end();) {
    Pair& p = it->second;
    auto s = seen.find(it->first);
    const AlertLevel raw = s != seen.end() ? s->second.level : AlertLevel::kNone;
    if (s != seen.end()) {
      Record(*s->second.conflict, &p.last);
      seen.erase(s);
    } else if (double h, v; p.open && separations.Get(it->first.first, it->first.second, &h, &v)) {
      p.last.min_h_dist_m = std::min(p.last.min_h_dist_m, h);
      p.last.min_v_dist_m = std::min(p.last.min_v_dist_m, v);
    }
    if (!p.open) {
      if (raw == AlertLevel::kNone) {
        it = time_s - p.ended_s > options_.episode_gap_s ? pairs_.erase(it) : std::next(it);
        continue;
      }
      p.open = true;
      Emit(p, AlertEvent::Kind::kResume, time_s, p.filter.Update(time_s, raw, options_), &events);
    } else if (const AlertLevel level = p.filter.Update(time_s, raw, options_); level != p.last.level) {
      const bool end = level == AlertLevel::kNone;
      Emit(p, end ? AlertEvent::Kind::kEnd : AlertEvent::Kind::kLevelChange, time_s, level, &events);
      if (end) {
        p.open = false;
        p.ended_s = time_s;
      }
    }
    ++it;
  }

  // New alerts.
  for (auto& [key, s] : seen) {
    Pair p;
    const Conflict& c = *s.conflict;
    p.last.alert_id = next_id_++;
    p.last.id_a = key.first;
    p.last.id_b = key.second;
    const bool swapped = tracks[c.a].id != key.first;
    p.last.party_a = swapped ? tracks[c.b].party : tracks[c.a].party;
    p.last.party_b = swapped ? tracks[c.a].party : tracks[c.b].party;
    p.last.begin_time_s = time_s;
    p.last.min_h_dist_m = c.h_dist_m;
    p.last.min_v_dist_m = c.v_dist_m;
    Record(c, &p.last);
    const AlertLevel level = p.filter.Update(time_s, s.level, options_);
    auto [it, inserted] = pairs_.emplace(key, std::move(p));
    Emit(it->second, AlertEvent::Kind::kBegin, time_s, level, &events);
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
  for (auto& [key, p] : pairs_)
    if (p.open) Emit(p, AlertEvent::Kind::kEnd, time_s, AlertLevel::kNone, &events);
  pairs_.clear();
  return events;
}

}  // namespace deconflict::detect
