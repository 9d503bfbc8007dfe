#include "plan/geometry.h"

#include <fmt/format.h>
#include <s2/s1angle.h>
#include <s2/s2edge_crosser.h>
#include <s2/s2edge_crossings.h>
#include <s2/s2edge_distances.h>
#include <s2/s2error.h>
#include <s2/s2latlng.h>
#include <s2/s2loop.h>
#include <s2/s2pointutil.h>
#include <s2/s2polygon.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace deconflict::plan {
namespace {

constexpr double kPi = 3.14159265358979323846;

Status CheckLatLng(const LatLng& ll, const std::string& field) {
  if (!std::isfinite(ll.lat_deg)) return Status::Invalid(field + ".lat is not a finite number");
  if (!std::isfinite(ll.lng_deg)) return Status::Invalid(field + ".lng is not a finite number");
  if (ll.lat_deg < -90 || ll.lat_deg > 90)
    return Status::Invalid(fmt::format("{}.lat = {} is out of range [-90, 90]", field, ll.lat_deg));
  if (ll.lng_deg < -180 || ll.lng_deg > 180)
    return Status::Invalid(fmt::format("{}.lng = {} is out of range [-180, 180]", field, ll.lng_deg));
  return Status::Ok();
}

// Up to this many vertices a loop is validated by checking every pair of edges (cheap for the small
// outlines of operations); above it s2geometry's indexed S2Loop::FindValidationError is used.
constexpr size_t kBruteForceValidationVertices = 48;

// A simple closed loop: no antipodal adjacent vertices (undefined edge), no vertex used twice, no two
// non-adjacent edges crossing. Uses s2geometry's exact crossing predicate.
Status CheckSimpleLoop(const std::vector<S2Point>& v, const std::string& field) {
  const size_t n = v.size();
  for (size_t i = 0; i < n; ++i) {
    if (v[i] == -v[(i + 1) % n])
      return Status::Invalid(fmt::format("{}: vertices {} and {} are antipodal (the edge is undefined)", field, i,
                                         (i + 1) % n));
    for (size_t j = i + 1; j < n; ++j) {
      if (v[i] == v[j])
        return Status::Invalid(fmt::format("{}: the outline is self-intersecting (vertex {} repeats vertex {})", field,
                                           j, i));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 2; j < n; ++j) {
      if (i == 0 && j == n - 1) continue;  // adjacent through the closing edge
      if (S2::CrossingSign(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]) > 0)
        return Status::Invalid(
            fmt::format("{}: the outline is self-intersecting (edge {} crosses edge {})", field, i, j));
    }
  }
  return Status::Ok();
}

// Minimum spherical distance between edge chains / points, as an S1ChordAngle, with early exit once
// it is <= `stop`.
S1ChordAngle PointToEdges(const S2Point& p, const std::vector<S2Point>& v, S1ChordAngle stop) {
  S1ChordAngle best = S1ChordAngle::Infinity();
  const size_t n = v.size();
  for (size_t i = 0; i < n; ++i) {
    S2::UpdateMinDistance(p, v[i], v[(i + 1) % n], &best);
    if (best <= stop) break;
  }
  return best;
}

S1ChordAngle EdgesToEdges(const std::vector<S2Point>& a, const std::vector<S2Point>& b, S1ChordAngle stop) {
  S1ChordAngle best = S1ChordAngle::Infinity();
  const size_t n = a.size(), m = b.size();
  for (size_t i = 0; i < n; ++i) {
    const S2Point& a0 = a[i];
    const S2Point& a1 = a[(i + 1) % n];
    for (size_t j = 0; j < m; ++j) {
      S2::UpdateEdgePairMinDistance(a0, a1, b[j], b[(j + 1) % m], &best);
      if (best <= stop) return best;
    }
  }
  return best;
}

// limit + the rounding bound of S2's distance functions: comparisons against it err towards "within".
S1ChordAngle WithError(S1ChordAngle limit) { return limit.PlusError(S2::GetUpdateMinDistanceMaxError(limit)); }

S1ChordAngle SumAngles(S1ChordAngle a, S1ChordAngle b) {
  double r = a.ToAngle().radians() + b.ToAngle().radians();
  return S1ChordAngle(S1Angle::Radians(std::min(r, kPi)));
}

std::unique_ptr<S2Loop> LoopOf(const Footprint& f, int segments) {
  std::vector<S2Point> pts;
  if (f.is_circle()) {
    for (const LatLng& ll : DisplayOutline(f, segments)) pts.push_back(ToPoint(ll));
  } else {
    pts = f.vertices();
  }
  auto loop = std::make_unique<S2Loop>(pts, S2Debug::DISABLE);
  loop->Normalize();
  return loop;
}

}  // namespace

