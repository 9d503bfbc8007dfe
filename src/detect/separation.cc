#include "detect/separation.h"

namespace deconflict::detect {

PairGeometry PlanarGeometry(double sx, double sy, double sz, double vx, double vy, double vz) {
  return {sx * sx + sy * sy, sx * vx + sy * vy, vx * vx + vy * vy, sz, vz};
}

// First commit: API only; the closed forms follow.
PairResult Cd3d(const PairGeometry&, double, double, double) { return {}; }
PairResult WellClear(const PairGeometry&, const WellClearThresholds&) { return {}; }

}  // namespace deconflict::detect
