// Limits and tolerances of strategic deconfliction, in a light header (no s2geometry) so that users
// of plan::Registry do not compile s2's headers.
#pragma once

#include <cstddef>
#include <string>

namespace deconflict::plan {

// Physical bounds of the values in plan objects. Decoding (plan/codec.h) refuses anything outside them with
// the field, the value and the range; validate.h then checks relations (lower <= upper, start < end, ...).
//
// Altitude (W84 ellipsoidal height): the lowest land surface is the Dead Sea shore at about -430 m MSL and the
// geoid lies at most 106 m below the ellipsoid (EGM96 undulation range -106..+85 m), so no aircraft is below
// -1000 m; 30,000 m is above the operating ceiling of every aircraft (the highest-flying jets and balloons
// operate up to about 21-26 km; FL600 = 18.3 km tops ICAO class A airspace) and below space.
inline constexpr double kMinAltitudeM = -1000;
inline constexpr double kMaxAltitudeM = 30000;
// Times: UNIX seconds from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (the last instant an ISO 8601
// four-digit year can write).
inline constexpr double kMinTimeS = 0;
inline constexpr double kMaxTimeS = 253402300799;
// Horizontal lengths: no two points on the earth are further apart than half the WGS 84 equator
// (pi x 6,378,137 m = 20,037,508 m).
inline constexpr double kMaxLengthM = 20037508.3428;
// Durations (time windows, notification lead times): at most one year of 366 days (the planning horizon
// and the longest volume are far shorter; validate.h checks those).
inline constexpr double kMaxDurationS = 366 * 86400.0;
// F3548-21 priorities are integers; |priority| above 10^9 serves no ordering and would overflow int arithmetic.
inline constexpr double kMaxAbsPriority = 1e9;
// Items of one list in a decoded object: volumes (the Registry's index keeps the volume number in 16 bits),
// polygon vertices, bound parties, escalation steps.
inline constexpr size_t kMaxDecodedVolumes = 65535;
inline constexpr size_t kMaxDecodedVertices = 100000;
inline constexpr size_t kMaxBoundParties = 1000;
inline constexpr size_t kMaxEscalationSteps = 16;
inline constexpr size_t kMaxEscalationActionBytes = 64;

// Ranges of agreement terms (the API and plan files alike).
inline constexpr double kMaxSeparationHorizontalM = 1e6;  // 1,000 km: beyond any radar separation minimum
inline constexpr double kMaxSeparationVerticalM = 1e5;
inline constexpr double kMaxLookaheadS = 3600;            // detection look-ahead: one hour
inline constexpr double kMaxAckDeadlineS = 7 * 86400.0;   // an acknowledgement within a week

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
