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
#include "plan/validate.h"

namespace deconflict::plan {

// A track conforms to its operation when some volume contains it within these tolerances
// (F3548-21 leaves the conformance bound to the USS; these cover GNSS error and 5 s of clock skew).
struct ConformanceOptions {
  double horizontal_tolerance_m = 15;
  double vertical_tolerance_m = 10;
  double time_tolerance_s = 5;  // F3548-21 TimeSyncMaxDifferentialSeconds
};

struct Conformance {
  bool conforming = false;
  int nearest_volume = -1;        // the volume the track is closest to (time-wise eligible first)
  double horizontal_outside_m = 0;  // distance outside that volume's outline (0 inside)
  double vertical_outside_m = 0;    // distance outside its altitude band (0 inside)
  double time_outside_s = 0;        // time outside its window (0 inside)
  std::string reason;               // empty when conforming
};

Conformance CheckConformance(const TrackState& track, const std::vector<CompiledVolume>& volumes,
                             const ConformanceOptions& options);

// Seconds from track.time_s until the projected track first lies inside `volume` (outline, altitude
// band and time window at once), if that happens within [0, lookahead_s]. 0 when it is inside now.
// The look-ahead distance is capped at 2,000 km (a great-circle arc must stay well below 180 deg).
std::optional<double> TimeToEntry(const TrackState& track, const CompiledVolume& volume, double lookahead_s);

// The projected position after dt seconds (great circle, mean sphere).
S2Point ProjectPosition(const TrackState& track, double dt_s);

}  // namespace deconflict::plan
