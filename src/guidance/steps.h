// Internal to guidance: classification of the steps of one dimension against the traffic (the integer bands of
// DAIDALUS), shared by the bands, the recovery bands and the last time to manoeuvre. Not a public header.
#pragma once

#include <vector>

#include "guidance/kinematics.h"

namespace deconflict::guidance::internal {

// One alert level of one intruder that colours a region: its detector and time horizon T (the look-ahead when
// the intruder is in conflict for that level before its alerting time, the alerting time otherwise).
struct LevelCheck {
  BandsRegion region = BandsRegion::kNone;
  int severity = 0;
  const Detector3D* detector = nullptr;
  double T = 0;
};

struct Traffic {
  State state;  // air-relative
  std::vector<LevelCheck> levels;
  // Implicit coordination with this aircraft (the most urgent one): epsilon signs, 0 when off.
  int epsilon_h = 0, epsilon_v = 0;
};

// How the steps are checked. Main bands: B = 0, no recovery cylinder. Recovery bands: the level detector over
// [B, T] and the recovery cylinder over [0, B] (only the cylinder over [0, T] when B > T), or, when
// `cylinder_only`, the cylinder as the detector over [0, T].
struct StepMode {
  double B = 0;
  const Detector3D* recovery = nullptr;
  bool cylinder_only = false;
  int min_severity = 1;  // levels below this severity are not checked
};

// Severity (0 = clear, else the most severe region in conflict) of each step k in [-max_down, max_up], at index
// k + max_down.
std::vector<int> ClassifySteps(const DimensionSpace& space, const std::vector<Traffic>& traffic, const StepMode& mode);

// Whether the manoeuvre of step k is coordinated with the intruder (ACCoRD horizontal new repulsive criterion for
// track and speed; for vertical speed and altitude, the vertical sense epsilon_v: the relative vertical motion
// may only change in that sense). Always true for k = 0 and when the intruder has no epsilon.
bool Coordinated(const DimensionSpace& space, const Traffic& t, int k);

}  // namespace deconflict::guidance::internal
