#include "guidance/steps.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace deconflict::guidance::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Horizontal and vertical distances within which a detector can be violated by a pair whose relative speed is
// at most vh (horizontal) and vz (vertical): D and H for the cylinder; DTHR + TTHR·vh and max(ZTHR, TCOA·vz) for
// well clear (tau_mod <= TTHR implies |s| <= DTHR + TTHR |v|). Used to skip aircraft that cannot matter.
void Reach(const Detector3D& d, double vh, double vz, double* rh, double* rv) {
  if (d.kind == Detector3D::Kind::kCylinder) {
    *rh = d.d_m;
    *rv = d.h_m;
  } else {
    *rh = d.well_clear.dthr_m + d.well_clear.tthr_s * vh;
    *rv = std::max(d.well_clear.zthr_m, d.well_clear.tcoa_s * vz);
  }
}

// Largest own horizontal and vertical speed any manoeuvre of the dimension reaches.
void OwnSpeedBounds(const DimensionSpace& s, double* vh, double* vz) {
  *vh = s.speed;
  *vz = std::abs(s.own.v.z);
  if (s.dim == Dimension::kGroundSpeed) *vh = std::max(s.speed, s.hi);
  if (s.dim == Dimension::kVerticalSpeed) *vz = std::max({*vz, std::abs(s.lo), std::abs(s.hi)});
  if (s.dim == Dimension::kAltitude) *vz = std::max(*vz, s.rate);
}

// True when no manoeuvre of the dimension can bring the intruder within reach of any of its detectors before
// the end of the longest manoeuvre plus the longest horizon (conservative).
bool OutOfReach(const DimensionSpace& s, const Traffic& t, const StepMode& mode) {
  double own_vh = 0, own_vz = 0;
  OwnSpeedBounds(s, &own_vh, &own_vz);
  const double vh = own_vh + std::hypot(t.state.v.x, t.state.v.y);
  const double vz = own_vz + std::abs(t.state.v.z);
  const double manoeuvre = std::max(s.max_down, s.max_up) * s.tstep;
  const double dh = std::hypot(t.state.s.x - s.own.s.x, t.state.s.y - s.own.s.y);
  double dz = std::abs(t.state.s.z - s.own.s.z);
  if (s.dim == Dimension::kAltitude) dz = std::max(0.0, dz - std::max(s.hi - s.own.s.z, s.own.s.z - s.lo));
  for (const LevelCheck& l : t.levels) {
    if (l.severity < mode.min_severity) continue;
    double rh = 0, rv = 0;
    Reach(*l.detector, vh, vz, &rh, &rv);
    if (mode.recovery) {
      double ch = 0, cv = 0;
      Reach(*mode.recovery, vh, vz, &ch, &cv);
      rh = std::max(rh, ch);
      rv = std::max(rv, cv);
    }
    const double horizon = manoeuvre + std::max(l.T, mode.B);
    if (dh - vh * horizon <= rh && dz - vz * horizon <= rv) return false;
  }
  return true;
}

// First sample j in [1, max] of the continuing manoeuvre in direction dir at which `det` is violated with a
// sample time in [from, to]; max + 1 when none.
int FirstLos(const DimensionSpace& s, const Traffic& t, const Detector3D& det, int dir, int max, double from,
             double to) {
  if (s.tstep <= 0) return max + 1;
  for (int j = 1; j <= max; ++j) {
    const double tj = j * s.tstep;
    if (tj > to) break;
    if (tj < from) continue;
    if (ViolatedNow(det, Relative(s.Continuing(dir, tj), t.state.At(tj)))) return j;
  }
  return max + 1;
}

// One entry of the step classification: an intruder and a detector with the levels that use it (sorted most
// severe first), the first violating sample of the continuing manoeuvre per direction, and the first step per
// direction that is not coordinated with the intruder.
struct Entry {
  const Traffic* traffic = nullptr;
  const Detector3D* detector = nullptr;
  std::vector<std::pair<int, double>> levels;  // (severity, T)
  double t_max = 0;
  int los[2] = {0, 0};  // detector (or, cylinder_only, the cylinder) violated at sample j <= T; max + 1 when not
  int rec[2] = {0, 0};  // recovery cylinder violated at sample j <= B
  int uncoordinated[2] = {0, 0};
};

void FillLos(const DimensionSpace& s, const StepMode& mode, Entry* e) {
  const int maxn[2] = {s.max_down, s.max_up};
  for (int d = 0; d < 2; ++d) {
    const int dir = d == 0 ? -1 : 1;
    const Traffic& t = *e->traffic;
    if (mode.cylinder_only || (mode.recovery && mode.B > e->t_max)) {
      e->los[d] = FirstLos(s, t, *mode.recovery, dir, maxn[d], 0, e->t_max);
      e->rec[d] = maxn[d] + 1;
      continue;
    }
    e->los[d] = FirstLos(s, t, *e->detector, dir, maxn[d], mode.B, kInf);
    e->rec[d] = mode.recovery ? FirstLos(s, t, *mode.recovery, dir, maxn[d], 0, mode.B) : maxn[d] + 1;
  }
}

