// Resolution guidance: NASA DAIDALUS kinematic bands for one ownship against its traffic.
//
// For each of four manoeuvre dimensions — track (horizontal direction), ground speed (horizontal speed), vertical
// speed and altitude — the range of values is cut into steps (step_hdir, step_hs, step_vs, step_alt). Step k is
// the manoeuvre that reaches the value own + k·step with the ownship's performance (turn rate, horizontal and
// vertical acceleration, climb rate; instantaneous when 0) and then flies straight. A step is in conflict for an
// alert level when, with that level's detector, the ownship either loses separation during the manoeuvre or its
// straight-line continuation from the end of the manoeuvre violates within the level's time horizon: the
// look-ahead for traffic already in conflict for that level before its alerting time, the alerting time for the
// others ("peripheral" traffic). A value's region is the most severe region (NEAR > MID > FAR) of the levels in
// conflict, NONE otherwise. When every value is in conflict at the corrective region (or a more severe one),
// RECOVERY bands are computed: the earliest time B (to 0.5 s, plus recovery_stability_time) after which some
// values stay clear of the detector over [B, T] while keeping the recovery cylinder (min_horizontal_recovery,
// min_vertical_recovery, shrunk by ca_factor towards the NMAC cylinder when even that is impossible) over [0, B].
//
// Sources: C. Muñoz, A. Narkawicz, G. Hagen, J. Upchurch, A. Dutle, M. Consiglio, J. Chamberlain, "DAIDALUS:
// Detect and Avoid Alerting Logic for Unmanned Systems", DASC 2015; A. Narkawicz, C. Muñoz, A. Dutle, "Sensor
// uncertainty mitigation and dynamic well clear volumes in DAIDALUS", DASC 2018 (recovery bands); A. Narkawicz,
// C. Muñoz, "Formal verification of conflict detection algorithms for arbitrary trajectories" and C. Muñoz,
// A. Narkawicz, J. Chamberlain, "A TCAS-II resolution advisory detection algorithm" for the kinematic band
// discretisation; RTCA DO-365 Appendix G (bands); implicit coordination: A. Narkawicz, C. Muñoz, "Criteria for
// implicitly coordinated conflict resolution", and the ACCoRD repulsive criteria. Read for semantics; no code
// taken. Cross-checked against DAIDALUS v2.0.4 outputs in guidance/gold_test.cc (numbers in docs/detection.md).
//
// Frame: local east-north-up, metres; the ownship's position is anything (only relative positions matter).
// With wind, give the air-relative bands by passing velocities minus the wind (BandsInput::wind_mps does it).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "geo/local_frame.h"
#include "guidance/config.h"

namespace deconflict::guidance {

struct AircraftKinematics {
  std::string id;
  geo::Vec3 s_m;    // east, north, altitude (m)
  geo::Vec3 v_mps;  // east, north, up (m/s), ground-relative
  int alerter = 1;  // 1-based index into BandsConfig::alerters
};

struct BandsInput {
  double time_s = 0;
  AircraftKinematics ownship;
  std::vector<AircraftKinematics> traffic;
  geo::Vec3 wind_mps;  // wind velocity (towards); bands are then in heading/airspeed (air-relative)
};

enum class Dimension { kTrack = 0, kGroundSpeed = 1, kVerticalSpeed = 2, kAltitude = 3 };
inline constexpr int kNumDimensions = 4;
const char* DimensionName(Dimension d);  // "track", "ground_speed", "vertical_speed", "altitude"

struct BandsInterval {
  double lo = 0, hi = 0;  // SI (track in rad, [0, 2π)); lo < hi
  BandsRegion region = BandsRegion::kNone;
};

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct DimensionBands {
  Dimension dimension = Dimension::kTrack;
  double current = 0;  // the ownship's value (SI)
  BandsRegion current_region = BandsRegion::kNone;
  std::vector<BandsInterval> intervals;  // sorted; covers the dimension's range (track: [0, 2π))
  // Nearest value above (up/right) and below (down/left) the current one that is clear at the corrective
  // region; NaN when the current value is clear, ±infinity when there is none in that direction.
  double resolution_up = kNoValue, resolution_down = kNoValue;
  bool preferred_up = false;  // the closer of the two resolutions (DAIDALUS preferred direction, no hysteresis)
  // Recovery information: NaN when no recovery bands were computed, -infinity when recovery is impossible.
  double time_to_recovery_s = kNoValue;
  double recovery_horizontal_m = kNoValue, recovery_vertical_m = kNoValue;
  int recovery_nfactor = 0;  // times the recovery cylinder was shrunk (collision-avoidance bands)
  // Region of a value (SI) from `intervals`; values exactly on an edge take the more severe side.
  BandsRegion RegionOf(double value) const;
};

struct TrafficGuidance {
  std::string id;
  int alert_level = 0;  // highest level whose detector finds a conflict before its alerting time
  double t_in_s = kNoValue;  // time to violation of the corrective level's detector (NaN when none in T)
  // Last time to manoeuvre per dimension (DAIDALUS last_time_to_maneuver): the latest time at which some value of
  // the dimension still avoids the corrective level's violation; NaN without conflict, -infinity when no time is
  // left. Filled by ComputeLastTimesToManeuver().
  double last_time_to_maneuver_s[kNumDimensions] = {kNoValue, kNoValue, kNoValue, kNoValue};
};

struct Bands {
  double time_s = 0;
  std::string ownship_id;
  DimensionBands dims[kNumDimensions];
  std::vector<TrafficGuidance> traffic;  // in input order
  int most_urgent = -1;                  // index into traffic used for implicit coordination, -1 when none
  int epsilon_h = 0, epsilon_v = 0;      // coordination signs with the most urgent aircraft (0: criteria off)
  const DimensionBands& dim(Dimension d) const { return dims[static_cast<int>(d)]; }
};

// Bands for the ownship of `input`. REQUIRES: ValidateConfig(config).ok(); every aircraft's alerter in
// [1, config.alerters.size()]; finite states. Stateless (no hysteresis between calls); safe for concurrent use.
Bands ComputeBands(const BandsConfig& config, const BandsInput& input);

// Fills TrafficGuidance::last_time_to_maneuver_s of `bands` (costlier: a bisection of band computations per
// conflicting aircraft).
void ComputeLastTimesToManeuver(const BandsConfig& config, const BandsInput& input, Bands* bands);

}  // namespace deconflict::guidance
