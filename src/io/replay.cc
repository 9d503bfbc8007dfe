#include "io/replay.h"

#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "io/timeline.h"

namespace deconflict::io {

namespace {
using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
std::pair<std::string, std::string> PairKey(const std::string& a, const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}
}  // namespace

void AlertCounts::Add(const detect::AlertEvent& e) {
  using Kind = detect::AlertEvent::Kind;
  alerts += e.kind == Kind::kBegin;
  resumes += e.kind == Kind::kResume;
  ends += e.kind == Kind::kEnd;
  if (e.kind == Kind::kLevelChange) ++(e.level > e.previous_level ? raises : lowers);
  notices += e.notify;
}

Result<ReplaySummary> Replay(std::vector<TrackState> states, const ReplayOptions& options, const EventSink& on_event,
                             const ProgressSink& on_progress) {
  if (!(options.step_s > 0) || !std::isfinite(options.step_s))
    return Status::Invalid("replay step must be a positive number of seconds");
  if (!(options.stale_s > 0)) return Status::Invalid("replay stale time must be positive");
  if (Status s = detect::ValidateAlertingOptions(options.alerting); !s.ok()) return s;
  const auto t_start = Clock::now();
  ReplaySummary summary;
  TimelineOptions tl_options;
  tl_options.stale_s = options.stale_s;
  Timeline timeline(std::move(states), tl_options);
  if (timeline.empty()) return summary;
  summary.aircraft = timeline.aircraft();
  const double t0 = options.start_s.value_or(timeline.first_time_s());
  const double t1 = options.end_s.value_or(timeline.last_time_s());
  if (t1 < t0) return Status::Invalid("replay end time is before its start time");
  summary.first_time_s = t0;
  summary.last_time_s = t1;

  detect::Detector detector(options.detector);
  detect::AlertTracker tracker(options.alerting);
  struct Seen {
    detect::AlertLevel max_level = detect::AlertLevel::kNone;
    bool los = false;
  };
  std::map<std::uint64_t, Seen> episodes;                                  // by alert id, whole replay
  std::map<std::pair<std::string, std::string>, std::uint64_t> episode_of;  // pair -> its latest alert id
  std::unordered_set<std::string> airborne;

  auto handle = [&](const detect::AlertEvent& e) {
    Seen& seen = episodes[e.alert_id];
    summary.counts.Add(e);
    if (e.kind == detect::AlertEvent::Kind::kBegin) episode_of[PairKey(e.id_a, e.id_b)] = e.alert_id;
    if (e.level > seen.max_level) seen.max_level = e.level;
    seen.los = seen.los || e.los;
    if (on_event) on_event(ReplayEvent{e, seen.max_level, seen.los});
  };

  const std::size_t total_steps = static_cast<std::size_t>(std::floor((t1 - t0) / options.step_s)) + 1;
  const std::size_t progress_every = std::max<std::size_t>(1, total_steps / 200);
  std::vector<TrackState> snapshot;
  detect::DetectStats stats;
  double t = t0;
  for (std::size_t step = 0; step < total_steps; ++step) {
    t = t0 + static_cast<double>(step) * options.step_s;
    timeline.SnapshotAt(t, &snapshot);
    summary.max_simultaneous = std::max(summary.max_simultaneous, snapshot.size());
    for (const auto& s : snapshot) airborne.insert(s.id);
    std::vector<detect::Conflict> conflicts = detector.Detect(snapshot, &stats);
    summary.detect_ms += stats.detect_ms;
    summary.pair_conflicts += conflicts.size();
    for (const auto& e : tracker.Update(t, snapshot, conflicts)) handle(e);
    // Actual losses of separation at steps without an event of the pair (a loss always has an open alert).
    for (const auto& c : conflicts)
      if (c.los)
        if (auto it = episode_of.find(PairKey(snapshot[c.a].id, snapshot[c.b].id)); it != episode_of.end())
          episodes[it->second].los = true;
    if (on_progress && step % progress_every == 0) on_progress(static_cast<double>(step) / total_steps);
    ++summary.steps;
  }
  for (const auto& e : tracker.Flush(t)) handle(e);
  summary.alerts = summary.counts.alerts;
  for (const auto& [id, seen] : episodes) {
    summary.caution_alerts += seen.max_level == detect::AlertLevel::kCaution;
    summary.warning_alerts += seen.max_level == detect::AlertLevel::kWarning;
    summary.los_alerts += seen.los;
  }
  summary.airborne_aircraft = airborne.size();
  if (on_progress) on_progress(1.0);
  summary.replay_ms = MsSince(t_start);
  return summary;
}

}  // namespace deconflict::io
