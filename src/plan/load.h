// Loading plans from files: deconflict's own YAML/JSON plan format, GeoJSON FeatureCollections, and
// the ASTM F3548 conformance-suite flight intents (see f3548.h). Units are converted here, at the edge.
//
// Plan format (YAML or JSON; see examples/plans/ and docs/planning.md):
//   now: 2026-01-01T10:00:00Z          # optional evaluation time
//   agreements:
//     - parties: [blue, red]
//       buffer_horizontal: 50m          # lengths: number = metres, or "<n><unit>" (m, km, ft, nm, mi)
//       buffer_vertical: 100ft
//       equal_priority_conflicts: false
//       track_horizontal: 5nm
//       track_vertical: 1000ft
//       track_lookahead: 5min           # durations: number = seconds, or "<n><unit>" (s, ms, min, h)
//       ack_deadline: 2min
//       escalation: [{after: 2min, action: repeat}]
//   zones:
//     - {id, owner, kind: protected-site, binds: all | [party, ...], notification_lead: 24h,
//        notified_at: 2026-02-20T00:00:00Z, volumes: [...]}
//   operations:
//     - {id, owner, priority: 0, state: accepted, volumes: [...]}
// A volume: outline_polygon: [[lat, lng], ...] (or {vertices: [{lat, lng}, ...]}), or
// outline_circle: {center: {lat, lng}, radius: 500m}; altitude_lower / altitude_upper (a length, or
// F3548 {value, units: M|FT, reference: W84}); time_start / time_end (ISO 8601 UTC, or UNIX seconds),
// or time_start + duration.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "plan/model.h"

namespace deconflict::plan {

struct AgreementSpec {
  PartyId party_a, party_b;
  AgreementTerms terms;
};

struct PlanDocument {
  std::optional<double> now_s;
  std::vector<AgreementSpec> agreements;
  std::vector<Zone> zones;
  std::vector<Operation> operations;
};

// Parses text in the plan format, or a GeoJSON FeatureCollection (detected by "type"). `source`
// names the input in messages: "plans.yaml:12: operations[0].volumes[0].altitude_lower: ...".
Result<PlanDocument> ParsePlanText(std::string_view text, std::string_view source);
Result<PlanDocument> LoadPlanFile(const std::string& path);

// ISO 8601 UTC date-time ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.5+02:00") -> UNIX seconds.
Result<double> ParseIsoTime(std::string_view text);
std::string FormatIsoTime(double unix_s);
// F3548 / pytimeparse-style signed durations: "-1s", "45m" (minutes), "1h30m", "32d", "250ms".
Result<double> ParseDuration(std::string_view text);

}  // namespace deconflict::plan
