// Plain data of strategic deconfliction: operations, zones and agreements between parties.
// SI units throughout: metres (altitude: W84 ellipsoidal height, ASTM F3548-21 `W84` reference),
// seconds since the UNIX epoch (UTC) for times, degrees for latitude/longitude.
// Units other than these are converted at the edges (loaders), never here.
//
// Shapes follow the ASTM F3548-21 Volume4D: one outline (polygon or circle), an altitude band
// and a time window. Nothing in this header depends on s2geometry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace deconflict::plan {

using PartyId = std::string;

// Optimistic-concurrency token. 0 means "the object does not exist yet": a create names 0,
// a change names the version it replaces (ASTM F3548-21 uses an opaque OVN for the same purpose).
using Version = std::uint64_t;

struct LatLng {
  double lat_deg = 0;  // [-90, 90]
  double lng_deg = 0;  // [-180, 180]

  bool operator==(const LatLng&) const = default;
};

struct Circle {
  LatLng center;
  double radius_m = 0;  // > 0, along the surface

  bool operator==(const Circle&) const = default;
};

// One 4-D volume. Exactly one of outline_polygon (>= 3 distinct vertices, any orientation, the first
// vertex may be repeated at the end) or outline_circle is set.
struct Volume4D {
  std::vector<LatLng> outline_polygon;
  std::optional<Circle> outline_circle;
  double altitude_lower_m = 0;  // W84, <= altitude_upper_m
  double altitude_upper_m = 0;
  double time_start_s = 0;  // UNIX seconds, < time_end_s
  double time_end_s = 0;

  bool operator==(const Volume4D&) const = default;
};

// F3548-21 operational intent states (Accepted = planned, Activated = in use; Ended = gone).
enum class OperationState { kAccepted, kActivated, kNonconforming, kContingent, kEnded };

struct Operation {
  std::string id;
  PartyId owner;
  int priority = 0;  // higher number = higher priority (F3548-21 semantics)
  OperationState state = OperationState::kAccepted;
  Version version = 0;  // set by the Registry; ignored on input
  std::vector<Volume4D> volumes;

  bool operator==(const Operation&) const = default;
};

enum class ZoneKind { kProtectedSite, kRestricted, kTruce, kDistressExclusion };

struct Zone {
  std::string id;
  PartyId owner;
  ZoneKind kind = ZoneKind::kRestricted;
  std::vector<Volume4D> volumes;
  bool binds_all_others = true;   // binds every party except the owner
  std::vector<PartyId> binds;     // used when !binds_all_others: the parties it binds
  // Humanitarian notification: the zone binds only from `notified_at + lead`. Conflicts earlier
  // than that are reported as advisory (the notice came too late to be binding). Unset = binds at once.
  std::optional<double> notification_lead_s;
  // When the zone was notified (UNIX s). 0: at the time of the write. A time after the write is
  // refused; an earlier one (a notice already on record) is kept. The service sets it from the record.
  double notified_at_s = 0;
  Version version = 0;

  bool Binds(const PartyId& party) const;
  bool operator==(const Zone&) const = default;
};

// One step of the escalation ladder used by the channel when a notice stays unacknowledged.
struct EscalationStep {
  double after_s = 0;  // seconds after the notice was sent
  std::string action;  // e.g. "repeat", "call-liaison", "hotline"
};

// The terms two parties agreed on. Defaults are the terms used when no version is in force.
struct AgreementTerms {
  double track_horizontal_m = 9260;    // D: 5 NM (ICAO en-route radar separation)
  double track_vertical_m = 304.8;     // H: 1000 ft
  double track_lookahead_s = 300;      // 5 min
  double buffer_horizontal_m = 0;      // added between the two parties' operation volumes
  double buffer_vertical_m = 0;
  bool equal_priority_conflicts_allowed = false;  // F3548 default: refused where not permitted
  double ack_deadline_s = 120;
  std::vector<EscalationStep> escalation = {{120, "repeat"}, {300, "call-liaison"}};

  bool operator==(const AgreementTerms&) const = default;
};
bool operator==(const EscalationStep& a, const EscalationStep& b);

// One proposed version of an agreement. In force when both parties accepted it.
struct AgreementVersion {
  Version number = 0;  // 1, 2, ...
  AgreementTerms terms;
  PartyId proposed_by;
  std::vector<PartyId> accepted_by;  // the proposer accepts its own proposal
};

// The agreement between two parties: every version ever proposed, and which one is in force.
struct Agreement {
  PartyId party_a;  // party_a < party_b
  PartyId party_b;
  std::vector<AgreementVersion> versions;
  Version in_force = 0;  // 0: none, the default terms apply
};

// Names at the edges (files, API). Parse* accept exactly these names (case-insensitive, '_' = '-').
const char* OperationStateName(OperationState s);  // "accepted", "activated", ...
const char* ZoneKindName(ZoneKind k);              // "protected-site", "restricted", "truce", "distress-exclusion"
Result<OperationState> ParseOperationState(std::string_view text);
Result<ZoneKind> ParseZoneKind(std::string_view text);

}  // namespace deconflict::plan
