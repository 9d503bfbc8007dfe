// Alerting on encounters built from real tracks (tests/data/traffic/encounters/make_encounters.py): a loose
// formation with the vertical spacing wandering around 1000 ft, close parallel traffic, and a real crossing.
// Both sides of issue 14: the filtered alerts come once per situation, and never later or lower than the
// detector sees the conflict.
#include <gtest/gtest.h>

#include <map>

#include "detect/alerting.h"
#include "detect/detector.h"
#include "io/reader.h"
#include "io/replay.h"
#include "io/timeline.h"

namespace deconflict::io {
namespace {

using detect::AlertLevel;
using Kind = detect::AlertEvent::Kind;

std::vector<TrackState> Encounter(const char* name) {
  auto r = ReadStates(std::string(DECONFLICT_TEST_DATA "/traffic/encounters/") + name, InputFormat::kAuto);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r->states) : std::vector<TrackState>{};
}

// The replay loop step by step (1 s, aircraft dropped after 30 s without a report, as `deconflict replay`),
// for a file of two aircraft: per step the pair's own level (detect::LevelOf of its conflict, no history)
// and the level of its alert as the events tell it.
struct Step {
  double t = 0;
  AlertLevel raw = AlertLevel::kNone, shown = AlertLevel::kNone;
  bool los = false;
};
struct Trace {
  std::vector<Step> steps;
  std::vector<detect::AlertEvent> events;
  AlertCounts counts;
};

Trace Follow(std::vector<TrackState> states, const detect::AlertingOptions& alerting) {
  Trace tr;
  TimelineOptions tl;
  tl.stale_s = 30;
  Timeline timeline(std::move(states), tl);
  detect::Detector detector{detect::DetectorOptions{}};
  detect::AlertTracker tracker(alerting);
  std::vector<TrackState> snap;
  AlertLevel shown = AlertLevel::kNone;
  for (double t = timeline.first_time_s(); t <= timeline.last_time_s(); t += 1) {
    timeline.SnapshotAt(t, &snap);
    const auto conflicts = detector.Detect(snap);
    Step s;
    s.t = t;
    for (const auto& c : conflicts) {
      s.raw = std::max(s.raw, detect::LevelOf(c, alerting));
      s.los = s.los || c.los;
    }
    for (const auto& e : tracker.Update(t, snap, conflicts)) {
      tr.events.push_back(e);
      tr.counts.Add(e);
      shown = e.level;
    }
    s.shown = shown;
    tr.steps.push_back(s);
  }
  return tr;
}

// No filtering at all: each step's own level (what the detector alone would show).
detect::AlertingOptions Unfiltered() {
  detect::AlertingOptions o;
  o.alerting_m = o.alerting_n = 1;
  o.persistence_s = 0;
  o.episode_gap_s = 0;
  return o;
}

// Safety: at every step the alert is at least at the pair's own level: a loss of separation or a predicted
// one within the warning time is shown as a warning at the very step the detector sees it.
void ExpectNeverLaterOrLower(const Trace& tr) {
  for (const Step& s : tr.steps) {
    ASSERT_GE(s.shown, s.raw) << "at t = " << s.t;
    if (s.los) {
      ASSERT_EQ(s.shown, AlertLevel::kWarning) << "at t = " << s.t;
    }
  }
}

size_t LossSpans(const Trace& tr) {
  size_t spans = 0;
  for (size_t i = 0; i < tr.steps.size(); ++i) spans += tr.steps[i].los && (i == 0 || !tr.steps[i - 1].los);
  return spans;
}

// One situation of two aircraft that lose separation at least `min_losses` times: unfiltered, the detector
// alone alerts at least `min_raw_alerts` times; filtered, it is one alert, told at most twice (its begin, and
// its first warning), that ends and resumes with the conflicts of the 10 s reports under the same id, changes
// level no more often than unfiltered, and is never later or lower than the detector.
void ExpectOneAlertForTheSituation(const char* file, size_t min_losses, size_t min_raw_alerts) {
  const auto states = Encounter(file);
  ASSERT_FALSE(states.empty());
  const Trace raw = Follow(states, Unfiltered());
  const Trace filtered = Follow(states, {});
  EXPECT_GE(LossSpans(raw), min_losses);
  EXPECT_GE(raw.counts.alerts, min_raw_alerts);
  EXPECT_EQ(filtered.counts.alerts, 1u);
  EXPECT_LE(filtered.counts.notices, 2u);
  EXPECT_EQ(filtered.counts.resumes + 1, filtered.counts.ends);
  EXPECT_LE(filtered.counts.level_changes(), raw.counts.level_changes());
  ExpectNeverLaterOrLower(filtered);
  for (const auto& e : filtered.events) EXPECT_EQ(e.alert_id, 1u);
}

TEST(ReplayEncounters, FormationFlightIsOneAlertThatStillWarnsAtEveryLoss) {
  // Separation is really lost several times over the 27 minutes; the detector alone alerts again and again.
  ExpectOneAlertForTheSituation("formation.json.gz", 3, 10);
}

TEST(ReplayEncounters, CloseParallelTrafficIsOneAlertThatStillWarnsAtEveryLoss) {
  ExpectOneAlertForTheSituation("parallel.json.gz", 1, 5);
}

TEST(ReplayEncounters, RealCrossingAlertsExactlyAsEarlyAsTheDetector) {
  const auto states = Encounter("crossing.json.gz");
  ASSERT_FALSE(states.empty());
  const Trace raw = Follow(states, Unfiltered());
  const Trace filtered = Follow(states, {});
  // First step at which the detector alone sees a caution, a warning, a loss.
  auto first = [](const Trace& tr, auto pred) {
    for (const Step& s : tr.steps)
      if (pred(s)) return s.t;
    return -1.0;
  };
  const double caution = first(raw, [](const Step& s) { return s.raw >= AlertLevel::kCaution; });
  const double warning = first(raw, [](const Step& s) { return s.raw == AlertLevel::kWarning; });
  const double loss = first(raw, [](const Step& s) { return s.los; });
  ASSERT_GT(caution, 0);
  ASSERT_GT(warning, caution);
  ASSERT_GT(loss, warning);
  ASSERT_FALSE(filtered.events.empty());
  EXPECT_EQ(filtered.events[0].kind, Kind::kBegin);
  EXPECT_EQ(filtered.events[0].time_s, caution);
  EXPECT_TRUE(filtered.events[0].notify);
  double first_warning = -1;
  for (const auto& e : filtered.events)
    if (e.level == AlertLevel::kWarning) {
      first_warning = e.time_s;
      EXPECT_TRUE(e.notify);
      break;
    }
  EXPECT_EQ(first_warning, warning);
  EXPECT_EQ(first(filtered, [](const Step& s) { return s.shown == AlertLevel::kWarning; }), warning);
  ExpectNeverLaterOrLower(filtered);
  EXPECT_EQ(filtered.counts.alerts, 1u);
}

TEST(ReplayEncounters, ReplaySummaryCountsWhatAPersonSees) {
  std::vector<ReplayEvent> events;
  auto s = Replay(Encounter("formation.json.gz"), ReplayOptions{}, [&](const ReplayEvent& e) { events.push_back(e); });
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  AlertCounts from_events;
  for (const auto& e : events) from_events.Add(e.event);
  EXPECT_EQ(s->counts.alerts, from_events.alerts);
  EXPECT_EQ(s->counts.notices, from_events.notices);
  EXPECT_EQ(s->counts.events(), events.size());
  EXPECT_EQ(s->alerts, 1u);
  EXPECT_EQ(s->los_alerts, 1u);
  EXPECT_TRUE(events.back().los_seen);
  EXPECT_NEAR(s->hours(), 27.0 / 60, 0.02);
  EXPECT_NEAR(s->PerHour(s->counts.alerts), 1 / s->hours(), 1e-9);
}

TEST(ReplayEncounters, InvalidAlertingOptionsAreRefused) {
  ReplayOptions o;
  o.alerting.alerting_m = 0;
  auto s = Replay(Encounter("crossing.json.gz"), o, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("alerting_m"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::io
