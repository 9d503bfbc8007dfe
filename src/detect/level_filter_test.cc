// The DAIDALUS-style level filter: M of N, hysteresis, persistence, and raising at once.
#include "detect/level_filter.h"

#include <gtest/gtest.h>

#include <random>

namespace deconflict::detect {
namespace {

constexpr AlertLevel kN = AlertLevel::kNone, kC = AlertLevel::kCaution, kW = AlertLevel::kWarning;

// Feeds levels[i] at time i * step_s; returns the filtered levels.
std::vector<AlertLevel> Filtered(const std::vector<AlertLevel>& levels, const AlertingOptions& o = {}, double step_s = 1) {
  LevelFilter f;
  std::vector<AlertLevel> out;
  for (size_t i = 0; i < levels.size(); ++i) out.push_back(f.Update(static_cast<double>(i) * step_s, levels[i], o));
  return out;
}

TEST(LevelFilterTest, DefaultsAreThoseOfDo365bNoSumConf) {
  const AlertingOptions o;
  EXPECT_EQ(o.hysteresis_s, 5);   // hysteresis_time = 5.0 [s]
  EXPECT_EQ(o.persistence_s, 4);  // persistence_time = 4.0 [s]
  EXPECT_EQ(o.alerting_m, 2);     // alerting_m = 2
  EXPECT_EQ(o.alerting_n, 4);     // alerting_n = 4
  EXPECT_TRUE(ValidateAlertingOptions(o).ok());
}

TEST(LevelFilterTest, ANewEncounterIsReportedAtItsLevelAtOnce) {
  EXPECT_EQ(Filtered({kW})[0], kW);
  EXPECT_EQ(Filtered({kN, kC, kW}), (std::vector<AlertLevel>{kN, kC, kW}));
}

TEST(LevelFilterTest, ALevelIsHeldWhileMOfTheLastNLevelsReachIt) {
  // 2 of 4: warning is held while two of the last four levels are warnings; a new encounter's window holds
  // its first level twice (DAIDALUS's reset), so a caution ends only at the third step without one.
  AlertingOptions o;
  o.persistence_s = 0;
  EXPECT_EQ(Filtered({kW, kW, kW, kC, kW, kC, kC, kC}, o), (std::vector<AlertLevel>{kW, kW, kW, kW, kW, kW, kC, kC}));
  EXPECT_EQ(Filtered({kC, kC, kN, kN, kN, kN}, o), (std::vector<AlertLevel>{kC, kC, kC, kC, kN, kN}));
}

TEST(LevelFilterTest, PersistenceHoldsARaisedLevelFromTheRaise) {
  AlertingOptions o;
  o.alerting_m = o.alerting_n = 1;  // no window: persistence alone
  o.persistence_s = 4;
  EXPECT_EQ(Filtered({kC, kW, kN, kN, kN, kN, kN}, o), (std::vector<AlertLevel>{kC, kW, kW, kW, kW, kN, kN}));
}

TEST(LevelFilterTest, AGapLongerThanTheHysteresisTimeForgetsTheWindow) {
  AlertingOptions o;  // 2 of 4, hysteresis 5 s, persistence 4 s
  LevelFilter kept, forgot;
  for (double t : {0.0, 1.0, 2.0}) {
    kept.Update(t, kW, o);
    forgot.Update(t, kW, o);
  }
  EXPECT_EQ(kept.Update(7, kC, o), kW);    // 5 s later: the window still holds three warnings
  EXPECT_EQ(forgot.Update(8, kC, o), kC);  // 6 s later: a fresh window holds only the caution
}

TEST(LevelFilterTest, RaisingIsNeverDelayedAndLoweringWaitsForPersistence) {
  // Random raw levels, random steps (some longer than the hysteresis time), several option sets.
  std::mt19937_64 rng(14);
  for (int trial = 0; trial < 200; ++trial) {
    AlertingOptions o;
    o.alerting_n = 1 + static_cast<int>(rng() % 8);
    o.alerting_m = 1 + static_cast<int>(rng() % static_cast<unsigned>(o.alerting_n));
    o.persistence_s = static_cast<double>(rng() % 12);
    o.hysteresis_s = static_cast<double>(rng() % 8);
    LevelFilter f;
    double t = 0, raised = -1e9;
    AlertLevel prev = kN;
    for (int i = 0; i < 300; ++i) {
      t += (rng() % 10 == 0) ? static_cast<double>(1 + rng() % 10) : 1.0;
      const AlertLevel raw = static_cast<AlertLevel>(rng() % 3);
      const AlertLevel out = f.Update(t, raw, o);
      ASSERT_GE(out, raw) << "trial " << trial << " step " << i;  // never below what is seen now
      if (out > prev) {
        ASSERT_EQ(out, raw);  // a raise goes exactly to the level seen, at once
        raised = t;
      }
      if (out < prev) {
        ASSERT_GE(t - raised, o.persistence_s) << "trial " << trial << " step " << i;
      }
      prev = out;
    }
  }
}

TEST(LevelFilterTest, InvalidOptionsAreNamed) {
  AlertingOptions o;
  o.alerting_m = 5;
  EXPECT_NE(ValidateAlertingOptions(o).message().find("alerting_m"), std::string::npos);
  o = {};
  o.alerting_n = 33;
  EXPECT_NE(ValidateAlertingOptions(o).message().find("alerting_n"), std::string::npos);
  o = {};
  o.persistence_s = -1;
  EXPECT_NE(ValidateAlertingOptions(o).message().find("persistence"), std::string::npos);
  o = {};
  o.episode_gap_s = std::nan("");
  EXPECT_NE(ValidateAlertingOptions(o).message().find("episode_gap"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::detect
