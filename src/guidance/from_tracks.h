// Bands inputs from tracks: one BandsInput per ownship and time, in the local east-north-up frame of the ownship
// (geo::LocalFrame: orthographic projection on the WGS84 tangent plane, within 0.1 % of the geodesic to 200 km).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/track.h"
#include "guidance/bands.h"

namespace deconflict::guidance {

// The state of `track` in the frame centred under `frame_origin`. `alerter` is the 1-based alerter index.
AircraftKinematics ToKinematics(const TrackState& track, const TrackState& frame_origin, int alerter);

// Groups `states` by time (states of one time are consecutive, as in .daa files and timelines) and, for each
// time, makes the first state of party `ownship_party` the ownship and every other airborne state of that time
// its traffic (include_same_party: also aircraft of the ownship's own party). Times without such an ownship are
// left out.
std::vector<BandsInput> InputsPerTime(std::span<const TrackState> states, const std::string& ownship_party,
                                      int alerter, bool include_same_party);

}  // namespace deconflict::guidance
