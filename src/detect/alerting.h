// Alerts over time for a stream of snapshots (replay, service): alert levels by time to loss, with
// hysteresis and persistence so that an alert does not flicker on and off (DAIDALUS alerting:
// "hysteresis time" and "persistence time", Muñoz et al., DAIDALUS v2 user guide).
#pragma once

#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/track.h"
#include "detect/detector.h"

namespace deconflict::detect {

enum class AlertLevel { kNone = 0, kCaution = 1, kWarning = 2 };
const char* AlertLevelName(AlertLevel level);  // "none", "caution", "warning"

struct AlertingOptions {
  // A conflict is at a level when its t_in_s <= that level's look-ahead (los counts as t_in = 0).
  // The detector's look-ahead should be >= caution_lookahead_s.
  double caution_lookahead_s = 300;
  double warning_lookahead_s = 60;
  // A lower level (or no conflict) must be seen continuously this long before the alert steps down
  // or ends. Raising is immediate.
  double hysteresis_s = 5;
  // An alert level, once raised, is held at least this long.
  double persistence_s = 10;
};

struct AlertEvent {
  enum class Kind { kBegin, kLevelChange, kEnd };
  Kind kind = Kind::kBegin;
  double time_s = 0;
  std::string id_a, id_b;  // id_a < id_b (byte order)
  std::string party_a, party_b;
  AlertLevel level = AlertLevel::kNone;           // new level (kNone for kEnd)
  AlertLevel previous_level = AlertLevel::kNone;  // level before the event
  // From the latest step in which the pair was in conflict:
  double t_in_s = 0;
  double t_cpa_s = 0;
  double d_cpa_m = 0;
  bool los = false;
  // Minimum horizontal and vertical separation seen (separately) while the alert was open, m.
  double min_h_dist_m = 0;
  double min_v_dist_m = 0;
  double begin_time_s = 0;  // when the alert began
};
const char* AlertEventKindName(AlertEvent::Kind kind);  // "begin", "level", "end"

// Not thread-safe. Time must not go backwards between calls.
class AlertTracker {
 public:
  explicit AlertTracker(AlertingOptions options = {});

  // One time step: `conflicts` are Detect(tracks) (indices into `tracks`). Pairs are matched across
  // steps by their ids. A conflict's level: warning when los or t_in <= warning look-ahead, caution
  // when t_in <= caution look-ahead, else none. A higher level is raised at once; a lower one (or
  // none: the conflict is gone) replaces it only after it has been seen for hysteresis_s and the
  // current level has been held for persistence_s; the alert then steps down to the highest level
  // seen during that time, or ends. Open pairs not in `conflicts` still update their minimum
  // separation from `tracks` (when both ids are present). Returns the events of this step (begin,
  // level change, end), ordered by pair. REQUIRES: time_s not before the previous call.
  std::vector<AlertEvent> Update(double time_s, std::span<const TrackState> tracks,
                                 const std::vector<Conflict>& conflicts);

  // Ends every open alert at time_s (end of input) and returns the end events.
  std::vector<AlertEvent> Flush(double time_s);

  size_t open_alerts() const { return open_.size(); }

 private:
  AlertLevel LevelOf(const Conflict& c) const;
  static void Record(const Conflict& c, AlertEvent* e);

  struct Open {
    AlertEvent last;          // ids, parties, latest conflict data, minima, level
    double level_since_s = 0;   // when the current level was raised
    double lower_since_s = -1;  // when a lower level was first seen continuously; < 0 = not lower
    AlertLevel lower_level = AlertLevel::kNone;  // the highest level seen since lower_since_s
  };
  AlertingOptions options_;
  std::map<std::pair<std::string, std::string>, Open> open_;
};

}  // namespace deconflict::detect
