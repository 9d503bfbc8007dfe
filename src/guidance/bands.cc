#include "guidance/bands.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "guidance/steps.h"

namespace deconflict::guidance {
namespace {

using internal::DimensionSpace;
using internal::State;
using internal::StepMode;
using internal::Traffic;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kRecoveryPrecisionS = 0.5;
// Band edges closer than this (SI units: rad, m/s, m) are one edge: step multiples computed two ways differ by
// rounding only (1e-9 is far below any step).
constexpr double kEdgeTolerance = 1e-9;  // bisection precision of the time to recovery (DAIDALUS: 0.5 s)

const Alerter& AlerterOf(const BandsConfig& c, const BandsInput& in, const AircraftKinematics& intruder) {
  const int idx = c.ownship_centric_alerting ? in.ownship.alerter : intruder.alerter;
  return c.alerters[static_cast<size_t>(std::clamp(idx, 1, static_cast<int>(c.alerters.size())) - 1)];
}

// The corrective level of an alerter: the first whose region is at least as severe as the corrective region.
const AlertLevel* CorrectiveLevel(const BandsConfig& c, const Alerter& a) {
  for (const AlertLevel& l : a.levels)
    if (Severity(l.region) >= Severity(c.corrective_region)) return &l;
  return nullptr;
}

State AirRelative(const AircraftKinematics& a, const geo::Vec3& wind) { return {a.s_m, a.v_mps - wind}; }

// Adjacent green steps make a green segment; a step alone does not (DAIDALUS drops empty none intervals).
bool AllRed(const std::vector<int>& sev) {
  for (size_t i = 0; i + 1 < sev.size(); ++i)
    if (sev[i] == 0 && sev[i + 1] == 0) return false;
  return true;
}

BandsRegion RegionOfSeverity(int s, bool recovery) {
  switch (s) {
    case 0: return recovery ? BandsRegion::kRecovery : BandsRegion::kNone;
    case 1: return BandsRegion::kFar;
    case 2: return BandsRegion::kMid;
    default: return BandsRegion::kNear;
  }
}

// Intervals from the step severities: the segment between two steps takes the more severe of the two; pieces
// that overlap (circular track bands reaching the same heading both ways) keep the less severe (union of clear
// sets). Adjacent intervals of one region are merged.
std::vector<BandsInterval> ToIntervals(const DimensionSpace& s, const std::vector<int>& sev, bool recovery) {
  struct Piece {
    double lo, hi;
    int sev;
  };
  std::vector<Piece> pieces;
  const double two_pi = 2 * units::kPi;
  for (size_t i = 0; i + 1 < sev.size(); ++i) {
    const int k = static_cast<int>(i) - s.max_down;
    double a = s.current + k * s.step, b = s.current + (k + 1) * s.step;
    const int sv = std::max(sev[i], sev[i + 1]);
    if (!s.circular) {
      a = std::max(a, s.lo);
      b = std::min(b, s.hi);
      if (a < b) pieces.push_back({a, b, sv});
      continue;
    }
    const double shift = std::floor(a / two_pi) * two_pi;
    a -= shift;
    b -= shift;
    if (b <= two_pi + kEdgeTolerance) {
      pieces.push_back({a, std::min(b, two_pi), sv});
    } else {
      pieces.push_back({a, two_pi, sv});
      pieces.push_back({0, b - two_pi, sv});
    }
  }
  std::vector<double> cuts;
  for (const Piece& p : pieces) {
    cuts.push_back(p.lo);
    cuts.push_back(p.hi);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end(), [](double x, double y) { return y - x <= kEdgeTolerance; }),
             cuts.end());
  std::vector<BandsInterval> out;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double lo = cuts[i], hi = cuts[i + 1], mid = 0.5 * (lo + hi);
    int best = -1;
    for (const Piece& p : pieces)
      if (p.lo <= mid && mid <= p.hi && (best < 0 || p.sev < best)) best = p.sev;
    if (best < 0) continue;
    const BandsRegion r = RegionOfSeverity(best, recovery);
    if (!out.empty() && out.back().region == r && lo - out.back().hi <= kEdgeTolerance) {
      out.back().hi = hi;
    } else {
      out.push_back({lo, hi, r});
    }
  }
  return out;
}

void FindResolutions(const DimensionSpace& s, const std::vector<int>& sev, DimensionBands* out) {
  auto at = [&](int k) { return sev[static_cast<size_t>(k + s.max_down)]; };
  const bool clear_now = at(0) == 0 && ((0 < s.max_up && at(1) == 0) || (0 < s.max_down && at(-1) == 0));
  if (clear_now) return;  // NaN resolutions
  int up = -1, down = -1;  // steps to the first clear segment in each direction, -1 when none
  for (int k = 0; k < s.max_up && up < 0; ++k)
    if (at(k) == 0 && at(k + 1) == 0) up = k;
  for (int k = 0; k < s.max_down && down < 0; ++k)
    if (at(-k) == 0 && at(-k - 1) == 0) down = k;
  out->resolution_up = up < 0 ? kInf : s.Value(up);
  out->resolution_down = down < 0 ? -kInf : s.Value(-down);
  const bool up_ok = std::isfinite(out->resolution_up), down_ok = std::isfinite(out->resolution_down);
  out->preferred_up = up_ok && (!down_ok || up <= down);
}