S1ChordAngle ConservativeAngle(double metres) {
  if (!(metres > 0)) return S1ChordAngle::Zero();
  return S1ChordAngle(S1Angle::Radians(std::min(metres / kConservativeRadiusM, kPi)));
}

S2Point ToPoint(const LatLng& ll) { return S2LatLng::FromDegrees(ll.lat_deg, ll.lng_deg).ToPoint(); }

LatLng ToLatLng(const S2Point& p) {
  S2LatLng ll(p);
  return {ll.lat().degrees(), ll.lng().degrees()};
}

Result<Footprint> Footprint::Polygon(const std::vector<LatLng>& input, const GeometryLimits& limits,
                                     std::string_view field_view) {
  const std::string field(field_view);
  std::vector<LatLng> in = input;
  for (size_t i = 0; i < in.size(); ++i) {
    Status s = CheckLatLng(in[i], fmt::format("{}.vertices[{}]", field, i));
    if (!s.ok()) return s;
  }
  // GeoJSON-style closed rings repeat the first vertex at the end; F3548 lists do not.
  if (in.size() >= 2 && in.front().lat_deg == in.back().lat_deg && in.front().lng_deg == in.back().lng_deg)
    in.pop_back();
  if (in.size() < 3)
    return Status::Invalid(fmt::format("{}.vertices: a polygon needs at least 3 distinct vertices, got {}", field,
                                       in.size()));
  if (static_cast<int>(in.size()) > limits.max_vertices)
    return Status::Invalid(fmt::format("{}.vertices: {} vertices exceed the limit of {}", field, in.size(),
                                       limits.max_vertices));
  std::vector<S2Point> pts;
  pts.reserve(in.size());
  for (const LatLng& ll : in) pts.push_back(ToPoint(ll));
  for (size_t i = 0; i < pts.size(); ++i) {
    size_t next = (i + 1) % pts.size();
    if (pts[i] == pts[next])
      return Status::Invalid(fmt::format("{}.vertices[{}] repeats vertices[{}] (zero-length edge)", field, next, i));
  }
  if (pts.size() <= kBruteForceValidationVertices) {
    Status simple = CheckSimpleLoop(pts, field);
    if (!simple.ok()) return simple;
  }
  S2Loop loop(pts, S2Debug::DISABLE);
  S2Error error;
  if (pts.size() > kBruteForceValidationVertices && loop.FindValidationError(&error)) {
    std::string what = error.text();
    if (error.code() == S2Error::LOOP_SELF_INTERSECTION) {
      return Status::Invalid(fmt::format("{}: the outline is self-intersecting ({})", field, what));
    }
    return Status::Invalid(fmt::format("{}: invalid outline ({})", field, what));
  }
  loop.Normalize();  // the interior is the smaller of the two regions
  Footprint f;
  f.area_m2_ = loop.GetArea() * kMeanEarthRadiusM * kMeanEarthRadiusM;
  if (f.area_m2_ > limits.max_area_m2)
    return Status::Invalid(fmt::format("{}: area {:.1f} km^2 exceeds the limit of {:.1f} km^2", field,
                                       f.area_m2_ / 1e6, limits.max_area_m2 / 1e6));
  f.vertices_.reserve(loop.num_vertices());
  for (int i = 0; i < loop.num_vertices(); ++i) f.vertices_.push_back(loop.vertex(i));
  f.origin_inside_ = loop.Contains(S2::Origin());
  f.bound_ = loop.GetCapBound();
  f.center_ = f.bound_.center();
  f.radius_ = S1ChordAngle::Zero();
  return f;
}

Result<Footprint> Footprint::MakeCircle(const Circle& c, const GeometryLimits& limits, std::string_view field_view) {
  const std::string field(field_view);
  Status s = CheckLatLng(c.center, field + ".center");
  if (!s.ok()) return s;
  if (!std::isfinite(c.radius_m)) return Status::Invalid(field + ".radius is not a finite number");
  if (c.radius_m < limits.min_circle_radius_m)
    return Status::Invalid(
        fmt::format("{}.radius = {} m is below the minimum of {} m", field, c.radius_m, limits.min_circle_radius_m));
  Footprint f;
  f.is_circle_ = true;
  f.center_ = ToPoint(c.center);
  f.radius_ = ConservativeAngle(c.radius_m);
  double theta = c.radius_m / kMeanEarthRadiusM;
  f.area_m2_ = (theta >= kPi ? 4 * kPi : 2 * kPi * (1 - std::cos(theta))) * kMeanEarthRadiusM * kMeanEarthRadiusM;
  if (f.area_m2_ > limits.max_area_m2)
    return Status::Invalid(fmt::format("{}.radius = {} m: area {:.1f} km^2 exceeds the limit of {:.1f} km^2", field,
                                       c.radius_m, f.area_m2_ / 1e6, limits.max_area_m2 / 1e6));
  f.bound_ = S2Cap(f.center_, f.radius_);
  return f;
}

