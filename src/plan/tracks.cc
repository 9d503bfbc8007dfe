#include "plan/tracks.h"

#include <fmt/format.h>
#include <s2/s1angle.h>
#include <s2/s2edge_crossings.h>
#include <s2/s2latlng.h>
#include <s2/s2pointutil.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "geo/local_frame.h"

namespace deconflict::plan {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxLookaheadDistanceM = 2.0e6;

struct Interval {
  double lo, hi;
  bool empty() const { return !(lo <= hi); }
};

Interval Intersect(Interval a, Interval b) { return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)}; }

// The projected path, as the tactical engine projects it (geo::Extrapolate: constant velocity along the
// tangent to the WGS84 ellipsoid, the same model the detector gives every pair), sampled every
// kSampleM of travel and joined by great-circle arcs on s2's sphere. Between samples the path bends
// away from the arc only through the ellipsoid's flattening: at most about L^2 f / 8R (< 2 mm for
// L = 5 km), far below the outlines' own resolution (docs/planning.md).
constexpr double kSampleM = 5000.0;

void AddInterval(std::vector<Interval>* out, Interval in) {
  if (in.empty()) return;
  if (!out->empty() && out->back().hi >= in.lo) {
    out->back().hi = std::max(out->back().hi, in.hi);
  } else {
    out->push_back(in);
  }
}

// Times in [0, horizon] at which the projected path is inside the outline, as sorted intervals.
std::vector<Interval> InsideTimes(const ProjectedPath& path, const Footprint& f, double horizon) {
  std::vector<Interval> out;
  if (path.stationary()) {
    if (f.Contains(path.a(0))) out.push_back({0, horizon});
    return out;
  }
  for (size_t i = 0; i < path.segments() && path.t0(i) <= horizon; ++i) {
    if (!path.Bound(i).Intersects(f.bound())) continue;
    const double ang = path.Angle(i);
    if (f.is_circle()) {
      // P(th) = A cos th + D sin th; inside iff P.C >= cos r  <=>  R cos(th - phi) >= cos r.
      const S2Point& c = f.center();
      const S2Point dir = path.TangentTowards(i);
      const double p = path.a(i).DotProd(c), q = dir.DotProd(c);
      const double rr = std::hypot(p, q), cr = std::cos(f.radius().ToAngle().radians());
      if (rr < cr) continue;
      const double phi = std::atan2(q, p), delta = std::acos(std::min(1.0, cr / rr));
      std::vector<Interval> here;
      for (int k = -1; k <= 1; ++k) {
        Interval th = Intersect({phi - delta + 2 * kPi * k, phi + delta + 2 * kPi * k}, {0, ang});
        if (!th.empty()) here.push_back({path.TimeAt(i, th.lo), path.TimeAt(i, th.hi)});
      }
      std::sort(here.begin(), here.end(), [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
      for (const Interval& in : here) AddInterval(&out, in);
      continue;
    }
    // Polygon: break the arc where it meets an edge, then test the middle of every piece.
    std::vector<double> cuts = {0.0, ang};
    const auto& v = f.vertices();
    for (size_t k = 0; k < v.size(); ++k) {
      const S2Point& v0 = v[k];
      const S2Point& v1 = v[(k + 1) % v.size()];
      if (S2::CrossingSign(path.a(i), path.b(i), v0, v1) < 0) continue;
      const S2Point x = S2::GetIntersection(path.a(i), path.b(i), v0, v1);
      cuts.push_back(std::clamp(S1Angle(path.a(i), x).radians(), 0.0, ang));
    }
    std::sort(cuts.begin(), cuts.end());
    for (size_t k = 0; k + 1 < cuts.size(); ++k) {
      if (cuts[k + 1] - cuts[k] < 1e-15) continue;
      if (!f.Contains(path.Along(i, 0.5 * (cuts[k] + cuts[k + 1])))) continue;
      AddInterval(&out, {path.TimeAt(i, cuts[k]), path.TimeAt(i, cuts[k + 1])});
    }
  }
  if (out.empty() && f.Contains(path.a(0))) out.push_back({0, 0});  // on the boundary, leaving at once
  return out;
}

}  // namespace

ProjectedPath::ProjectedPath(const TrackState& t, double horizon_s) : track_(t) {
  horizon_s_ = std::max(0.0, horizon_s);
  if (t.gs_mps > 0) horizon_s_ = std::min(horizon_s_, kMaxLookaheadDistanceM / t.gs_mps);
  const geo::SurfaceState s =
      geo::ToSurfaceState(t.lat_deg, t.lon_deg, t.alt_m, std::max(t.gs_mps, 0.0), t.trk_deg, t.vs_mps);
  const double travel = std::max(t.gs_mps, 0.0) * horizon_s_;
  stationary_ = travel < 1e-6;
  const int n = stationary_ ? 1 : std::max(1, static_cast<int>(std::ceil(travel / kSampleM)));
  times_.reserve(n + 1);
  points_.reserve(n + 1);
  for (int i = 0; i <= n; ++i) {
    const double ti = horizon_s_ * i / n;
    const geo::GeoPosition p = geo::Extrapolate(s, ti);
    times_.push_back(ti);
    points_.push_back(S2LatLng::FromDegrees(p.lat_deg, p.lon_deg).ToPoint());
  }
}

double ProjectedPath::Angle(size_t i) const { return S1Angle(a(i), b(i)).radians(); }

S2Point ProjectedPath::TangentTowards(size_t i) const {
  const S2Point d = b(i) - a(i) * a(i).DotProd(b(i));
  return d.Norm2() > 0 ? d.Normalize() : S2::Ortho(a(i));
}

S2Point ProjectedPath::Along(size_t i, double theta) const {
  return (a(i) * std::cos(theta) + TangentTowards(i) * std::sin(theta)).Normalize();
}

double ProjectedPath::TimeAt(size_t i, double theta) const {
  const double ang = Angle(i);
  return ang > 0 ? t0(i) + (t1(i) - t0(i)) * std::clamp(theta / ang, 0.0, 1.0) : t0(i);
}

S2Cap ProjectedPath::Bound(size_t i) const {
  // Every point of the arc is within half its length of its midpoint (plus round-off).
  const S2Point mid = (a(i) + b(i)).Normalize();
  return S2Cap(mid, S1Angle::Radians(0.5 * Angle(i) + 1e-12));
}

S2Point ProjectPosition(const TrackState& t, double dt_s) {
  const geo::GeoPosition p = geo::Extrapolate(
      geo::ToSurfaceState(t.lat_deg, t.lon_deg, t.alt_m, std::max(t.gs_mps, 0.0), t.trk_deg, t.vs_mps), dt_s);
  return S2LatLng::FromDegrees(p.lat_deg, p.lon_deg).ToPoint();
}

std::optional<double> TimeToEntry(const ProjectedPath& path, const CompiledVolume& v, double lookahead_s) {
  const TrackState& t = path.track();
  const double horizon = std::min(std::max(0.0, lookahead_s), path.horizon_s());
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
  for (const Interval& in : InsideTimes(path, v.footprint, common.hi)) {
    Interval both = Intersect(in, common);
    if (!both.empty()) return both.lo;
  }
  return std::nullopt;
}

std::optional<double> TimeToEntry(const TrackState& track, const CompiledVolume& volume, double lookahead_s) {
  return TimeToEntry(ProjectedPath(track, lookahead_s), volume, lookahead_s);
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
