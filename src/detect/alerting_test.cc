// Alert levels, hysteresis and persistence over time steps.
#include "detect/alerting.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace deconflict::detect {
namespace {

using Kind = AlertEvent::Kind;

std::vector<TrackState> Tracks() {
  std::vector<TrackState> t(3);
  t[0].id = "bb";
  t[0].party = "blue";
  t[1].id = "aa";
  t[1].party = "red";
  t[2].id = "cc";
  t[2].party = "green";
  for (auto& x : t) {
    x.lat_deg = 47;
    x.lon_deg = 8;
    x.alt_m = 10000;
  }
  t[1].lon_deg = 8.1;  // ~7.6 km east of the others
  return t;
}

// No M-of-N window (1 of 1): persistence alone decides when a level is lowered.
AlertingOptions WindowOff(double persistence_s) {
  AlertingOptions o;
  o.alerting_m = o.alerting_n = 1;
  o.persistence_s = persistence_s;
  return o;
}

Conflict Make(uint32_t a, uint32_t b, double t_in, double h, double v, bool los = false) {
  Conflict c;
  c.a = a;
  c.b = b;
  c.t_in_s = t_in;
  c.t_cpa_s = t_in + 20;
  c.los = los;
  c.h_dist_m = h;
  c.v_dist_m = v;
  return c;
}

TEST(AlertTrackerTest, BeginsAtCautionRaisesToWarningAndEndsAfterPersistence) {
  AlertTracker tr;  // DO_365B_no_SUM: 2 of 4, persistence 4 s
  const auto t = Tracks();
  auto e = tr.Update(0, t, {Make(0, 1, 200, 30000, 100)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kBegin);
  EXPECT_EQ(e[0].level, AlertLevel::kCaution);
  EXPECT_EQ(e[0].id_a, "aa");  // ids ordered, parties follow them
  EXPECT_EQ(e[0].party_a, "red");
  EXPECT_EQ(e[0].id_b, "bb");
  EXPECT_EQ(e[0].party_b, "blue");
  EXPECT_EQ(e[0].t_in_s, 200);
  EXPECT_EQ(e[0].alert_id, 1u);
  EXPECT_TRUE(e[0].notify);
  EXPECT_TRUE(tr.Update(1, t, {Make(0, 1, 199, 29000, 100)}).empty());
  e = tr.Update(2, t, {Make(0, 1, 50, 20000, 100)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kLevelChange);
  EXPECT_EQ(e[0].previous_level, AlertLevel::kCaution);
  EXPECT_EQ(e[0].level, AlertLevel::kWarning);
  EXPECT_TRUE(e[0].notify);  // a level not told before
  // Conflict gone from t = 3: M of N would lower it at t = 5, persistence holds the warning to t = 2 + 4.
  EXPECT_TRUE(tr.Update(3, t, {}).empty());
  EXPECT_TRUE(tr.Update(4, t, {}).empty());
  EXPECT_TRUE(tr.Update(5, t, {}).empty());
  e = tr.Update(6, t, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kEnd);
  EXPECT_EQ(e[0].previous_level, AlertLevel::kWarning);
  EXPECT_EQ(e[0].begin_time_s, 0);
  EXPECT_FALSE(e[0].notify);
  ASSERT_EQ(e[0].history.size(), 3u);
  EXPECT_EQ(e[0].history[1].time_s, 2);
  EXPECT_EQ(e[0].history[1].level, AlertLevel::kWarning);
  EXPECT_EQ(e[0].history[2].level, AlertLevel::kNone);
  EXPECT_EQ(tr.open_alerts(), 0u);
  EXPECT_EQ(tr.episodes(), 1u);  // remembered for the episode gap
}

TEST(AlertTrackerTest, OneStepDropoutDoesNotFlicker) {
  AlertTracker tr;  // defaults: 2 of 4
  const auto t = Tracks();
  size_t begins = 0, ends = 0;
  for (int step = 0; step <= 40; ++step) {
    std::vector<Conflict> c;
    if (step != 12 && step != 25) c.push_back(Make(0, 1, 100, 20000, 50));  // missing for one step, twice
    for (const auto& e : tr.Update(step, t, c)) {
      begins += e.kind == Kind::kBegin;
      ends += e.kind == Kind::kEnd;
    }
  }
  EXPECT_EQ(begins, 1u);
  EXPECT_EQ(ends, 0u);
  EXPECT_EQ(tr.open_alerts(), 1u);
}

TEST(AlertTrackerTest, LevelDoesNotFlickerBetweenWarningAndCaution) {
  AlertTracker tr;  // 2 of 4
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 50, 20000, 50)});  // warning
  // Alternating caution / warning each second: stays warning.
  for (int s = 1; s <= 10; ++s) EXPECT_TRUE(tr.Update(s, t, {Make(0, 1, s % 2 ? 70 : 55, 20000, 50)}).empty());
  // Cautions from t = 11: at t = 12 only one of the last four (9 c, 10 w, 11 c, 12 c) is a warning.
  EXPECT_TRUE(tr.Update(11, t, {Make(0, 1, 80, 20000, 50)}).empty());
  auto e = tr.Update(12, t, {Make(0, 1, 80, 20000, 50)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kLevelChange);
  EXPECT_EQ(e[0].level, AlertLevel::kCaution);
}

TEST(AlertTrackerTest, PersistenceHoldsARaisedLevel) {
  AlertTracker tr(WindowOff(10));
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 30, 20000, 50)});
  for (int s = 1; s < 10; ++s) EXPECT_TRUE(tr.Update(s, t, {}).empty());
  auto e = tr.Update(10, t, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kEnd);
}

