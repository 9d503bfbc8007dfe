#include "detect/separation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace deconflict::detect {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Below this |v|² (m²/s²) a relative velocity is treated as zero (DAIDALUS uses almost_equals
// for the same purpose): 1e-12 m²/s² is 1 µm/s.
constexpr double kTinyVV = 1e-12;
constexpr double kTinyVz = 1e-9;

struct Interval {
  double lo, hi;
};

// Roots t1 <= t2 of vv t² + 2 sv t + c = 0 when the discriminant is positive (numerically stable
// form: q = -(sv + sign(sv) sqrt(disc))). Returns false when there is no positive-length interval.
bool QuadraticRoots(double vv, double sv, double c, Interval* out) {
  const double disc = sv * sv - vv * c;
  if (!(disc > 0)) return false;
  const double root = std::sqrt(disc);
  const double q = sv >= 0 ? -(sv + root) : -(sv - root);
  double t1 = q / vv;
  double t2 = q != 0 ? c / q : t1;
  if (t1 > t2) std::swap(t1, t2);
  *out = {t1, t2};
  return t1 < t2;
}

// Open horizontal interval {t : |s + v t| < D} (all time / empty when v = 0).
Interval HorizontalCylinder(const PairGeometry& g, double D) {
  const double c = g.ss - D * D;
  if (g.vv <= kTinyVV) return c < 0 ? Interval{-kInf, kInf} : Interval{kInf, -kInf};
  Interval r;
  if (!QuadraticRoots(g.vv, g.sv, c, &r)) return {kInf, -kInf};
  return r;
}

// Vertical interval {t : |sz + vz t| < H} (or <= H, same endpoints; emptiness differs only at vz = 0).
Interval Vertical(double sz, double vz, double H, bool inclusive) {
  if (std::abs(vz) <= kTinyVz) {
    const bool inside = inclusive ? std::abs(sz) <= H : std::abs(sz) < H;
    return inside ? Interval{-kInf, kInf} : Interval{kInf, -kInf};
  }
  double t1 = (-H - sz) / vz, t2 = (H - sz) / vz;
  if (t1 > t2) std::swap(t1, t2);
  return {t1, t2};
}

void FillCpa(const PairGeometry& g, double T, PairResult* r) {
  double t = g.vv > kTinyVV ? -g.sv / g.vv : 0;
  t = std::clamp(t, 0.0, T);
  r->t_cpa_s = t;
  r->d_cpa_m = std::sqrt(std::max(0.0, g.ss + 2 * g.sv * t + g.vv * t * t));
  r->dz_cpa_m = std::abs(g.sz + g.vz * t);
}

// Exit time from the closed horizontal disc |s + v t| <= D (DAIDALUS Horizontal::Theta_D with eps = 1).
double DiscExit(const PairGeometry& g, double D) {
  if (g.vv <= kTinyVV) return kInf;
  const double disc = g.sv * g.sv - g.vv * (g.ss - D * D);
  if (disc < 0) return -kInf;
  return (-g.sv + std::sqrt(disc)) / g.vv;
}

// DAIDALUS WCV_TAUMOD::horizontal_WCV_interval over [0, T]; returns {lo, hi} with lo > hi when empty.
Interval HorizontalWellClear(const PairGeometry& g, double dthr, double tthr, double T) {
  const double sqD = dthr * dthr;
  const double a = g.vv;
  const double b = 2 * g.sv + tthr * g.vv;
  const double c = g.ss + tthr * g.sv - sqD;
  if (a <= kTinyVV && g.ss <= sqD) return {0, T};
  if (g.ss <= sqD) return {0, std::min(T, DiscExit(g, dthr))};
  if (a <= kTinyVV) return {T, 0};
  const double discr = b * b - 4 * a * c;
  if (g.sv >= 0 || discr < 0) return {T, 0};
  const double t = (-b - std::sqrt(discr)) / (2 * a);
  // Delta >= 0: the horizontal miss distance is within DTHR.
  const double delta = sqD * g.vv - (g.ss * g.vv - g.sv * g.sv);
  if (delta >= 0 && t <= T) return {std::max(0.0, t), std::min(T, DiscExit(g, dthr))};
  return {T, 0};
}

