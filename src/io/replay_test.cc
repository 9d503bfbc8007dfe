// Replay on synthetic and real traffic. The real-data cases are acceptance criteria of issue 2:
// no loss-of-separation alert on the real Switzerland day (none happened), one when a real track is
// time-shifted into another, none from surface traffic.
#include "io/replay.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/units.h"
#include "io/reader.h"
#include "io/timeline.h"

namespace deconflict::io {
namespace {

TrackState Aircraft(std::string id, double t, double lat, double lon, double trk) {
  TrackState s;
  s.id = std::move(id);
  s.time_s = t;
  s.lat_deg = lat;
  s.lon_deg = lon;
  s.alt_m = 10000;
  s.gs_mps = 200;
  s.trk_deg = trk;
  return s;
}

// The real day, read once for all tests of this file.
const std::vector<TrackState>& RealDay() {
  static const std::vector<TrackState> day = [] {
    auto r = ReadStates(DECONFLICT_TEST_DATA "/traffic/switzerland.json.gz", InputFormat::kAuto);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r->states) : std::vector<TrackState>{};
  }();
  return day;
}

struct Collected {
  ReplaySummary summary;
  std::vector<ReplayEvent> events;
};

Collected ReplayAll(std::vector<TrackState> states, const ReplayOptions& options = {}) {
  Collected c;
  auto s = Replay(std::move(states), options, [&](const ReplayEvent& e) { c.events.push_back(e); });
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (s.ok()) c.summary = *s;
  return c;
}

TEST(Replay, HeadOnPairBeginsWarnsLosesSeparationAndEnds) {
  // Two aircraft 60 km apart head-on at 200 m/s each, reporting every 10 s for 5 minutes.
  std::vector<TrackState> states;
  for (double t = 0; t <= 300; t += 10) {
    TrackState a = Aircraft("A", 0, 47.0, 7.6, 90), b = Aircraft("B", 0, 47.0, 8.4, 270);
    states.push_back(DeadReckon(a, t));
    states.push_back(DeadReckon(b, t));
  }
  Collected c = ReplayAll(states);
  ASSERT_FALSE(c.events.empty());
  EXPECT_EQ(c.events.front().event.kind, detect::AlertEvent::Kind::kBegin);
  EXPECT_EQ(c.events.back().event.kind, detect::AlertEvent::Kind::kEnd);
  EXPECT_TRUE(c.events.back().los_seen);
  EXPECT_EQ(c.events.back().max_level, detect::AlertLevel::kWarning);
  EXPECT_LT(c.events.back().event.min_h_dist_m, 1000);
  EXPECT_EQ(c.summary.alerts, 1u);
  EXPECT_EQ(c.summary.los_alerts, 1u);
  EXPECT_EQ(c.summary.steps, 301u);
  EXPECT_EQ(c.summary.aircraft, 2u);
}

TEST(Replay, RejectsNonPositiveStep) {
  ReplayOptions o;
  o.step_s = 0;
  EXPECT_FALSE(Replay({Aircraft("A", 0, 47, 8, 0)}, o, nullptr).ok());
}

TEST(ReplayRealData, SwitzerlandDayRaisesNoLossOfSeparationWithDefaults) {
  Collected c = ReplayAll(RealDay());
  EXPECT_EQ(c.summary.aircraft, 842u);
  EXPECT_EQ(c.summary.los_alerts, 0u);
  for (const auto& e : c.events) EXPECT_FALSE(e.los_seen) << e.event.id_a << " " << e.event.id_b;
}

TEST(ReplayRealData, WithoutQuantisationToleranceStandardLevelsLookLikeLosses) {
  // The same day with a strict "< 1000 ft": aircraft at 1000 ft spacing report 975 ft and look lost.
  // This is why the tolerance exists (tests/data/README.md: 132 such pairs that day).
  ReplayOptions o;
  o.detector.vertical_tolerance_m = 0;
  o.alerting.episode_gap_s = 0;  // each alert on its own: its minima are those of that alert alone
  Collected c = ReplayAll(RealDay(), o);
  EXPECT_GT(c.summary.los_alerts, 0u);
  for (const auto& e : c.events) {
    // Every such false loss is a pair at least 900 ft apart: the 100 ft tolerance removes all of them.
    if (!e.los_seen || e.event.kind != detect::AlertEvent::Kind::kEnd) continue;
    EXPECT_GT(units::MetersToFeet(e.event.min_v_dist_m), 899.0) << e.event.id_a << " " << e.event.id_b;
  }
}

TEST(ReplayRealData, RealTrackTimeShiftedIntoAnotherRaisesLossOfSeparation) {
  // RYR52TK (4ca33c) and LGL833 (4d00f6) both crossed the same point at FL370 that day, about two
  // hours apart (LGL833 at 1533102890 s, RYR52TK at 1533110070 s, found by searching the day for
  // crossing paths at equal altitude). Shifting LGL833's whole real track by +7180 s makes them meet.
  const std::vector<TrackState>& day = RealDay();
  std::vector<TrackState> pair;
  for (const auto& s : day) {
    if (s.id == "4ca33c") pair.push_back(s);
    if (s.id == "4d00f6") {
      pair.push_back(s);
      pair.back().time_s += 7180;
    }
  }
  ASSERT_GT(pair.size(), 100u);
  Collected c = ReplayAll(pair);
  EXPECT_EQ(c.summary.los_alerts, 1u);
  auto it = std::find_if(c.events.begin(), c.events.end(), [](const ReplayEvent& e) { return e.los_seen; });
  ASSERT_NE(it, c.events.end());
  EXPECT_NEAR(it->event.time_s, 1533110070.0, 300.0);
  // The same two tracks without the shift never meet.
  for (auto& s : pair)
    if (s.id == "4d00f6") s.time_s -= 7180;
  EXPECT_EQ(ReplayAll(pair).summary.alerts, 0u);
}

TEST(ReplayRealData, SurfaceTrafficAtZurichRaisesNoAlert) {
  auto r = ReadStates(DECONFLICT_TEST_DATA "/traffic/zurich_airport.json.gz", InputFormat::kAuto);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Collected c = ReplayAll(std::move(r->states));
  EXPECT_EQ(c.summary.aircraft, 10u);
  EXPECT_EQ(c.summary.alerts, 0u);
}

}  // namespace
}  // namespace deconflict::io