TEST(AlertTrackerTest, LossOfSeparationIsAWarning) {
  AlertTracker tr;
  const auto e = tr.Update(0, Tracks(), {Make(0, 1, 0, 5000, 100, /*los=*/true)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].level, AlertLevel::kWarning);
  EXPECT_TRUE(e[0].los);
}

TEST(AlertTrackerTest, ConflictsBeyondCautionLookaheadRaiseNothing) {
  AlertingOptions o;
  o.caution_lookahead_s = 120;
  AlertTracker tr(o);
  EXPECT_TRUE(tr.Update(0, Tracks(), {Make(0, 1, 200, 30000, 100)}).empty());
}

TEST(AlertTrackerTest, MinimumSeparationIsKeptAndUpdatedFromTracksWhileHeld) {
  AlertTracker tr(WindowOff(3));
  auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 30, 9000, 200)});
  tr.Update(1, t, {Make(0, 1, 20, 8000, 250)});
  // Gone from the conflicts; the tracks (7.6 km apart, same altitude) still update the minima.
  EXPECT_TRUE(tr.Update(2, t, {}).empty());
  auto e = tr.Update(3, t, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kEnd);
  EXPECT_NEAR(e[0].min_h_dist_m, 7590, 30);
  EXPECT_EQ(e[0].min_v_dist_m, 0);
}

TEST(AlertTrackerTest, PairsAreMatchedByIdsWhenIndicesChange) {
  AlertTracker tr;
  auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 30, 9000, 200)});
  std::swap(t[0], t[2]);  // "bb" now at index 2
  EXPECT_TRUE(tr.Update(1, t, {Make(1, 2, 30, 9000, 200)}).empty());
  EXPECT_EQ(tr.open_alerts(), 1u);
}

TEST(AlertTrackerTest, FlushEndsOpenAlerts) {
  AlertTracker tr;
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 30, 9000, 200), Make(0, 2, 100, 9000, 200)});
  EXPECT_EQ(tr.open_alerts(), 2u);
  const auto e = tr.Flush(7);
  ASSERT_EQ(e.size(), 2u);
  for (const auto& x : e) {
    EXPECT_EQ(x.kind, Kind::kEnd);
    EXPECT_EQ(x.time_s, 7);
    EXPECT_EQ(x.level, AlertLevel::kNone);
  }
  EXPECT_EQ(tr.open_alerts(), 0u);
  EXPECT_EQ(tr.episodes(), 0u);
  EXPECT_TRUE(tr.Flush(8).empty());
}

TEST(AlertTrackerTest, ConflictIndicesOutsideTheSnapshotAreIgnored) {
  AlertTracker tr;
  EXPECT_TRUE(tr.Update(0, Tracks(), {Make(0, 9, 30, 9000, 200)}).empty());
}

TEST(AlertTrackerTest, ARealertWithinTheEpisodeGapResumesTheSameAlertWithoutANotice) {
  AlertingOptions o;
  o.episode_gap_s = 60;
  AlertTracker tr(o);
  const auto t = Tracks();
  std::vector<AlertEvent> all;
  auto step = [&](double time, std::vector<Conflict> c) {
    auto e = tr.Update(time, t, c);
    all.insert(all.end(), e.begin(), e.end());
    return e;
  };
  step(0, {Make(0, 1, 100, 20000, 50)});  // caution: begin
  for (int s = 1; s <= 20; ++s) step(s, {});  // ends at t = 4
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].kind, Kind::kEnd);
  EXPECT_EQ(all[1].time_s, 4);
  auto e = step(40, {Make(0, 1, 120, 20000, 50)});  // 36 s after the end: the same episode
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kResume);
  EXPECT_EQ(e[0].alert_id, 1u);
  EXPECT_FALSE(e[0].notify);  // caution was told already
  EXPECT_EQ(e[0].begin_time_s, 0);
  ASSERT_EQ(e[0].history.size(), 3u);  // caution at 0, none at 4, caution at 40
  EXPECT_EQ(e[0].history[2].time_s, 40);
  // It rises to a warning it never had: told at once.
  e = step(41, {Make(0, 1, 30, 20000, 50)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kLevelChange);
  EXPECT_TRUE(e[0].notify);
  // Ends again; a re-alert more than 60 s after that end is a new alert, told.
  for (int s = 42; s <= 120; ++s) step(s, {});
  EXPECT_EQ(tr.episodes(), 0u);
  e = step(121, {Make(0, 1, 100, 20000, 50)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kBegin);
  EXPECT_EQ(e[0].alert_id, 2u);
  EXPECT_TRUE(e[0].notify);
  ASSERT_EQ(e[0].history.size(), 1u);
}

TEST(AlertTrackerTest, AnEpisodeResumingAtALossOfSeparationIsToldAtOnce) {
  AlertTracker tr;
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 200, 20000, 50)});  // caution
  for (int s = 1; s <= 10; ++s) tr.Update(s, t, {});
  EXPECT_EQ(tr.open_alerts(), 0u);
  const auto e = tr.Update(11, t, {Make(0, 1, 0, 5000, 100, /*los=*/true)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kResume);
  EXPECT_EQ(e[0].level, AlertLevel::kWarning);
  EXPECT_TRUE(e[0].los);
  EXPECT_TRUE(e[0].notify);
}

