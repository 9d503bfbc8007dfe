// The JSON form of the bands (docs/detection.md, "deconflict bands"): values in the DAIDALUS display units (deg,
// knot, fpm, ft; recovery distances in metres), "inf" / "-inf" for infinite values and null for absent ones.
// One form for the CLI (`deconflict bands --format json`) and the API's alert guidance (api/openapi.yaml).
#pragma once

#include <nlohmann/json.hpp>

#include "guidance/bands.h"

namespace deconflict::guidance {

// Display unit of a dimension (DAIDALUS conventions: deg, knot, fpm, ft) and the factor from SI.
struct DisplayUnit {
  const char* name;
  double from_si;
};
DisplayUnit DisplayUnitOf(Dimension d);

// {"unit", "current", "region", "resolution_up", "resolution_down", "preferred", "time_to_recovery_s",
//  "recovery_horizontal_m", "recovery_vertical_m", "intervals": [{"lo", "hi", "region"}]}
nlohmann::json DimensionBandsJson(const DimensionBands& bands);
// {"track": ..., "ground_speed": ..., "vertical_speed": ..., "altitude": ...}
nlohmann::json AllBandsJson(const Bands& bands);
// {"id", "alert_level", "time_to_violation_s", "last_time_to_maneuver_s": {"track", ...}}
nlohmann::json TrafficGuidanceJson(const TrafficGuidance& traffic);
// {"time_s", "ownship", "traffic": [...], "bands": {...}}
nlohmann::json BandsJson(const Bands& bands);

}  // namespace deconflict::guidance