// DAIDALUS recovery bands (see bands.h). Returns true with the step severities of the recovery bands in *sev.
bool RecoveryBands(const BandsConfig& c, const DimensionSpace& s, const std::vector<Traffic>& traffic, int corrective,
                   DimensionBands* out, std::vector<int>* sev) {
  out->time_to_recovery_s = -kInf;
  out->recovery_horizontal_m = out->recovery_vertical_m = -kInf;
  Detector3D nmac;
  nmac.kind = Detector3D::Kind::kCylinder;
  nmac.d_m = c.horizontal_nmac_m;
  nmac.h_m = c.vertical_nmac_m;
  if (AllRed(internal::ClassifySteps(s, traffic, StepMode{0, &nmac, true, corrective}))) return false;
  Detector3D cyl = nmac;
  cyl.d_m = c.min_horizontal_recovery_m;
  cyl.h_m = c.min_vertical_recovery_m;
  const double T = c.lookahead_s;
  for (int n = 0; cyl.d_m > c.horizontal_nmac_m || cyl.h_m > c.vertical_nmac_m; ++n) {
    const bool solid = AllRed(internal::ClassifySteps(s, traffic, StepMode{0, &cyl, true, corrective}));
    if (solid && !c.ca_bands) return false;
    if (!solid) {
      double red = 0, green = T + 1, pivot = green - 1;
      while (green - red > kRecoveryPrecisionS) {
        if (AllRed(internal::ClassifySteps(s, traffic, StepMode{pivot, &cyl, false, corrective}))) {
          red = pivot;
        } else {
          green = pivot;
        }
        pivot = 0.5 * (red + green);
      }
      const double t_rec = green <= T ? std::min(T, green + c.recovery_stability_time_s) : red;
      std::vector<int> final_sev = internal::ClassifySteps(s, traffic, StepMode{t_rec, &cyl, false, corrective});
      if (!AllRed(final_sev)) {
        out->time_to_recovery_s = t_rec;
        out->recovery_horizontal_m = cyl.d_m;
        out->recovery_vertical_m = cyl.h_m;
        out->recovery_nfactor = n;
        *sev = std::move(final_sev);
        return true;
      }
      if (!c.ca_bands) return false;
    }
    cyl.d_m = std::max(c.horizontal_nmac_m, cyl.d_m * (1 - c.ca_factor));
    cyl.h_m = std::max(c.vertical_nmac_m, cyl.h_m * (1 - c.ca_factor));
  }
  return false;
}

bool RecoveryEnabled(const BandsConfig& c, Dimension d) {
  switch (d) {
    case Dimension::kTrack: return c.recovery_trk;
    case Dimension::kGroundSpeed: return c.recovery_gs;
    case Dimension::kVerticalSpeed: return c.recovery_vs;
    case Dimension::kAltitude: return c.recovery_alt;
  }
  return false;
}

DimensionBands ComputeDimension(const BandsConfig& c, const State& own, const std::vector<Traffic>& traffic,
                                Dimension dim, bool violation_now) {
  DimensionBands out;
  out.dimension = dim;
  const DimensionSpace s = internal::MakeSpace(c, own, dim);
  out.current = s.current;
  const int corrective = Severity(c.corrective_region);
  std::vector<int> sev = internal::ClassifySteps(s, traffic, StepMode{});
  bool recovery = false;
  if (RecoveryEnabled(c, dim)) {
    bool saturated = true;
    for (size_t i = 0; i + 1 < sev.size() && saturated; ++i)
      if (sev[i] < corrective && sev[i + 1] < corrective) saturated = false;
    if (saturated) {
      std::vector<int> rec_sev;
      if (RecoveryBands(c, s, traffic, corrective, &out, &rec_sev)) sev = std::move(rec_sev);
      recovery = true;
    } else if (s.tstep == 0 && violation_now) {
      // Instantaneous bands while the corrective volume is already violated: the clear values are recovery.
      out.time_to_recovery_s = 0;
      out.recovery_horizontal_m = c.min_horizontal_recovery_m;
      out.recovery_vertical_m = c.min_vertical_recovery_m;
      recovery = true;
    }
  }
  out.intervals = ToIntervals(s, sev, recovery);
  out.current_region = RegionOfSeverity(sev[static_cast<size_t>(s.max_down)], recovery);
  FindResolutions(s, sev, &out);
  return out;
}

}  // namespace

const char* DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kTrack: return "track";
    case Dimension::kGroundSpeed: return "ground_speed";
    case Dimension::kVerticalSpeed: return "vertical_speed";
    case Dimension::kAltitude: return "altitude";
  }
  return "track";
}

