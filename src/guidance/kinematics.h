// Internal to guidance: the ownship's manoeuvre trajectories per band dimension and the detectors over a time
// window. Not a public header.
#pragma once

#include "detect/separation.h"
#include "guidance/bands.h"

namespace deconflict::guidance::internal {

struct State {
  geo::Vec3 s, v;  // position (east, north, up) m; velocity m/s (air-relative when there is wind)
  State At(double t) const { return {s + t * v, v}; }
};

// One dimension of the bands for one ownship: value range, steps and the manoeuvre that reaches step k.
// Step k (k < 0: left/down) is the value current + k·step, reached at tsk = |k|·tstep (tstep = 0: instantaneous)
// by turning at the turn rate (track), accelerating along the track (ground speed), accelerating vertically
// (vertical speed) or climbing/descending at vertical_rate and levelling at the target (altitude; the ≈1 s of
// vertical acceleration to reach vertical_rate is neglected).
struct DimensionSpace {
  Dimension dim = Dimension::kTrack;
  State own;
  double current = 0, step = 1, lo = 0, hi = 0;
  bool circular = false;
  int max_down = 0, max_up = 0;
  double tstep = 0;  // seconds per step of the kinematic manoeuvre; 0 = instantaneous
  double rate = 0;   // turn rate rad/s, acceleration m/s², vertical rate m/s
  double speed = 0, heading = 0;  // horizontal speed and direction (rad, clockwise from north) of the ownship

  double Value(int k) const;
  // State at time t in [0, |k|·tstep] of the continuing manoeuvre in direction dir (+1 up/right, -1 down/left).
  State Continuing(int dir, double t) const;
  // State at the end of the manoeuvre of step k, and its time.
  State End(int k, double* tsk) const;
};

DimensionSpace MakeSpace(const BandsConfig& config, const State& own, Dimension dim);

// Geometry of b relative to a (b minus a), in the form of detect/separation.h.
detect::PairGeometry Relative(const State& a, const State& b);

// First time in [0, T] at which the detector is violated, or +infinity (closed form, detect/separation.h).
double FirstViolation(const Detector3D& det, const detect::PairGeometry& g, double T);
// True when the detector cannot be violated in [0, T]: the vertical distance stays beyond the vertical reach, or
// the horizontal distance beyond the horizontal reach (D; DTHR + TTHR·|v|, since tau_mod <= TTHR implies
// |s| <= DTHR + TTHR |v|). Conservative: false does not mean a violation.
bool CannotViolate(const Detector3D& det, const detect::PairGeometry& g, double T);
// Violation at t = 0.
bool ViolatedNow(const Detector3D& det, const detect::PairGeometry& g);
// Geometry moved forward by dt.
detect::PairGeometry Advance(const detect::PairGeometry& g, double dt);

}  // namespace deconflict::guidance::internal
