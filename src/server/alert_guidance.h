// Resolution guidance in the alert objects of the API and the stream: NASA DAIDALUS kinematic bands
// (src/guidance) for one party's own aircraft of a separation alert against the other aircraft of that alert.
// Plain inputs and outputs (no service state), so that the handlers and a later application layer can call it.
//
// Need-to-know: the guidance is computed from the two states the alert view already shows its receiver (its own
// aircraft and the intruder's present state) and the minima the alert used; it is in the receiver's view only.
// Coordination: with `coordination` on, DAIDALUS implicit coordination (conflict_crit, recovery_crit: Narkawicz,
// Muñoz, "Criteria for implicitly coordinated conflict resolution") gives the two parties' guidance opposite
// senses (ε_h equal for both, ε_v opposite), so that two crews that cannot talk are not both told to turn or
// climb into each other.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "core/track.h"
#include "detect/detector.h"
#include "detect/level_filter.h"
#include "guidance/config.h"

namespace deconflict::server {

// The `guidance:` section of the serve configuration (docs/service.md).
struct GuidanceOptions {
  bool enabled = false;
  std::string conf_path;  // DAIDALUS v2 .conf file; empty: guidance::Do365Config() (DO-365B, no SUM)
  // true: the alert's minima (cylinder D, H less the vertical tolerance, look-ahead) and levels (caution: MID
  // before caution_lookahead, warning: NEAR before warning_lookahead) replace the configuration's alerters, so
  // that the bands say how to resolve the very conflict the alert is about; false: the configuration's first
  // alerter as it is.
  bool alert_minima = true;
  bool coordination = true;           // DAIDALUS implicit coordination (conflict_crit and recovery_crit)
  bool last_time_to_maneuver = true;  // per dimension (a bisection of band computations: the costlier part)
  // CPU time the detection cycle may spend on guidance (about 1 ms per aircraft, bench/guidance_bench.cc): the
  // changed alerts are served most urgent first (warning, then earliest loss); those past the budget carry no
  // guidance until their next change (metric dc_guidance_skipped_total). In (0, 60 s].
  double cycle_budget_s = 0.3;
  guidance::BandsConfig bands = guidance::Do365Config();  // read from conf_path by LoadGuidanceConf
};

// Reads options->conf_path (when set) into options->bands. Errors name the file, the line and the key.
Status LoadGuidanceConf(GuidanceOptions* options);

// The minima an alert between two parties used: their agreement's (detector.party_minima), else the defaults.
struct AlertMinima {
  detect::SeparationMinima minima;
  double vertical_tolerance_m = 0;
  bool agreed = false;
};
AlertMinima MinimaOfAlert(const detect::DetectorOptions& detector, const std::string& party_a,
                          const std::string& party_b);

// The bands configuration for an alert with these minima (GuidanceOptions::alert_minima above).
guidance::BandsConfig AlertBandsConfig(const GuidanceOptions& options, const AlertMinima& minima,
                                       const detect::AlertingOptions& alerting);

// The guidance object of the API (api/openapi.yaml AlertGuidance) for `own` against `other` (both with their
// party's own ids, states of one time) with the bands configuration AlertBandsConfig(options, minima, alerting),
// or an error when that configuration is invalid.
Result<nlohmann::json> OwnAircraftGuidance(const GuidanceOptions& options, const AlertMinima& minima,
                                           const detect::AlertingOptions& alerting, const TrackState& own,
                                           const TrackState& other);

}  // namespace deconflict::server
