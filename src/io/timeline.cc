#include "io/timeline.h"

#include <algorithm>
#include <cmath>

#include "core/units.h"

namespace deconflict::io {

namespace {
// WGS84 (NIMA TR8350.2): semi-major axis and first eccentricity squared.
constexpr double kA = 6378137.0;
constexpr double kF = 1.0 / 298.257223563;
constexpr double kE2 = kF * (2.0 - kF);
}  // namespace

TrackState DeadReckon(const TrackState& s, double time_s) {
  TrackState out = s;
  const double dt = time_s - s.time_s;
  out.time_s = time_s;
  if (dt == 0) return out;
  const double trk = s.trk_deg * units::kDegToRad;
  const double dist = s.gs_mps * dt;
  const double north = dist * std::cos(trk);
  const double east = dist * std::sin(trk);
  // Mid-latitude method: radii of curvature at the mean latitude of the step (first estimated with the
  // start latitude), which removes the first-order error of the meridians' convergence.
  auto meridian_radius = [](double lat_rad) {
    const double sl = std::sin(lat_rad);
    const double w = std::sqrt(1.0 - kE2 * sl * sl);
    return kA * (1.0 - kE2) / (w * w * w);
  };
  const double lat0 = s.lat_deg * units::kDegToRad;
  const double lat_mid = lat0 + 0.5 * north / meridian_radius(lat0);
  const double dlat = north / meridian_radius(lat_mid);
  const double sin_mid = std::sin(lat_mid);
  const double normal_radius = kA / std::sqrt(1.0 - kE2 * sin_mid * sin_mid);
  out.lat_deg = std::clamp(s.lat_deg + dlat * units::kRadToDeg, -90.0, 90.0);
  const double cos_mid = std::cos(lat_mid);
  double lon = s.lon_deg;
  if (cos_mid > 1e-9) lon += east / (normal_radius * cos_mid) * units::kRadToDeg;
  lon = std::fmod(lon + 180.0, 360.0);
  if (lon < 0) lon += 360.0;
  out.lon_deg = lon - 180.0;
  out.alt_m = s.alt_m + s.vs_mps * dt;
  return out;
}

Timeline::Timeline(std::vector<TrackState> states, TimelineOptions options)
    : options_(options), states_(std::move(states)) {
  std::stable_sort(states_.begin(), states_.end(),
                   [](const TrackState& a, const TrackState& b) { return a.time_s < b.time_s; });
  std::unordered_map<std::string, bool> seen;
  for (const auto& s : states_)
    if (seen.emplace(s.id, true).second) all_reported_s_ = s.time_s;
  slot_.reserve(seen.size());
  latest_.reserve(seen.size());
}

double Timeline::first_time_s() const { return states_.front().time_s; }
double Timeline::last_time_s() const { return states_.back().time_s; }
double Timeline::all_reported_time_s() const { return all_reported_s_; }

std::size_t Timeline::aircraft() const {
  std::unordered_map<std::string, bool> seen;
  for (const auto& s : states_) seen.emplace(s.id, true);
  return seen.size();
}

void Timeline::SnapshotAt(double t, std::vector<TrackState>* out) {
  while (next_ < states_.size() && states_[next_].time_s <= t) {
    auto [it, inserted] = slot_.emplace(states_[next_].id, latest_.size());
    if (inserted) latest_.push_back({});
    latest_[it->second] = {next_, true};
    ++next_;
  }
  out->clear();
  for (const Latest& l : latest_) {
    const TrackState& s = states_[l.state];
    if (!l.seen) continue;
    if (options_.drop_on_ground && s.on_ground) continue;
    if (t - s.time_s > options_.stale_s) continue;
    out->push_back(DeadReckon(s, t));
    if (!options_.extrapolate_altitude) out->back().alt_m = s.alt_m;
  }
}

}  // namespace deconflict::io