bool HorizontalWellClearNow(const PairGeometry& g, double dthr, double tthr) {
  if (g.ss <= dthr * dthr) return true;
  if (g.sv >= 0) return false;  // tau_mod defined only when closing
  const double delta = dthr * dthr * g.vv - (g.ss * g.vv - g.sv * g.sv);
  if (delta < 0) return false;  // hmd > DTHR
  const double taumod = (dthr * dthr - g.ss) / g.sv;
  return taumod >= 0 && taumod <= tthr;
}

}  // namespace

PairGeometry PlanarGeometry(double sx, double sy, double sz, double vx, double vy, double vz) {
  return {sx * sx + sy * sy, sx * vx + sy * vy, vx * vx + vy * vy, sz, vz};
}

PairResult Cd3d(const PairGeometry& g, double D, double H, double T) {
  PairResult r;
  FillCpa(g, T, &r);
  const Interval h = HorizontalCylinder(g, D);
  const Interval v = Vertical(g.sz, g.vz, H, /*inclusive=*/false);
  const double t_in = std::max({0.0, h.lo, v.lo});
  const double t_out = std::min({T, h.hi, v.hi});
  r.los = g.ss < D * D && std::abs(g.sz) < H;
  if (t_in < t_out) {
    r.conflict = true;
    r.t_in_s = t_in;
    r.t_out_s = t_out;
  }
  return r;
}

bool WellClearViolation(const PairGeometry& g, const WellClearThresholds& w) {
  const bool vertical_now = std::abs(g.sz) <= w.zthr_m ||
                            (std::abs(g.vz) > kTinyVz && g.sz * g.vz <= 0 && -g.sz / g.vz <= w.tcoa_s);
  return vertical_now && HorizontalWellClearNow(g, w.dthr_m, w.tthr_s);
}

PairResult WellClear(const PairGeometry& g, const WellClearThresholds& w) {
  PairResult r;
  const double T = w.lookahead_s;
  FillCpa(g, T, &r);
  // Vertical interval (WCV_TCOA): entry at the larger of ZTHR and |vz| TCOA, exit at ZTHR.
  Interval vi;
  if (std::abs(g.vz) <= kTinyVz) {
    vi = std::abs(g.sz) <= w.zthr_m ? Interval{0, T} : Interval{T, 0};
  } else {
    const double act_h = std::max(w.zthr_m, std::abs(g.vz) * w.tcoa_s);
    const double sign = g.vz > 0 ? 1 : -1;
    const double t_entry = (-sign * act_h - g.sz) / g.vz;
    const double t_exit = (sign * w.zthr_m - g.sz) / g.vz;
    vi = (T < t_entry || t_exit < 0) ? Interval{T, 0} : Interval{std::max(0.0, t_entry), std::min(T, t_exit)};
  }
  r.los = WellClearViolation(g, w);
  if (vi.lo > vi.hi) return r;
  // Horizontal interval from the state at the vertical entry (DAIDALUS WCV_tvar::WCV_interval).
  const PairGeometry at{g.ss + 2 * g.sv * vi.lo + g.vv * vi.lo * vi.lo, g.sv + g.vv * vi.lo, g.vv, g.sz, g.vz};
  const Interval h = HorizontalWellClear(at, w.dthr_m, w.tthr_s, vi.hi - vi.lo);
  const double t_in = h.lo + vi.lo, t_out = h.hi + vi.lo;
  if (t_in < t_out) {
    r.conflict = true;
    r.t_in_s = t_in;
    r.t_out_s = t_out;
  } else if (r.los) {
    // Violation at exactly t = 0 with an interval of zero length (touching): report it as los.
    r.conflict = true;
    r.t_in_s = r.t_out_s = 0;
  }
  return r;
}

}  // namespace deconflict::detect
