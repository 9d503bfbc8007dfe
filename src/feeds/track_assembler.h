// Track assembly: SBS messages of one feed, merged per ICAO address into TrackState updates.
//
// An aircraft becomes a usable track once it has a position (MSG,2/3), a velocity (MSG,2/4: ground speed
// and track) and, unless on the ground, an altitude. Callsign, squawk and flags may come from any message
// type that carries them (dump1090-mutability puts callsigns in MSG,5 too). An update's time is the time
// of its position fix, so that a consumer extrapolating with the velocity lands in the right place.
//
// Emergency squawks 7500 (unlawful interference), 7600 (radio failure), 7700 (emergency), ICAO Annex 10
// Vol IV §2.1.4.2, and the SBS emergency flag raise a DistressEvent when an aircraft enters distress,
// changes distress kind, or leaves distress (active = false).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/track.h"
#include "feeds/sbs.h"

namespace deconflict::feeds {

// Maps ICAO 24-bit addresses to parties.
using PartyTable = std::unordered_map<uint32_t, std::string>;

enum class DistressKind : uint8_t {
  kNone = 0,
  kUnlawfulInterference,  // squawk 7500
  kRadioFailure,          // squawk 7600
  kEmergency,             // squawk 7700
  kEmergencyFlag,         // SBS emergency flag without one of the codes above
};

// "unlawful_interference", "radio_failure", "emergency", "emergency_flag", "none".
const char* DistressKindName(DistressKind kind);

// The distress kind of a squawk code (as its 4 octal digits read in decimal, e.g. 7700), kNone otherwise.
DistressKind DistressKindOfSquawk(uint16_t squawk);

struct DistressEvent {
  std::string id;        // ICAO address, lower-case hex ("48520a")
  std::string party;     // owning party (from the feed or its table); empty = its own party
  std::string callsign;  // may be empty
  DistressKind kind = DistressKind::kNone;  // the new kind; kNone when active == false
  DistressKind previous = DistressKind::kNone;
  bool active = true;    // false: the aircraft left distress (squawk changed and flag cleared)
  uint16_t squawk = 0;   // last squawk, 0 when unknown
  double time_s = 0;     // time of the message that changed the state
  bool has_track = false;  // `track` holds the last usable state
  TrackState track;
};

struct AssemblerOptions {
  std::string party;                         // party of every aircraft not in `table`; default "" (own party)
  std::shared_ptr<const PartyTable> table;   // optional ICAO -> party table, consulted first
  double stale_after_s = 60;                 // a track without a position for this long expires;
                                             // an aircraft without any message for this long is forgotten
  bool emit_on_velocity = true;              // also emit an update when only the velocity changed
};

struct AssemblerCallbacks {
  std::function<void(const TrackState&)> on_track;          // a usable track changed
  std::function<void(const DistressEvent&)> on_distress;    // distress entered, changed or left
  std::function<void(const TrackState&)> on_expired;        // a usable track went stale (its last state)
};

// What is known about one aircraft, usable or not (for status pages and tests).
struct AircraftInfo {
  std::string id;
  std::string party;
  std::string callsign;
  bool has_position = false;
  bool has_velocity = false;
  bool has_altitude = false;
  bool usable = false;
  uint16_t squawk = 0;   // 0 when unknown
  bool has_squawk = false;
  DistressKind distress = DistressKind::kNone;
  uint64_t messages = 0;
  double last_message_s = 0;
  TrackState state;      // the latest values (meaningful per the has_* flags)
};

// Not safe for concurrent use. Callbacks run inside Apply/ExpireStale and must not call back into the
// same assembler.
class TrackAssembler {
 public:
  explicit TrackAssembler(AssemblerOptions options = {}, AssemblerCallbacks callbacks = {});
  ~TrackAssembler();
  TrackAssembler(TrackAssembler&&) noexcept;
  TrackAssembler& operator=(TrackAssembler&&) noexcept;

  // Applies one parsed message. Returns true when it produced a track update (on_track was called).
  bool Apply(const SbsMessage& message);

  // Ends the track of `address` now (CAT062 I062/080 TSE: the tracker's last message for it): on_expired gets
  // its last state when it was usable, and the aircraft is forgotten (a distress stays declared, as for an
  // aircraft that goes silent). Returns true when the address was known.
  bool End(uint32_t address);

  // Expires usable tracks whose position is older than stale_after_s at `now_s` (on_expired is called)
  // and forgets aircraft with no message for stale_after_s. Returns the number of tracks expired.
  size_t ExpireStale(double now_s);

  size_t aircraft_count() const;
  size_t usable_count() const;
  uint64_t updates_emitted() const { return updates_emitted_; }
  uint64_t distress_events() const { return distress_events_; }

  // Everything known, sorted by id.
  std::vector<AircraftInfo> Snapshot() const;

  const AssemblerOptions& options() const { return options_; }

 private:
  struct Aircraft;
  Aircraft& Find(uint32_t address);

  AssemblerOptions options_;
  AssemblerCallbacks callbacks_;
  std::unordered_map<uint32_t, std::unique_ptr<Aircraft>> aircraft_;
  uint64_t updates_emitted_ = 0;
  uint64_t distress_events_ = 0;
};

}  // namespace deconflict::feeds
