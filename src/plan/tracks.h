// Tracks against plans: conformance of a track to its operation's volumes, and predicted entry of a
// track into a volume within a look-ahead.
//
// Projection: the track moves along the great circle through its position with its track angle as
// initial bearing, at constant ground speed, and linearly in altitude at its vertical rate, on the
// mean sphere (kMeanEarthRadiusM). This is the straight-line state projection of BlueSky's and
// DAIDALUS's state-based detection, here on the sphere; it is meant to be replaced by the tactical
// engine's projection (src/geo) once that is merged.
#pragma once

#include <optional>

#include "core/track.h"
#include "plan/limits.h"
#include "plan/validate.h"

namespace deconflict::plan {

Conformance CheckConformance(const TrackState& track, const std::vector<CompiledVolume>& volumes,
                             const ConformanceOptions& options);

// Seconds from track.time_s until the projected track first lies inside `volume` (outline, altitude
// band and time window at once), if that happens within [0, lookahead_s]. 0 when it is inside now.
// The look-ahead distance is capped at 2,000 km (a great-circle arc must stay well below 180 deg).
std::optional<double> TimeToEntry(const TrackState& track, const CompiledVolume& volume, double lookahead_s);

// The projected position after dt seconds (great circle, mean sphere).
S2Point ProjectPosition(const TrackState& track, double dt_s);

}  // namespace deconflict::plan
