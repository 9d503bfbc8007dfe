#include "geo/local_frame.h"

#include <GeographicLib/Constants.hpp>
#include <GeographicLib/Geocentric.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/Math.hpp>

namespace deconflict::geo {
namespace {

// WGS84 ellipsoid (GeographicLib constants).
const double kA = GeographicLib::Constants::WGS84_a();
const double kF = GeographicLib::Constants::WGS84_f();
const double kE2 = kF * (2 - kF);

struct Basis {
  Vec3 east, north, up;
  Vec3 foot;  // ECEF of the foot point on the ellipsoid
};

// East, north, up and the foot point at (lat, lon), from one pair of sin/cos each.
Basis EnuBasis(double lat_deg, double lon_deg) {
  double sphi, cphi, slam, clam;
  GeographicLib::Math::sincosd(lat_deg, sphi, cphi);
  GeographicLib::Math::sincosd(lon_deg, slam, clam);
  const double n = kA / std::sqrt(1 - kE2 * sphi * sphi);  // prime-vertical radius of curvature
  return {{-slam, clam, 0},
          {-sphi * clam, -sphi * slam, cphi},
          {cphi * clam, cphi * slam, sphi},
          {n * cphi * clam, n * cphi * slam, n * (1 - kE2) * sphi}};
}

Vec3 FootPoint(double lat_deg, double lon_deg) { return EnuBasis(lat_deg, lon_deg).foot; }

Vec3 HorizontalVelocity(const Basis& b, double gs_mps, double trk_deg) {
  double strk, ctrk;
  GeographicLib::Math::sincosd(trk_deg, strk, ctrk);
  return (gs_mps * strk) * b.east + (gs_mps * ctrk) * b.north;
}

}  // namespace

double NormalizeLongitudeDeg(double lon_deg) {
  double r = std::remainder(lon_deg, 360.0);  // [-180, 180]
  return r >= 180 ? r - 360 : r;
}

SurfaceState ToSurfaceState(double lat_deg, double lon_deg, double alt_m, double gs_mps, double trk_deg,
                            double vs_mps) {
  const Basis b = EnuBasis(lat_deg, lon_deg);
  SurfaceState s;
  s.position_m = b.foot;
  s.up = b.up;
  s.velocity_mps = HorizontalVelocity(b, gs_mps, trk_deg);
  s.alt_m = alt_m;
  s.vs_mps = vs_mps;
  return s;
}

RelativeState Relative(const SurfaceState& a, const SurfaceState& b) {
  RelativeState r;
  const Vec3 m = a.up + b.up;
  r.normal = (1 / Norm(m)) * m;
  const Vec3 d = b.position_m - a.position_m;
  const Vec3 w = b.velocity_mps - a.velocity_mps;
  r.s_m = d - Dot(d, r.normal) * r.normal;
  r.v_mps = w - Dot(w, r.normal) * r.normal;
  r.sz_m = b.alt_m - a.alt_m;
  r.vz_mps = b.vs_mps - a.vs_mps;
  return r;
}

double HorizontalDistanceM(const SurfaceState& a, const SurfaceState& b) { return Relative(a, b).HorizontalDistanceM(); }

GeoPosition Extrapolate(const SurfaceState& s, double dt_s) {
  const Vec3 q = s.position_m + dt_s * s.velocity_mps;
  GeoPosition out;
  double h;
  GeographicLib::Geocentric::WGS84().Reverse(q.x, q.y, q.z, out.lat_deg, out.lon_deg, h);
  out.lon_deg = NormalizeLongitudeDeg(out.lon_deg);
  out.alt_m = s.alt_m + s.vs_mps * dt_s;
  return out;
}

double GeodesicDistanceM(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg) {
  double s12 = 0;
  GeographicLib::Geodesic::WGS84().Inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, s12);
  return s12;
}

LocalFrame::LocalFrame(double lat0_deg, double lon0_deg) : lat0_deg_(lat0_deg), lon0_deg_(lon0_deg) {
  const Basis b = EnuBasis(lat0_deg, lon0_deg);
  origin_ = b.foot;
  east_ = b.east;
  north_ = b.north;
  up_ = b.up;
}

EnuPoint LocalFrame::ToLocal(double lat_deg, double lon_deg, double alt_m) const {
  const Vec3 d = FootPoint(lat_deg, lon_deg) - origin_;
  return {Dot(d, east_), Dot(d, north_), alt_m};
}

EnuPoint LocalFrame::VelocityToLocal(double lat_deg, double lon_deg, double gs_mps, double trk_deg,
                                     double vs_mps) const {
  const Vec3 v = HorizontalVelocity(EnuBasis(lat_deg, lon_deg), gs_mps, trk_deg);
  return {Dot(v, east_), Dot(v, north_), vs_mps};
}

void LocalFrame::FromLocal(const EnuPoint& p, double* lat_deg, double* lon_deg, double* alt_m) const {
  const GeographicLib::Geocentric& geo = GeographicLib::Geocentric::WGS84();
  // Start from the tangent-plane point, then correct the planar residual (fixed point; the map is
  // a near-identity, so a few steps reach round-off).
  double target_e = p.east_m, target_n = p.north_m;
  double lat = lat0_deg_, lon = lon0_deg_;
  for (int i = 0; i < 8; ++i) {
    const Vec3 q = origin_ + target_e * east_ + target_n * north_;
    double h;
    geo.Reverse(q.x, q.y, q.z, lat, lon, h);
    const EnuPoint back = ToLocal(lat, lon, 0);
    const double de = p.east_m - back.east_m, dn = p.north_m - back.north_m;
    if (std::abs(de) < 1e-4 && std::abs(dn) < 1e-4) break;
    target_e += de;
    target_n += dn;
  }
  *lat_deg = lat;
  *lon_deg = NormalizeLongitudeDeg(lon);
  *alt_m = p.up_m;
}

}  // namespace deconflict::geo
