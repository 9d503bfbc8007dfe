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

struct ReplaySummary {
  std::size_t aircraft = 0;          // distinct aircraft in the input
  std::size_t airborne_aircraft = 0;  // distinct aircraft present in at least one snapshot
  std::size_t steps = 0;
  std::size_t max_simultaneous = 0;  // largest snapshot
  std::size_t pair_conflicts = 0;    // conflicts summed over steps
  std::size_t alerts = 0;            // alerts begun
  std::size_t caution_alerts = 0;    // alerts whose highest level was caution
  std::size_t warning_alerts = 0;    // alerts whose highest level was warning
  std::size_t los_alerts = 0;        // alerts during which separation was actually lost
  double first_time_s = 0, last_time_s = 0;  // replayed interval
  double detect_ms = 0;  // detection alone, summed over steps
  double replay_ms = 0;  // whole replay (snapshots, detection, alerting, event callbacks)
};

using EventSink = std::function<void(const ReplayEvent&)>;
// fraction in [0, 1] of the replayed interval; called about every 0.5 % of the steps.
using ProgressSink = std::function<void(double fraction)>;

// Errors: kInvalidArgument for step_s <= 0, stale_s <= 0, or end before start.
// An empty input gives an empty summary.
Result<ReplaySummary> Replay(std::vector<TrackState> states, const ReplayOptions& options, const EventSink& on_event,
                             const ProgressSink& on_progress = {});

}  // namespace deconflict::io
