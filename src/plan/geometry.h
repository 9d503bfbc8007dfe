// Outlines on the sphere (s2geometry): validated polygons and exact circles, with conservative
// distance tests used for conflicts, buffers and conformance.
//
// Model: the WGS84 latitude/longitude of a vertex is placed on the unit sphere (S2LatLng -> S2Point);
// polygon edges are great-circle arcs (as F3548-21 and GeoJSON RFC 7946 §3.1.1 leave edges of short
// polygons to the implementation). Topological tests (do two outlines overlap?) use s2geometry's exact
// predicates, so an overlap of 1 cm is found. Distances given in metres (radius, buffer, tolerance) are
// turned into angles with kConservativeRadiusM, the smallest radius of curvature of the WGS84 ellipsoid
// (meridional radius at the equator, a(1-e^2)): an angle obtained this way is never smaller than the
// ellipsoidal distance it stands for, so a circle or a buffer is never under-covered; it may be
// over-covered by at most 0.7% of its length (1 - 6335 km / 6400 km).
//
// Buffers are applied by distance, not by building a buffered polygon: two outlines conflict under a
// horizontal buffer b exactly when the distance between them is <= b (for a circle, the distance from
// its centre <= radius + b). The comparison adds s2geometry's documented rounding bound, so it can only
// err towards "conflict".
#pragma once

#include <s2/s1chord_angle.h>
#include <s2/s2cap.h>
#include <s2/s2point.h>

#include <string_view>
#include <vector>

#include "core/status.h"
#include "plan/model.h"

namespace deconflict::plan {

inline constexpr double kConservativeRadiusM = 6335439.327;  // WGS84 a(1-e^2), metres
inline constexpr double kMeanEarthRadiusM = 6371008.8;       // IUGG mean radius R1, metres (areas, reports)

struct GeometryLimits {
  int max_vertices = 1000;         // per polygon, after dropping the closing vertex
  double max_area_m2 = 2500e6;     // 2,500 km^2 per outline (polygon or circle), on the mean sphere
  double min_circle_radius_m = 0.01;
};

// Metres along the surface -> conservative angle on the unit sphere (see above).
S1ChordAngle ConservativeAngle(double metres);
S2Point ToPoint(const LatLng& ll);
LatLng ToLatLng(const S2Point& p);

// A validated, compiled outline. Cheap to copy for small polygons (a vector of vertices).
class Footprint {
 public:
  // Validates and compiles a polygon: >= 3 distinct vertices (a repeated closing vertex is dropped),
  // coordinates finite and in range, no duplicate consecutive vertices, not self-intersecting, at most
  // limits.max_vertices, area at most limits.max_area_m2. Orientation is free: the smaller of the two
  // regions bounded by the loop is taken as the interior. Errors name `field` (e.g.
  // "volumes[0].outline_polygon.vertices[3].lat").
  static Result<Footprint> Polygon(const std::vector<LatLng>& vertices, const GeometryLimits& limits,
                                   std::string_view field);
  // An exact spherical cap: every point within radius_m of the centre (conservatively, see above).
  static Result<Footprint> MakeCircle(const Circle& circle, const GeometryLimits& limits, std::string_view field);

  bool is_circle() const { return is_circle_; }
  const std::vector<S2Point>& vertices() const { return vertices_; }  // CCW, interior on the left
  const S2Point& center() const { return center_; }                   // circle centre (or bound centre)
  S1ChordAngle radius() const { return radius_; }                     // circle radius (0 for polygons)
  const S2Cap& bound() const { return bound_; }                       // contains the whole outline
  double area_m2() const { return area_m2_; }

  // Exact point-in-outline test (boundary points follow s2geometry's semi-open model).
  bool Contains(const S2Point& p) const;
  // Approximate bytes of heap and object held.
  size_t MemoryBytes() const { return sizeof(*this) + vertices_.capacity() * sizeof(S2Point); }

 private:
  bool is_circle_ = false;
  bool origin_inside_ = false;  // polygon contains S2::Origin(): reference for crossing parity
  std::vector<S2Point> vertices_;
  S2Point center_;
  S1ChordAngle radius_;
  S2Cap bound_;
  double area_m2_ = 0;
};

// True when the distance between the two outlines is at most `limit` (0: they touch or overlap).
// Conservative: never false when the true spherical distance is <= limit.
bool WithinAngle(const Footprint& a, const Footprint& b, S1ChordAngle limit);
inline bool WithinDistance(const Footprint& a, const Footprint& b, double metres) {
  return WithinAngle(a, b, ConservativeAngle(metres));
}
// Whether the interiors really overlap (distance 0), as opposed to merely lying within a buffer.
inline bool Overlaps(const Footprint& a, const Footprint& b) { return WithinAngle(a, b, S1ChordAngle::Zero()); }

// Spherical distance from a point to the outline (0 inside), in metres on the mean sphere.
double DistanceToM(const Footprint& f, const S2Point& p);

// Polygon outline for display (GeoJSON): the polygon itself, or a circle as `segments` vertices placed
// on a circle that contains the cap (circumscribed), never inside it.
std::vector<LatLng> DisplayOutline(const Footprint& f, int segments = 72);

// The horizontal overlap of two outlines for display (need-to-know: only this is disclosed about the
// other outline). Empty when they do not overlap (e.g. only within the buffer).
std::vector<std::vector<LatLng>> OverlapOutline(const Footprint& a, const Footprint& b);

}  // namespace deconflict::plan
