#include "guidance/kinematics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace deconflict::guidance::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative tolerance when counting steps to a range end (DAIDALUS almost_greater on step multiples).
constexpr double kStepTolerance = 1e-9;

int StepsTo(double distance, double step) {
  if (distance <= 0) return 0;
  return static_cast<int>(std::ceil(distance / step - kStepTolerance));
}

}  // namespace

DimensionSpace MakeSpace(const BandsConfig& c, const State& own, Dimension dim) {
  DimensionSpace d;
  d.dim = dim;
  d.own = own;
  d.speed = std::hypot(own.v.x, own.v.y);
  d.heading = d.speed > 0 ? std::atan2(own.v.x, own.v.y) : 0;
  if (d.heading < 0) d.heading += 2 * units::kPi;
  switch (dim) {
    case Dimension::kTrack: {
      d.current = d.heading;
      d.step = c.step_trk_rad;
      d.circular = true;
      d.lo = 0;
      d.hi = 2 * units::kPi;
      d.max_down = StepsTo(c.left_trk_rad, d.step);
      d.max_up = StepsTo(c.right_trk_rad, d.step);
      double rate = c.turn_rate_radps;
      if (rate == 0 && c.bank_angle_rad > 0 && d.speed > 0)
        rate = units::kStandardGravityMps2 * std::tan(c.bank_angle_rad) / d.speed;
      d.rate = rate;
      break;
    }
    case Dimension::kGroundSpeed:
      d.current = d.speed;
      d.step = c.step_gs_mps;
      d.lo = c.min_gs_mps;
      d.hi = c.max_gs_mps;
      d.rate = c.horizontal_accel_mps2;
      break;
    case Dimension::kVerticalSpeed:
      d.current = own.v.z;
      d.step = c.step_vs_mps;
      d.lo = c.min_vs_mps;
      d.hi = c.max_vs_mps;
      d.rate = c.vertical_accel_mps2;
      break;
    case Dimension::kAltitude:
      d.current = own.s.z;
      d.step = c.step_alt_m;
      d.lo = c.min_alt_m;
      d.hi = c.max_alt_m;
      d.rate = c.vertical_rate_mps;
      break;
  }
  if (!d.circular) {
    d.max_down = StepsTo(d.current - d.lo, d.step);
    d.max_up = StepsTo(d.hi - d.current, d.step);
  }
  d.tstep = d.rate > 0 ? d.step / d.rate : 0;
  return d;
}

double DimensionSpace::Value(int k) const {
  double v = current + k * step;
  if (circular) {
    v = std::fmod(v, 2 * units::kPi);
    if (v < 0) v += 2 * units::kPi;
    return v;
  }
  return std::clamp(v, lo, hi);
}

State DimensionSpace::Continuing(int dir, double t) const {
  State s = own;
  switch (dim) {
    case Dimension::kTrack: {
      const double w = dir * rate;
      const double th = heading + w * t;
      s.v = {speed * std::sin(th), speed * std::cos(th), own.v.z};
      if (w == 0) return own.At(t);
      s.s = {own.s.x + speed / w * (std::cos(heading) - std::cos(th)),
             own.s.y + speed / w * (std::sin(th) - std::sin(heading)), own.s.z + own.v.z * t};
      return s;
    }
    case Dimension::kGroundSpeed: {
      const double a = dir * rate;
      const double ux = speed > 0 ? own.v.x / speed : 0, uy = speed > 0 ? own.v.y / speed : 1;
      const double g = speed + a * t;
      const double dist = speed * t + 0.5 * a * t * t;
      s.v = {g * ux, g * uy, own.v.z};
      s.s = {own.s.x + dist * ux, own.s.y + dist * uy, own.s.z + own.v.z * t};
      return s;
    }
    case Dimension::kVerticalSpeed: {
      const double a = dir * rate;
      s = own.At(t);
      s.v.z = own.v.z + a * t;
      s.s.z = own.s.z + own.v.z * t + 0.5 * a * t * t;
      return s;
    }
    case Dimension::kAltitude:
      s = own.At(t);
      s.v.z = dir * rate;
      s.s.z = own.s.z + dir * rate * t;
      return s;
  }
  return s;
}

