// Limits and tolerances of strategic deconfliction, in a light header (no s2geometry) so that users
// of plan::Registry do not compile s2's headers.
#pragma once

#include <cstddef>
#include <string>

namespace deconflict::plan {

struct GeometryLimits {
  int max_vertices = 1000;         // per polygon, after dropping the closing vertex
  double max_area_m2 = 2500e6;     // 2,500 km^2 per outline (polygon or circle), on the mean sphere
  double min_circle_radius_m = 0.01;
};

struct PlanLimits {
  GeometryLimits geometry;
  size_t max_volumes = 100;                  // per operation or zone (the Registry caps it at 65535)
  double max_plan_horizon_s = 30 * 86400.0;  // F3548-21 OiMaxPlanHorizon: start at most 30 days ahead
  double max_duration_s = 366 * 86400.0;     // one volume's time window
};

// A track conforms to its operation when some volume contains it within these tolerances
// (F3548-21 leaves the conformance bound to the USS; these cover GNSS error and 5 s of clock skew).
struct ConformanceOptions {
  double horizontal_tolerance_m = 15;
  double vertical_tolerance_m = 10;
  double time_tolerance_s = 5;  // F3548-21 TimeSyncMaxDifferentialSeconds
};

struct Conformance {
  bool conforming = false;
  int nearest_volume = -1;          // the volume the track is closest to (time-wise eligible first)
  double horizontal_outside_m = 0;  // distance outside that volume's outline (0 inside)
  double vertical_outside_m = 0;    // distance outside its altitude band (0 inside)
  double time_outside_s = 0;        // time outside its window (0 inside)
  std::string reason;               // empty when conforming
};

}  // namespace deconflict::plan