// The most severe level of entry `e` in conflict for step k (end geometry g at tsk), 0 when none.
int EntrySeverity(const Entry& e, const StepMode& mode, int k,
                  const detect::PairGeometry& g, double tsk) {
  const int d = k >= 0 ? 1 : 0;
  const int ak = std::abs(k);
  if (ak >= e.uncoordinated[d]) return e.levels.front().first;
  const double B = mode.B;
  if (mode.cylinder_only || (mode.recovery && B > e.t_max)) {
    if (e.los[d] <= ak || FirstViolation(*mode.recovery, g, e.t_max) < kInf) return e.levels.front().first;
    return 0;
  }
  if (e.rec[d] <= ak) return e.levels.front().first;
  if (mode.recovery && B > tsk && FirstViolation(*mode.recovery, g, B - tsk) < kInf) return e.levels.front().first;
  // Time of the first violation: a sample of the manoeuvre, or the straight line after it (relative to tsk).
  double t_los = kInf, t_lin = kInf;
  if (e.los[d] <= ak) t_los = 0;  // a loss during the manoeuvre counts for every level of the detector
  const double b0 = std::max(B - tsk, 0.0);
  if (b0 < e.t_max) {
    const double t = b0 > 0 ? FirstViolation(*e.detector, Advance(g, b0), e.t_max - b0)
                            : FirstViolation(*e.detector, g, e.t_max);
    if (t < kInf) t_lin = t + b0;
  }
  for (const auto& [severity, T] : e.levels)
    if (t_los <= T || t_lin <= T) return severity;
  return 0;
}

}  // namespace

bool Coordinated(const DimensionSpace& space, const Traffic& t, int k) {
  if (k == 0) return true;
  double tsk = 0;
  const State end = space.End(k, &tsk);
  if (space.dim == Dimension::kTrack || space.dim == Dimension::kGroundSpeed) {
    if (t.epsilon_h == 0) return true;
    // ACCoRD horizontal new repulsive criterion, s = ownship - intruder at t = 0, v the relative velocity now,
    // nv the relative velocity after the manoeuvre.
    const double sx = space.own.s.x - t.state.s.x, sy = space.own.s.y - t.state.s.y;
    const double vx = space.own.v.x - t.state.v.x, vy = space.own.v.y - t.state.v.y;
    const double nx = end.v.x - t.state.v.x, ny = end.v.y - t.state.v.y;
    auto det = [](double ax, double ay, double bx, double by) { return ax * by - ay * bx; };
    const int e = t.epsilon_h;
    const double sdotv = sx * vx + sy * vy, sdotnv = sx * nx + sy * ny;
    const bool v_zero = vx == 0 && vy == 0;
    if ((sx == 0 && sy == 0) || (nx == 0 && ny == 0)) return false;
    if (!(e * det(sx, sy, vx, vy) <= 0 && e * det(sx, sy, nx, ny) < 0)) return false;
    if (sdotv < 0) return e * det(nx, ny, vx, vy) < 0;
    return (!v_zero || sdotnv >= 0) && (v_zero || sdotnv > sdotv) && e * det(nx, ny, vx, vy) <= 0;
  }
  if (t.epsilon_v == 0) return true;
  if (space.dim == Dimension::kVerticalSpeed) return t.epsilon_v * (end.v.z - space.own.v.z) >= 0;
  return t.epsilon_v * (end.s.z - space.own.s.z) >= 0;
}

std::vector<int> ClassifySteps(const DimensionSpace& s, const std::vector<Traffic>& traffic, const StepMode& mode) {
  const int n = s.max_down + s.max_up + 1;
  std::vector<int> sev(static_cast<size_t>(n), 0);
  int top = 0;  // the most severe region any checked level can give
  std::vector<Entry> entries;
  for (const Traffic& t : traffic) {
    const bool coordinated = t.epsilon_h != 0 || t.epsilon_v != 0;
    if (!coordinated && OutOfReach(s, t, mode)) continue;
    int unc[2] = {s.max_down + 1, s.max_up + 1};
    if (coordinated)
      for (int d = 0; d < 2; ++d)
        for (int j = 1; j <= (d == 0 ? s.max_down : s.max_up); ++j)
          if (!Coordinated(s, t, d == 0 ? -j : j)) {
            unc[d] = j;
            break;
          }
    const size_t first = entries.size();
    for (const LevelCheck& l : t.levels) {
      if (l.severity < mode.min_severity) continue;
      top = std::max(top, l.severity);
      // Levels of one detector share an entry in the main bands (one evaluation gives the first violation);
      // recovery checks keep one entry per level (B and the cylinder depend on T).
      Entry* e = nullptr;
      if (!mode.recovery)
        for (size_t i = first; i < entries.size() && !e; ++i)
          if (*entries[i].detector == *l.detector) e = &entries[i];
      if (!e) {
        entries.push_back({});
        e = &entries.back();
        e->traffic = &t;
        e->detector = l.detector;
        e->uncoordinated[0] = unc[0];
        e->uncoordinated[1] = unc[1];
      }
      e->levels.emplace_back(l.severity, l.T);
      e->t_max = std::max(e->t_max, l.T);
    }
  }
  if (entries.empty()) return sev;
  for (Entry& e : entries) {
    std::sort(e.levels.begin(), e.levels.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    FillLos(s, mode, &e);
  }
  // Most severe levels first, so that a step stops as soon as it reaches `top`.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.levels.front().first > b.levels.front().first; });
  for (int k = -s.max_down; k <= s.max_up; ++k) {
    double tsk = 0;
    const State end = s.End(k, &tsk);
    int& out = sev[static_cast<size_t>(k + s.max_down)];
    for (const Entry& e : entries) {
      if (e.levels.front().first <= out) continue;
      const detect::PairGeometry g = Relative(end, e.traffic->state.At(tsk));
      out = std::max(out, EntrySeverity(e, mode, k, g, tsk));
      if (out >= top) break;
    }
  }
  return sev;
}

}  // namespace deconflict::guidance::internal