bool Footprint::Contains(const S2Point& p) const {
  if (!bound_.Contains(p)) return false;
  if (is_circle_) return true;  // the cap is the circle
  // Crossing parity from S2::Origin(), whose inside/outside status was found when the loop was built.
  const S2Point origin = S2::Origin();
  S2EdgeCrosser crosser(&origin, &p, &vertices_[0]);
  bool inside = origin_inside_;
  for (size_t i = 1; i <= vertices_.size(); ++i) {
    inside ^= crosser.EdgeOrVertexCrossing(&vertices_[i % vertices_.size()]);
  }
  return inside;
}

bool WithinAngle(const Footprint& a, const Footprint& b, S1ChordAngle limit) {
  // Prefilter on the bounding caps (cheap; conservative by a small margin).
  const double gap = S1Angle(a.bound().center(), b.bound().center()).radians() - a.bound().GetRadius().radians() -
                     b.bound().GetRadius().radians() - limit.ToAngle().radians();
  if (gap > 1e-12) return false;
  if (a.is_circle() && b.is_circle()) {
    S1ChordAngle reach = SumAngles(SumAngles(a.radius(), b.radius()), limit);
    return S1ChordAngle(a.center(), b.center()) <= WithError(reach);
  }
  if (a.is_circle() || b.is_circle()) {
    const Footprint& circle = a.is_circle() ? a : b;
    const Footprint& poly = a.is_circle() ? b : a;
    if (poly.Contains(circle.center())) return true;
    S1ChordAngle reach = WithError(SumAngles(circle.radius(), limit));
    return PointToEdges(circle.center(), poly.vertices(), reach) <= reach;
  }
  // Two polygons overlap iff an edge of one crosses an edge of the other, or one contains the other
  // (then it contains any vertex of the other).
  if (b.Contains(a.vertices()[0]) || a.Contains(b.vertices()[0])) return true;
  S1ChordAngle reach = WithError(limit);
  return EdgesToEdges(a.vertices(), b.vertices(), reach) <= reach;
}

double DistanceToM(const Footprint& f, const S2Point& p) {
  if (f.Contains(p)) return 0;
  if (f.is_circle()) {
    double d = S1Angle(f.center(), p).radians() - f.radius().ToAngle().radians();
    return std::max(0.0, d) * kMeanEarthRadiusM;
  }
  return PointToEdges(p, f.vertices(), S1ChordAngle::Zero()).ToAngle().radians() * kMeanEarthRadiusM;
}

std::vector<LatLng> DisplayOutline(const Footprint& f, int segments) {
  std::vector<LatLng> out;
  if (!f.is_circle()) {
    for (const S2Point& p : f.vertices()) out.push_back(ToLatLng(p));
    return out;
  }
  segments = std::max(segments, 8);
  // Circumscribed regular polygon: vertices at r / cos(pi / n) so that every edge stays outside the cap.
  double r = f.radius().ToAngle().radians() / std::cos(kPi / segments);
  S2Point c = f.center();
  S2Point u = S2::Ortho(c).Normalize();
  S2Point v = c.CrossProd(u).Normalize();
  for (int i = 0; i < segments; ++i) {
    double beta = 2 * kPi * i / segments;
    S2Point dir = u * std::cos(beta) + v * std::sin(beta);
    out.push_back(ToLatLng((c * std::cos(r) + dir * std::sin(r)).Normalize()));
  }
  return out;
}

std::vector<std::vector<LatLng>> OverlapOutline(const Footprint& a, const Footprint& b) {
  std::vector<std::vector<LatLng>> out;
  if (!Overlaps(a, b)) return out;
  S2Polygon pa(LoopOf(a, 72), S2Debug::DISABLE);
  S2Polygon pb(LoopOf(b, 72), S2Debug::DISABLE);
  S2Polygon both;
  both.InitToIntersection(pa, pb);
  for (int i = 0; i < both.num_loops(); ++i) {
    const S2Loop* loop = both.loop(i);
    if (loop->is_hole()) continue;
    std::vector<LatLng> ring;
    for (int k = 0; k < loop->num_vertices(); ++k) ring.push_back(ToLatLng(loop->vertex(k)));
    out.push_back(std::move(ring));
  }
  return out;
}

}  // namespace deconflict::plan
