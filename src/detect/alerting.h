// Alerts over time for a stream of snapshots (replay, service): per pair of aircraft, an alert level from
// the time to loss of separation, filtered with the DAIDALUS M-of-N, hysteresis and persistence logic
// (detect/level_filter.h, raising at once), and grouped into episodes: an alert that ends and the same
// pair alerting again within episode_gap_s is the same alert (same id, level history kept). docs/detection.md
// section 7 explains the rules and their sources.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/track.h"
#include "detect/detector.h"
#include "detect/level_filter.h"

namespace deconflict::detect {

// Alert level of a single conflict, without history: warning when separation is lost or t_in_s <=
// warning_lookahead_s, caution when t_in_s <= caution_lookahead_s, none otherwise.
AlertLevel LevelOf(const Conflict& c, const AlertingOptions& options);

struct LevelChange {
  double time_s = 0;
  AlertLevel level = AlertLevel::kNone;  // kNone: the alert ended at time_s
};

struct AlertEvent {
  // begin: a new alert (episode); level: the level went up or down; end: the level went to none;
  // resume: an alert that had ended alerts again within episode_gap_s (same alert_id).
  enum class Kind { kBegin, kLevelChange, kEnd, kResume };
  Kind kind = Kind::kBegin;
  double time_s = 0;
  std::uint64_t alert_id = 0;  // one per episode, 1, 2, ... in order of begin (per tracker)
  std::string id_a, id_b;      // id_a < id_b (byte order)
  std::string party_a, party_b;
  AlertLevel level = AlertLevel::kNone;           // new level (kNone for kEnd)
  AlertLevel previous_level = AlertLevel::kNone;  // level before the event
  // Someone must be told: the episode begins, or reaches a level above any it has had before (a caution
  // episode that turns into a warning). Lowering, ending and resuming at an already-told level do not.
  bool notify = false;
  // From the latest step in which the pair was in conflict:
  double t_in_s = 0;
  double t_cpa_s = 0;
  double d_cpa_m = 0;
  bool los = false;
  // Minimum horizontal and vertical separation seen (separately) while the episode was open, m.
  double min_h_dist_m = 0;
  double min_v_dist_m = 0;
  double begin_time_s = 0;  // when the episode began
  // The episode's level changes, oldest first, this event's included: the begin, every change, ends
  // (kNone) and resumes. At most kMaxHistory entries: the begin and the latest ones.
  std::vector<LevelChange> history;
  static constexpr std::size_t kMaxHistory = 64;
};
const char* AlertEventKindName(AlertEvent::Kind kind);  // "begin", "level", "end", "resume"

// Not thread-safe. REQUIRES: options valid (ValidateAlertingOptions); time never goes backwards.
class AlertTracker {
 public:
  explicit AlertTracker(AlertingOptions options = {});

  // One time step: `conflicts` are Detect(tracks) (indices into `tracks`). Pairs are matched across steps
  // by their ids. Each pair's raw level (LevelOf; none when the pair is not in `conflicts`) goes through its
  // LevelFilter: a higher level is raised at once (never later than the detector sees it); a lower one is
  // taken only under M of N and after persistence_s. When the level reaches none the alert ends; if the same
  // pair alerts again within episode_gap_s of that end, the alert resumes (same alert_id and history),
  // otherwise a new alert begins. Open pairs not in `conflicts` still update their minimum separation from
  // `tracks` (when both ids are present). Returns the events of this step (begin, level, end, resume),
  // ordered by pair.
  std::vector<AlertEvent> Update(double time_s, std::span<const TrackState> tracks,
                                 const std::vector<Conflict>& conflicts);

  // Ends every open alert at time_s (end of input), forgets every episode, and returns the end events.
  std::vector<AlertEvent> Flush(double time_s);

  std::size_t open_alerts() const;                        // alerts open now
  std::size_t episodes() const { return pairs_.size(); }  // open, or ended less than episode_gap_s ago

 private:
  struct Pair {
    AlertEvent last;  // ids, parties, latest conflict data, minima, level, history
    LevelFilter filter;
    bool open = true;
    double ended_s = 0;
    AlertLevel told = AlertLevel::kNone;  // highest level notified in this episode
  };
  static void Record(const Conflict& c, AlertEvent* e);
  static void Emit(Pair& p, AlertEvent::Kind kind, double time_s, AlertLevel level, std::vector<AlertEvent>* out);

  AlertingOptions options_;
  std::map<std::pair<std::string, std::string>, Pair> pairs_;
  std::uint64_t next_id_ = 1;
};

}  // namespace deconflict::detect
