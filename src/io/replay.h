// Replay of recorded traffic: steps through time, builds the snapshot at each step from the latest
// report of each aircraft (io/timeline.h), runs the detector and the alert tracker, and reports alert
// events with what was seen during each alert (highest level, whether separation was actually lost).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "detect/alerting.h"
#include "detect/detector.h"
#include "io/writer.h"

namespace deconflict::io {

struct ReplayOptions {
  double step_s = 1.0;   // time step, > 0
  double stale_s = 30.0;  // aircraft not heard for longer are dropped (> 0; +inf keeps them)
  std::optional<double> start_s;  // default: first report
  std::optional<double> end_s;    // default: last report
  detect::DetectorOptions detector;
  detect::AlertingOptions alerting;
};

// Counts of alert events, by what a person watching the alerts sees (docs/detection.md section 7).
struct AlertCounts {
  std::size_t alerts = 0;         // alerts begun (episodes)
  std::size_t resumes = 0;        // ended alerts of the same pair that alerted again within the episode gap
  std::size_t raises = 0;         // level changes up (caution to warning)
  std::size_t lowers = 0;         // level changes down (warning to caution)
  std::size_t ends = 0;           // ends (an alert that resumes ends more than once)
  std::size_t notices = 0;        // events with notify: a new alert, or an alert reaching a level not told before
  std::size_t level_changes() const { return raises + lowers; }
  std::size_t events() const { return alerts + resumes + raises + lowers + ends; }
  void Add(const detect::AlertEvent& e);
};

struct ReplaySummary {
  std::size_t aircraft = 0;          // distinct aircraft in the input
  std::size_t airborne_aircraft = 0;  // distinct aircraft present in at least one snapshot
  std::size_t steps = 0;
  std::size_t max_simultaneous = 0;  // largest snapshot
  std::size_t pair_conflicts = 0;    // conflicts summed over steps
  std::size_t alerts = 0;            // alerts begun (episodes; = counts.alerts)
  std::size_t caution_alerts = 0;    // alerts whose highest level was caution
  std::size_t warning_alerts = 0;    // alerts whose highest level was warning
  std::size_t los_alerts = 0;        // alerts during which separation was actually lost
  AlertCounts counts;
  double first_time_s = 0, last_time_s = 0;  // replayed interval
  double detect_ms = 0;  // detection alone, summed over steps
  double replay_ms = 0;  // whole replay (snapshots, detection, alerting, event callbacks)
  double hours() const { return (last_time_s - first_time_s) / 3600.0; }
  // n per hour of the replayed interval (n itself when the interval is empty).
  double PerHour(std::size_t n) const { return hours() > 0 ? static_cast<double>(n) / hours() : static_cast<double>(n); }
};

using EventSink = std::function<void(const ReplayEvent&)>;
// fraction in [0, 1] of the replayed interval; called about every 0.5 % of the steps.
using ProgressSink = std::function<void(double fraction)>;

// Errors: kInvalidArgument for step_s <= 0, stale_s <= 0, end before start, or invalid alerting options
// (detect::ValidateAlertingOptions).
// An empty input gives an empty summary.
Result<ReplaySummary> Replay(std::vector<TrackState> states, const ReplayOptions& options, const EventSink& on_event,
                             const ProgressSink& on_progress = {});

}  // namespace deconflict::io