TEST(AlertTrackerTest, EpisodeGapZeroMakesEveryRealertANewAlert) {
  AlertingOptions o;
  o.episode_gap_s = 0;
  AlertTracker tr(o);
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 100, 20000, 50)});
  for (int s = 1; s <= 10; ++s) tr.Update(s, t, {});
  const auto e = tr.Update(11, t, {Make(0, 1, 100, 20000, 50)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kBegin);
  EXPECT_EQ(e[0].alert_id, 2u);
}

TEST(AlertTrackerTest, HistoryKeepsTheBeginAndTheLatestChanges) {
  AlertTracker tr(WindowOff(0));
  const auto t = Tracks();
  AlertEvent last;
  for (int s = 0; s < 200; ++s)
    for (const auto& e : tr.Update(s, t, {Make(0, 1, s % 2 ? 100 : 30, 20000, 50)})) last = e;
  ASSERT_EQ(last.history.size(), AlertEvent::kMaxHistory);
  EXPECT_EQ(last.history.front().time_s, 0);
  EXPECT_EQ(last.history.back().time_s, 199);
  EXPECT_EQ(last.history[1].time_s, 199 - static_cast<double>(AlertEvent::kMaxHistory) + 2);
}

// The safety side, on random traffic of five pairs: at every step each pair's alert (as the events tell it)
// is at least at the level its conflict has now, so a loss of separation or a warning is never delayed or
// hidden; and every lowering comes at least persistence_s after the last raise of that alert.
TEST(AlertTrackerTest, NoConflictIsEverReportedLaterOrLowerThanTheDetectorSeesIt) {
  std::mt19937_64 rng(1414);
  std::vector<TrackState> t(6);
  for (size_t i = 0; i < t.size(); ++i) {
    t[i].id = std::string(1, static_cast<char>('a' + i));
    t[i].party = t[i].id;
    t[i].lat_deg = 47;
    t[i].lon_deg = 8 + 0.01 * static_cast<double>(i);
    t[i].alt_m = 10000;
  }
  for (int trial = 0; trial < 40; ++trial) {
    AlertingOptions o;
    o.alerting_n = 1 + static_cast<int>(rng() % 6);
    o.alerting_m = 1 + static_cast<int>(rng() % static_cast<unsigned>(o.alerting_n));
    o.persistence_s = static_cast<double>(rng() % 15);
    o.episode_gap_s = static_cast<double>(rng() % 100);
    AlertTracker tr(o);
    std::map<std::string, AlertLevel> shown;  // by pair "ab"
    std::map<std::string, double> raised;
    double time = 0;
    for (int step = 0; step < 400; ++step) {
      time += rng() % 20 == 0 ? 7 : 1;
      std::vector<Conflict> c;
      for (uint32_t p = 0; p < 5; ++p) {
        const int r = static_cast<int>(rng() % 10);  // mostly quiet, sometimes caution, warning, loss
        if (r < 5) continue;
        c.push_back(Make(p, p + 1, r < 7 ? 200 : r < 9 ? 40 : 0, 3000, 50, r == 9));
      }
      for (const auto& e : tr.Update(time, t, c)) {
        const std::string key = e.id_a + e.id_b;
        if (e.level > shown[key]) raised[key] = time;
        if (e.level < shown[key]) {
          ASSERT_GE(time - raised[key], o.persistence_s) << key << " at " << time;
        }
        shown[key] = e.level;
      }
      for (const auto& x : c) {
        const std::string key = t[x.a].id + t[x.b].id;
        ASSERT_GE(shown[key], LevelOf(x, o)) << key << " at " << time << " trial " << trial;
      }
    }
  }
}

TEST(AlertTrackerTest, NamesAreStable) {
  EXPECT_STREQ(AlertLevelName(AlertLevel::kCaution), "caution");
  EXPECT_STREQ(AlertLevelName(AlertLevel::kWarning), "warning");
  EXPECT_STREQ(AlertEventKindName(Kind::kBegin), "begin");
  EXPECT_STREQ(AlertEventKindName(Kind::kLevelChange), "level");
  EXPECT_STREQ(AlertEventKindName(Kind::kEnd), "end");
  EXPECT_STREQ(AlertEventKindName(Kind::kResume), "resume");
}

}  // namespace
}  // namespace deconflict::detect