State DimensionSpace::End(int k, double* tsk) const {
  const double target = current + k * step;
  if (dim == Dimension::kAltitude) {
    // Level at the (clamped) target altitude: at once without a vertical rate, else after |Δh| / rate.
    const double h = std::clamp(target, lo, hi);
    const double t = rate > 0 ? std::abs(h - own.s.z) / rate : 0;
    State s = own.At(t);
    s.s.z = h;
    s.v.z = 0;
    *tsk = t;
    return s;
  }
  if (tstep > 0) {
    const double t = std::abs(k) * tstep;
    *tsk = t;
    State s = Continuing(k >= 0 ? 1 : -1, t);
    if (!circular && (target < lo || target > hi)) {
      // The last step may overshoot the range: its final value is the range end.
      const double clamped = std::clamp(target, lo, hi);
      if (dim == Dimension::kGroundSpeed && speed > 0) {
        s.v.x *= clamped / std::max(target, 1e-9);
        s.v.y *= clamped / std::max(target, 1e-9);
      } else if (dim == Dimension::kVerticalSpeed) {
        s.v.z = clamped;
      }
    }
    return s;
  }
  *tsk = 0;
  State s = own;
  switch (dim) {
    case Dimension::kTrack: {
      const double th = heading + k * step;
      s.v.x = speed * std::sin(th);
      s.v.y = speed * std::cos(th);
      break;
    }
    case Dimension::kGroundSpeed: {
      const double g = std::clamp(target, lo, hi);
      const double ux = speed > 0 ? own.v.x / speed : 0, uy = speed > 0 ? own.v.y / speed : 1;
      s.v.x = g * ux;
      s.v.y = g * uy;
      break;
    }
    case Dimension::kVerticalSpeed: s.v.z = std::clamp(target, lo, hi); break;
    case Dimension::kAltitude: break;
  }
  return s;
}

detect::PairGeometry Relative(const State& a, const State& b) {
  const geo::Vec3 s = b.s - a.s, v = b.v - a.v;
  return detect::PlanarGeometry(s.x, s.y, s.z, v.x, v.y, v.z);
}

detect::PairGeometry Advance(const detect::PairGeometry& g, double dt) {
  return {g.ss + 2 * g.sv * dt + g.vv * dt * dt, g.sv + g.vv * dt, g.vv, g.sz + g.vz * dt, g.vz};
}

bool CannotViolate(const Detector3D& det, const detect::PairGeometry& g, double T) {
  const double vz_reach = det.kind == Detector3D::Kind::kCylinder
                              ? det.h_m
                              : std::max(det.well_clear.zthr_m, det.well_clear.tcoa_s * std::abs(g.vz));
  const double z_end = g.sz + g.vz * T;
  if ((g.sz > vz_reach && z_end > vz_reach) || (g.sz < -vz_reach && z_end < -vz_reach)) return true;
  const double h_reach = det.kind == Detector3D::Kind::kCylinder
                             ? det.d_m
                             : det.well_clear.dthr_m + det.well_clear.tthr_s * std::sqrt(g.vv);
  const double t = g.vv > 0 ? std::clamp(-g.sv / g.vv, 0.0, T) : 0;
  return g.ss + 2 * g.sv * t + g.vv * t * t > h_reach * h_reach;
}

double FirstViolation(const Detector3D& det, const detect::PairGeometry& g, double T) {
  if (!(T > 0)) return ViolatedNow(det, g) ? 0 : kInf;
  if (CannotViolate(det, g, T)) return kInf;
  detect::PairResult r;
  if (det.kind == Detector3D::Kind::kCylinder) {
    r = detect::Cd3d(g, det.d_m, det.h_m, T);
  } else {
    detect::WellClearThresholds w = det.well_clear;
    w.lookahead_s = T;
    r = detect::WellClear(g, w);
  }
  return r.conflict ? r.t_in_s : kInf;
}

bool ViolatedNow(const Detector3D& det, const detect::PairGeometry& g) {
  if (det.kind == Detector3D::Kind::kCylinder) return g.ss < det.d_m * det.d_m && std::abs(g.sz) < det.h_m;
  return detect::WellClearViolation(g, det.well_clear);
}

}  // namespace deconflict::guidance::internal
