// WGS84 geodesy for detection: aircraft as points on the ellipsoid with horizontal velocities,
// relative states of pairs in a local horizontal plane, and a local east-north-up frame.
//
// Method (no singularity at the poles or the antimeridian): each aircraft is the Earth-centred,
// earth-fixed (ECEF) point of its foot on the WGS84 ellipsoid (height 0), its unit geodetic normal
// ("up"), and its horizontal velocity as an ECEF vector tangent to the ellipsoid (from east/north).
// For a pair, the 3-D relative position and velocity are projected onto the plane normal to
// m = normalise(up_a + up_b) (the pair's mid normal); altitude difference and vertical rate are
// kept separately. Horizontal distance from this frame agrees with the WGS84 geodesic distance
// (GeographicLib::Geodesic, Karney 2013) within 0.1 % for pairs up to 200 km apart anywhere
// (measured in local_frame_test.cc and docs/detection.md: worst relative error 4.1e-5 at 200 km).
#pragma once

#include <cmath>

namespace deconflict::geo {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec3 operator*(double k, Vec3 a) { return {k * a.x, k * a.y, k * a.z}; }
inline double Dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline double Norm(Vec3 a) { return std::sqrt(Dot(a, a)); }
inline Vec3 Cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

// One aircraft, ready for pairwise geometry. SI units, ECEF axes (WGS84).
struct SurfaceState {
  Vec3 position_m;    // ECEF of the foot point on the ellipsoid (height 0)
  Vec3 up;            // unit geodetic normal at the foot point
  Vec3 velocity_mps;  // horizontal velocity, tangent to the ellipsoid at the foot point
  double alt_m = 0;   // altitude as given (barometric or geometric), used only vertically
  double vs_mps = 0;  // vertical rate, positive up
};

// REQUIRES: all arguments finite, lat_deg in [-90, 90], gs_mps >= 0. lon_deg any value.
// trk_deg is the true track, clockwise from north. At a pole (|lat| = 90) "north" is taken as the
// direction of the meridian lon_deg, as GeographicLib does for its local frames.
SurfaceState ToSurfaceState(double lat_deg, double lon_deg, double alt_m, double gs_mps, double trk_deg,
                            double vs_mps);

// Relative state of b with respect to a. Horizontal vectors lie in the plane normal to `normal`
// (the pair's mid normal) and are given in ECEF axes; only their lengths and dot products are
// meaningful. sz = alt_b - alt_a, vz = vs_b - vs_a.
struct RelativeState {
  Vec3 normal;  // unit mid normal of the pair
  Vec3 s_m;     // horizontal relative position
  Vec3 v_mps;   // horizontal relative velocity
  double sz_m = 0;
  double vz_mps = 0;
  double HorizontalDistanceM() const { return Norm(s_m); }
};

// REQUIRES: a and b not antipodal (any pair closer than ~10000 km is fine).
RelativeState Relative(const SurfaceState& a, const SurfaceState& b);

// Horizontal distance (m) of two aircraft in the pair frame; equals Relative(a, b).HorizontalDistanceM().
double HorizontalDistanceM(const SurfaceState& a, const SurfaceState& b);

// The tactical engine's projection of one aircraft, for code that needs where it will be rather than
// pair geometry (predicted zone entry in src/plan). The model is the one Relative() gives each pair:
// the horizontal position moves along the straight line tangent to the ellipsoid at the foot point,
// position_m + velocity_mps * dt, and the altitude changes at the vertical rate, alt_m + vs_mps * dt.
// The result is the geodetic point of that ECEF point (the ellipsoid point below it; the line rises
// d^2 / 2R above the surface, 440 m at 75 km) and the projected altitude. REQUIRES: finite dt_s.
struct GeoPosition {
  double lat_deg = 0, lon_deg = 0;  // lat in [-90, 90], lon in [-180, 180)
  double alt_m = 0;
};
GeoPosition Extrapolate(const SurfaceState& s, double dt_s);

// WGS84 geodesic distance (m) between two points, GeographicLib::Geodesic::WGS84() (accurate to
// round-off). The reference the frame is tested against. REQUIRES: latitudes in [-90, 90].
double GeodesicDistanceM(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg);

// A local east-north-up tangent-plane frame at a reference point, for code that needs planar
// coordinates near one place (e.g. conformance of a track to a planned volume). Horizontal
// coordinates are the orthographic projection of the ellipsoid foot point onto the tangent plane at
// the reference; up is the altitude as given. Distances from the reference agree with the geodesic
// within 0.1 % up to 200 km (same test as above). Works at the poles and across the antimeridian.
// Cheap to copy; safe for concurrent use (immutable).
struct EnuPoint {
  double east_m = 0, north_m = 0, up_m = 0;
};
class LocalFrame {
 public:
  // REQUIRES: lat0_deg in [-90, 90], finite lon0_deg. At a pole, north is the meridian lon0_deg.
  LocalFrame(double lat0_deg, double lon0_deg);

  EnuPoint ToLocal(double lat_deg, double lon_deg, double alt_m) const;
  // Horizontal velocity (ground speed, track) as east/north components in this frame, m/s.
  EnuPoint VelocityToLocal(double lat_deg, double lon_deg, double gs_mps, double trk_deg, double vs_mps) const;
  // Inverse of ToLocal for points within ~1000 km of the reference (iterated to < 1 mm).
  // Writes lat in [-90, 90] and lon in [-180, 180).
  void FromLocal(const EnuPoint& p, double* lat_deg, double* lon_deg, double* alt_m) const;

  double lat0_deg() const { return lat0_deg_; }
  double lon0_deg() const { return lon0_deg_; }

 private:
  double lat0_deg_, lon0_deg_;
  Vec3 origin_, east_, north_, up_;
};

// Longitude normalised to [-180, 180).
double NormalizeLongitudeDeg(double lon_deg);

}  // namespace deconflict::geo
