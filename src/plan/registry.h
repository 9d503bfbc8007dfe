// The strategic deconfliction engine: an in-memory registry of operations, zones and agreements with
// version tokens, answering checks before flight and checks of live tracks against plans.
//
// Rules (ASTM F3548-21 §4.4 priority semantics, extended with zones and agreements):
//  - An operation is checked against other parties' operations (not its owner's own) that are not
//    ended: volumes conflict when their outlines come within the pair's horizontal buffer, their
//    altitude bands within the vertical buffer, and their time windows overlap (closed intervals:
//    touching counts). The buffers are those of the agreement in force between the two parties.
//  - Accepted or activated operations: a conflict with a higher-priority operation refuses the plan;
//    with an equal-priority one it refuses unless the agreement permits equal-priority conflicts;
//    with a lower-priority one it is reported (the other party must re-plan) but does not refuse.
//    Exception (F3548-21: modifying an Activated intent with a pre-existing conflict): an activated
//    operation that stays activated may change as long as it adds no conflict with an operation or
//    zone it did not already conflict with.
//  - A zone that binds the owner refuses the plan wherever a volume meets it, except before
//    notified_at + notification lead time, where the conflict is advisory.
//  - Nonconforming, contingent and ended operations are never refused: they report reality.
//  - Need-to-know: a Conflict names the other object, its owner and priority, and only the overlap
//    (time window and altitude band common to both); never the other's volumes.
//
// Thread safety: not synchronised. Const methods may run concurrently with each other; the service
// wraps writes in its own lock.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "plan/agreement.h"
#include "plan/limits.h"
#include "plan/model.h"

namespace deconflict::plan {

struct RegistryOptions {
  PlanLimits limits;
  AgreementTerms default_terms;  // terms between parties without an agreement in force
  ConformanceOptions conformance;
};

struct Interval {
  double lo = 0, hi = 0;
};

enum class ConflictKind { kOperation, kZone };

struct Conflict {
  ConflictKind kind = ConflictKind::kOperation;
  int volume = 0;            // index of the checked object's volume
  std::string other_id;      // the other operation or zone
  PartyId other_party;
  int other_volume = 0;
  int other_priority = 0;                             // operations
  OperationState other_state = OperationState::kAccepted;  // operations
  ZoneKind zone_kind = ZoneKind::kRestricted;         // zones
  Interval time;             // common time window (UNIX s)
  Interval altitude;         // common altitude band (m); lo > hi: only within the vertical buffer (the gap)
  bool horizontal_overlap = false;  // outlines overlap; false: only within the horizontal buffer
  bool blocking = false;     // this conflict refuses the plan
  std::string rule;          // why it blocks or not, e.g. "higher-priority", "lower-priority", "zone"
};

struct Decision {
  bool accepted = false;
  std::string reason;  // empty when accepted
  std::vector<Conflict> conflicts;
  Version version = 0;  // the version stored (Put) or that would be stored (Check)
};

// Affected operations when a zone is written: the conflicts as seen by each operation's owner.
struct ZoneDecision {
  Version version = 0;
  std::vector<std::pair<std::string, Conflict>> affected;  // (operation id, conflict with the zone)
};

struct ZoneEntry {
  std::string zone_id;
  PartyId zone_owner;
  ZoneKind kind = ZoneKind::kRestricted;
  int volume = 0;
  double time_to_entry_s = 0;  // 0: inside now
};

class Registry {
 public:
  explicit Registry(RegistryOptions options = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // What PutOperation would decide, without storing. Errors: kInvalidArgument (names the field).
  Result<Decision> CheckOperation(const Operation& op, double now_s) const;
  // The limits every write is validated against (validate.h), for callers that check before they store.
  const PlanLimits& limits() const;

  // Creates (expected_version 0) or replaces (expected_version = the current version) an operation
  // and stores it when accepted. A refused plan is an OK result with accepted = false; nothing stored.
  // Errors: kInvalidArgument; kConflict when expected_version is stale; kPermissionDenied when the
  // operation belongs to another party. State ended removes it from the active set.
  Result<Decision> PutOperation(const Operation& op, Version expected_version, double now_s);
  Status RemoveOperation(const std::string& id, const PartyId& by, Version expected_version);
  std::optional<Operation> GetOperation(const std::string& id) const;

  // Restores an operation or zone exactly as it was stored (version, state, notified_at as given), without
  // judging it: no conflict check, no check against the present time, no version guard. Loading a store uses
  // this, never Put*, so that nothing acknowledged is dropped because of what was acknowledged after it (a
  // higher-priority operation, a zone that binds it); such conflicts stand as they did before the restart
  // and later writes are checked against the restored object as against any other. Replaces an object of
  // the same id. Errors: kInvalidArgument when the stored object does not compile (its geometry or ids).
  Status RestoreOperation(const Operation& op);
  Status RestoreZone(const Zone& zone);

  Result<ZoneDecision> PutZone(const Zone& zone, Version expected_version, double now_s);
  Status RemoveZone(const std::string& id, const PartyId& by, Version expected_version);
  std::optional<Zone> GetZone(const std::string& id) const;

  // The horizontal overlap of `op`'s volume and the other object's volume named by `c` (need-to-know:
  // only the intersection is disclosed). Empty when they only come within the buffer or are gone.
  std::vector<std::vector<LatLng>> OverlapOutline(const Operation& op, const Conflict& c) const;

  AgreementBook& agreements() { return agreements_; }
  const AgreementBook& agreements() const { return agreements_; }

  // Conformance of a live track to the operation it flies (kNotFound for an unknown operation).
  Result<Conformance> CheckConformance(const TrackState& track, const std::string& operation_id) const;
  // Zones binding the track's party that the projected track enters within the look-ahead of the
  // agreement between the track's party and the zone owner; soonest first.
  std::vector<ZoneEntry> PredictZoneEntries(const TrackState& track) const;

  // Drops operations and zones whose every volume ended before now_s. Returns how many.
  size_t Expire(double now_s);

  struct Stats {
    size_t operations = 0, zones = 0, volumes = 0;
    size_t index_bytes = 0;     // spatio-temporal index (both kinds)
    size_t geometry_bytes = 0;  // compiled outlines used by the exact test
  };
  Stats GetStats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  AgreementBook agreements_;
};

}  // namespace deconflict::plan
