// Alert levels, hysteresis and persistence over time steps.
#include "detect/alerting.h"

#include <gtest/gtest.h>

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

TEST(AlertTrackerTest, BeginsAtCautionRaisesToWarningAndEndsAfterHysteresis) {
  AlertingOptions o;
  o.hysteresis_s = 3;
  o.persistence_s = 0;
  AlertTracker tr(o);
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
  EXPECT_TRUE(tr.Update(1, t, {Make(0, 1, 199, 29000, 100)}).empty());
  e = tr.Update(2, t, {Make(0, 1, 50, 20000, 100)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kLevelChange);
  EXPECT_EQ(e[0].previous_level, AlertLevel::kCaution);
  EXPECT_EQ(e[0].level, AlertLevel::kWarning);
  // Conflict gone from t = 3: ends once it has been gone for 3 s, i.e. at t = 6.
  EXPECT_TRUE(tr.Update(3, t, {}).empty());
  EXPECT_TRUE(tr.Update(4, t, {}).empty());
  EXPECT_TRUE(tr.Update(5, t, {}).empty());
  e = tr.Update(6, t, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kEnd);
  EXPECT_EQ(e[0].previous_level, AlertLevel::kWarning);
  EXPECT_EQ(e[0].begin_time_s, 0);
  EXPECT_EQ(tr.open_alerts(), 0u);
}

TEST(AlertTrackerTest, OneStepDropoutDoesNotFlicker) {
  AlertTracker tr;  // defaults: hysteresis 5 s, persistence 10 s
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
  AlertingOptions o;
  o.hysteresis_s = 3;
  o.persistence_s = 0;
  AlertTracker tr(o);
  const auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 50, 20000, 50)});  // warning
  // Alternating caution / warning each second: stays warning.
  for (int s = 1; s <= 10; ++s) EXPECT_TRUE(tr.Update(s, t, {Make(0, 1, s % 2 ? 70 : 55, 20000, 50)}).empty());
  // Caution for 3 s: steps down.
  EXPECT_TRUE(tr.Update(11, t, {Make(0, 1, 80, 20000, 50)}).empty());
  EXPECT_TRUE(tr.Update(12, t, {Make(0, 1, 80, 20000, 50)}).empty());
  EXPECT_TRUE(tr.Update(13, t, {Make(0, 1, 80, 20000, 50)}).empty());
  auto e = tr.Update(14, t, {Make(0, 1, 80, 20000, 50)});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, Kind::kLevelChange);
  EXPECT_EQ(e[0].level, AlertLevel::kCaution);
}

TEST(AlertTrackerTest, PersistenceHoldsARaisedLevel) {
  AlertingOptions o;
  o.hysteresis_s = 0;
  o.persistence_s = 10;
  AlertTracker tr(o);
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

TEST(AlertTrackerTest, MinimumSeparationIsKeptAndUpdatedFromTracksDuringHysteresis) {
  AlertingOptions o;
  o.hysteresis_s = 2;
  o.persistence_s = 0;
  AlertTracker tr(o);
  auto t = Tracks();
  tr.Update(0, t, {Make(0, 1, 30, 9000, 200)});
  tr.Update(1, t, {Make(0, 1, 20, 8000, 250)});
  // Gone from the conflicts; the tracks (7.6 km apart, same altitude) still update the minima.
  tr.Update(2, t, {});
  auto e = tr.Update(4, t, {});
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
  EXPECT_TRUE(tr.Flush(8).empty());
}

TEST(AlertTrackerTest, ConflictIndicesOutsideTheSnapshotAreIgnored) {
  AlertTracker tr;
  EXPECT_TRUE(tr.Update(0, Tracks(), {Make(0, 9, 30, 9000, 200)}).empty());
}

TEST(AlertTrackerTest, NamesAreStable) {
  EXPECT_STREQ(AlertLevelName(AlertLevel::kCaution), "caution");
  EXPECT_STREQ(AlertLevelName(AlertLevel::kWarning), "warning");
  EXPECT_STREQ(AlertEventKindName(Kind::kBegin), "begin");
  EXPECT_STREQ(AlertEventKindName(Kind::kLevelChange), "level");
  EXPECT_STREQ(AlertEventKindName(Kind::kEnd), "end");
}

}  // namespace
}  // namespace deconflict::detect
