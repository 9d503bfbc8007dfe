#include "plan/tracks.h"

#include <fmt/format.h>
#include <s2/s1angle.h>
#include <s2/s2edge_crossings.h>
#include <s2/s2latlng.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace deconflict::plan {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxLookaheadDistanceM = 2.0e6;

struct Interval {
  double lo, hi;
  bool empty() const { return !(lo <= hi); }
};

Interval Intersect(Interval a, Interval b) { return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)}; }

// Unit vectors: position, and the direction of travel (tangent) at the position.
void Frame(const TrackState& t, S2Point* pos, S2Point* tangent) {
  const double lat = t.lat_deg * kPi / 180, lng = t.lon_deg * kPi / 180, trk = t.trk_deg * kPi / 180;
  *pos = S2Point(std::cos(lat) * std::cos(lng), std::cos(lat) * std::sin(lng), std::sin(lat));
  const S2Point east(-std::sin(lng), std::cos(lng), 0);
  const S2Point north(-std::sin(lat) * std::cos(lng), -std::sin(lat) * std::sin(lng), std::cos(lat));
  *tangent = (north * std::cos(trk) + east * std::sin(trk)).Normalize();
}

// Times in [0, horizon] at which the great-circle path is inside the outline, as sorted intervals.
std::vector<Interval> InsideTimes(const TrackState& t, const Footprint& f, double horizon) {
  S2Point a, dir;
  Frame(t, &a, &dir);
  const double omega = std::max(t.gs_mps, 0.0) / kMeanEarthRadiusM;  // rad/s
  std::vector<Interval> out;
  if (omega * horizon < 1e-12) {  // not moving horizontally
    if (f.Contains(a)) out.push_back({0, horizon});
    return out;
  }
  const double theta_max = omega * horizon;
  if (f.is_circle()) {
    // P(th) = A cos th + D sin th; inside iff P.C >= cos r  <=>  R cos(th - phi) >= cos r.
    const S2Point& c = f.center();
    const double p = a.DotProd(c), q = dir.DotProd(c);
    const double rr = std::hypot(p, q), cr = std::cos(f.radius().ToAngle().radians());
    if (rr < cr) return out;
    const double phi = std::atan2(q, p), delta = std::acos(std::min(1.0, cr / rr));
    for (int k = -1; k <= 1; ++k) {
      Interval th = Intersect({phi - delta + 2 * kPi * k, phi + delta + 2 * kPi * k}, {0, theta_max});
      if (!th.empty()) out.push_back({th.lo / omega, th.hi / omega});
    }
    std::sort(out.begin(), out.end(), [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
    return out;
  }
  // Polygon: break the arc where it meets an edge, then test the middle of every piece.
  const S2Point b = (a * std::cos(theta_max) + dir * std::sin(theta_max)).Normalize();
  std::vector<double> cuts = {0.0, theta_max};
  const auto& v = f.vertices();
  for (size_t i = 0; i < v.size(); ++i) {
    const S2Point& v0 = v[i];
    const S2Point& v1 = v[(i + 1) % v.size()];
    if (S2::CrossingSign(a, b, v0, v1) < 0) continue;
    const S2Point x = S2::GetIntersection(a, b, v0, v1);
    cuts.push_back(std::clamp(S1Angle(a, x).radians(), 0.0, theta_max));
  }
  std::sort(cuts.begin(), cuts.end());
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double mid = 0.5 * (cuts[i] + cuts[i + 1]);
    const bool inside = (cuts[i + 1] - cuts[i] < 1e-15)
                            ? false
                            : f.Contains((a * std::cos(mid) + dir * std::sin(mid)).Normalize());
    if (!inside) continue;
    if (!out.empty() && out.back().hi >= cuts[i] / omega) {
      out.back().hi = cuts[i + 1] / omega;
    } else {
      out.push_back({cuts[i] / omega, cuts[i + 1] / omega});
    }
  }
  if (out.empty() && f.Contains(a)) out.push_back({0, 0});  // on the boundary, leaving at once
  return out;
}

}  // namespace

S2Point ProjectPosition(const TrackState& t, double dt_s) {
  S2Point a, dir;
  Frame(t, &a, &dir);
  const double th = std::max(t.gs_mps, 0.0) * dt_s / kMeanEarthRadiusM;
  return (a * std::cos(th) + dir * std::sin(th)).Normalize();
}

std::optional<double> TimeToEntry(const TrackState& t, const CompiledVolume& v, double lookahead_s) {
  double horizon = std::max(0.0, lookahead_s);
  if (t.gs_mps > 0) horizon = std::min(horizon, kMaxLookaheadDistanceM / t.gs_mps);
  Interval window = Intersect({v.t0_s - t.time_s, v.t1_s - t.time_s}, {0, horizon});
  if (window.empty()) return std::nullopt;
  Interval band;
  if (std::abs(t.vs_mps) < 1e-9) {
    if (t.alt_m < v.alt_lo_m || t.alt_m > v.alt_hi_m) return std::nullopt;
    band = {0, horizon};
  } else {
    double ta = (v.alt_lo_m - t.alt_m) / t.vs_mps, tb = (v.alt_hi_m - t.alt_m) / t.vs_mps;
    band = {std::min(ta, tb), std::max(ta, tb)};
  }
  Interval common = Intersect(window, band);
  if (common.empty()) return std::nullopt;
  for (const Interval& in : InsideTimes(t, v.footprint, horizon)) {
    Interval both = Intersect(in, common);
    if (!both.empty()) return both.lo;
  }
  return std::nullopt;
}

Conformance CheckConformance(const TrackState& t, const std::vector<CompiledVolume>& volumes,
                             const ConformanceOptions& o) {
  Conformance best;
  double best_score = std::numeric_limits<double>::infinity();
  const S2Point p = S2LatLng::FromDegrees(t.lat_deg, t.lon_deg).ToPoint();
  for (size_t i = 0; i < volumes.size(); ++i) {
    const CompiledVolume& v = volumes[i];
    double dt = std::max({0.0, v.t0_s - t.time_s, t.time_s - v.t1_s});
    double dv = std::max({0.0, v.alt_lo_m - t.alt_m, t.alt_m - v.alt_hi_m});
    double dh = DistanceToM(v.footprint, p);
    // Rank volumes by how far outside the tolerances the track is (time first, then space).
    double score = std::max(0.0, dt - o.time_tolerance_s) * 1e6 + std::max(0.0, dh - o.horizontal_tolerance_m) +
                   std::max(0.0, dv - o.vertical_tolerance_m);
    if (score < best_score) {
      best_score = score;
      best.nearest_volume = static_cast<int>(i);
      best.horizontal_outside_m = dh;
      best.vertical_outside_m = dv;
      best.time_outside_s = dt;
    }
  }
  best.conforming = best_score == 0;
  if (volumes.empty()) {
    best.reason = "the operation has no volumes";
  } else if (!best.conforming) {
    best.reason = fmt::format("outside volume {}: {:.1f} m horizontally, {:.1f} m vertically, {:.1f} s in time "
                              "(tolerances {} m, {} m, {} s)",
                              best.nearest_volume, best.horizontal_outside_m, best.vertical_outside_m,
                              best.time_outside_s, o.horizontal_tolerance_m, o.vertical_tolerance_m,
                              o.time_tolerance_s);
  }
  return best;
}

}  // namespace deconflict::plan