BandsRegion DimensionBands::RegionOf(double value) const {
  BandsRegion best = BandsRegion::kNone;
  bool found = false;
  for (const BandsInterval& i : intervals)
    if (i.lo <= value && value <= i.hi) {
      if (!found || Severity(i.region) > Severity(best)) best = i.region;
      found = true;
    }
  return best;
}

Bands ComputeBands(const BandsConfig& c, const BandsInput& in) {
  Bands out;
  out.time_s = in.time_s;
  out.ownship_id = in.ownship.id;
  const State own = AirRelative(in.ownship, in.wind_mps);
  std::vector<Traffic> traffic;
  bool violation_now = false;
  double most_urgent_t = kInf;
  for (size_t i = 0; i < in.traffic.size(); ++i) {
    const AircraftKinematics& a = in.traffic[i];
    Traffic t;
    t.state = AirRelative(a, in.wind_mps);
    TrafficGuidance tg;
    tg.id = a.id;
    const Alerter& alerter = AlerterOf(c, in, a);
    const detect::PairGeometry g = internal::Relative(own, t.state);
    for (size_t li = 0; li < alerter.levels.size(); ++li) {
      const AlertLevel& l = alerter.levels[li];
      const double t_in = internal::FirstViolation(l.detector, g, c.lookahead_s);
      const double alerting = std::min(c.lookahead_s, l.alerting_time_s);
      const bool conflict = t_in <= alerting;
      if (conflict) tg.alert_level = static_cast<int>(li) + 1;
      if (&l == CorrectiveLevel(c, alerter)) {
        tg.t_in_s = t_in < kInf ? t_in : kNoValue;
        if (t_in == 0) violation_now = true;
        if (t_in < most_urgent_t && conflict) {
          most_urgent_t = t_in;
          out.most_urgent = static_cast<int>(i);
        }
      }
      if (l.region == BandsRegion::kNone) continue;
      t.levels.push_back({l.region, Severity(l.region), &l.detector, conflict ? c.lookahead_s : alerting});
    }
    traffic.push_back(std::move(t));
    out.traffic.push_back(std::move(tg));
  }
  if (c.conflict_crit && out.most_urgent >= 0) {
    // Implicit coordination (ACCoRD criteria): horizontal sign of det(v, s) with s, v the ownship's relative
    // position and velocity (the same for both aircraft of the pair); vertical sense: away from the other
    // aircraft's altitude, ties broken by the aircraft ids so that the two senses are opposite.
    const AircraftKinematics& m = in.traffic[static_cast<size_t>(out.most_urgent)];
    Traffic& t = traffic[static_cast<size_t>(out.most_urgent)];
    const double sx = own.s.x - t.state.s.x, sy = own.s.y - t.state.s.y;
    const double vx = own.v.x - t.state.v.x, vy = own.v.y - t.state.v.y;
    t.epsilon_h = vx * sy - vy * sx >= 0 ? 1 : -1;
    const double sz = own.s.z - t.state.s.z;
    t.epsilon_v = sz > 0 ? 1 : sz < 0 ? -1 : (in.ownship.id < m.id ? 1 : -1);
    out.epsilon_h = t.epsilon_h;
    out.epsilon_v = t.epsilon_v;
  }
  for (int d = 0; d < kNumDimensions; ++d)
    out.dims[d] = ComputeDimension(c, own, traffic, static_cast<Dimension>(d), violation_now);
  return out;
}

void ComputeLastTimesToManeuver(const BandsConfig& c, const BandsInput& in, Bands* bands) {
  const State own = AirRelative(in.ownship, in.wind_mps);
  for (size_t i = 0; i < in.traffic.size() && i < bands->traffic.size(); ++i) {
    const AlertLevel* level = CorrectiveLevel(c, AlerterOf(c, in, in.traffic[i]));
    if (!level) continue;
    const State intr = AirRelative(in.traffic[i], in.wind_mps);
    const double t_in = internal::FirstViolation(level->detector, internal::Relative(own, intr), c.lookahead_s);
    for (int d = 0; d < kNumDimensions; ++d) {
      double& result = bands->traffic[i].last_time_to_maneuver_s[d];
      if (t_in == kInf) {
        result = kNoValue;
        continue;
      }
      double red = t_in, green = 0, pivot = 0;
      while (red - green > kRecoveryPrecisionS || pivot == 0) {
        const State o = own.At(pivot), x = intr.At(pivot);
        Traffic t;
        t.state = x;
        t.levels.push_back({level->region, Severity(level->region), &level->detector, c.lookahead_s});
        const DimensionSpace s = internal::MakeSpace(c, o, static_cast<Dimension>(d));
        const bool all_red = internal::ViolatedNow(level->detector, internal::Relative(o, x)) ||
                             AllRed(internal::ClassifySteps(s, {t}, StepMode{}));
        if (all_red) {
          red = pivot;
        } else {
          green = pivot;
        }
        if (red == 0) break;
        pivot = 0.5 * (red + green);
      }
      result = green == 0 ? -kInf : green;
    }
  }
}

}  // namespace deconflict::guidance
