// Validation of operations and zones before anything is stored. Every error names the field
// ("operation blue-7: volumes[1].altitude_lower ...") so that a planning cell can fix its file.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "plan/geometry.h"
#include "plan/limits.h"
#include "plan/model.h"

namespace deconflict::plan {

// A volume after validation: the compiled outline and its bands.
struct CompiledVolume {
  Footprint footprint;
  double alt_lo_m = 0, alt_hi_m = 0;
  double t0_s = 0, t1_s = 0;
};

// Checks one volume: finite numbers, lower <= upper, start < end, the outline (see Footprint).
// `field` prefixes messages, e.g. "volumes[2]".
Result<CompiledVolume> CompileVolume(const Volume4D& v, const PlanLimits& limits, std::string_view field);

// Checks an operation at time `now_s`: id and owner set, 1..max_volumes volumes, every volume valid,
// and (unless the state is ended) no volume that has already ended (end <= now) and none that starts
// more than max_plan_horizon_s after now.
Result<std::vector<CompiledVolume>> CompileOperation(const Operation& op, const PlanLimits& limits, double now_s);

// Checks a zone: id and owner, volumes valid and not ended, a bound list when it does not bind all
// others, a non-negative notification lead time.
Result<std::vector<CompiledVolume>> CompileZone(const Zone& zone, const PlanLimits& limits, double now_s);

// The same checks for an object that was accepted before (a restore from the store), except every check
// against the present time: a stored object is never re-judged, an ended volume stays what it was.
Result<std::vector<CompiledVolume>> RecompileOperation(const Operation& op, const PlanLimits& limits);
Result<std::vector<CompiledVolume>> RecompileZone(const Zone& zone, const PlanLimits& limits);

}  // namespace deconflict::plan
