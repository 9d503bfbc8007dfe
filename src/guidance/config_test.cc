#include "guidance/config.h"

#include <gtest/gtest.h>

namespace deconflict::guidance {
namespace {

const std::string kDir = std::string(DECONFLICT_TEST_DATA) + "/daidalus/";

TEST(DaidalusConf, ReadsDo365BWithUnitsConvertedToSi) {
  auto c = ReadDaidalusConf(kDir + "DO_365B_no_SUM.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->lookahead_s, 180);
  EXPECT_DOUBLE_EQ(c->turn_rate_radps, 3 * units::kDegToRad);
  EXPECT_DOUBLE_EQ(c->vertical_accel_mps2, 0.25 * units::kStandardGravityMps2);
  EXPECT_DOUBLE_EQ(c->horizontal_accel_mps2, 2.0);
  EXPECT_DOUBLE_EQ(c->step_gs_mps, units::KnotsToMps(5));
  EXPECT_DOUBLE_EQ(c->vertical_rate_mps, units::FpmToMps(500));
  EXPECT_DOUBLE_EQ(c->min_horizontal_recovery_m, units::NauticalMilesToMeters(0.66));
  EXPECT_EQ(c->corrective_region, BandsRegion::kMid);
  ASSERT_EQ(c->alerters.size(), 3u);
  EXPECT_EQ(c->alerters[2].name, "DWC_Non_Coop");
  const Alerter& phase1 = c->alerters[0];
  ASSERT_EQ(phase1.levels.size(), 3u);
  EXPECT_EQ(phase1.levels[1].region, BandsRegion::kMid);
  EXPECT_DOUBLE_EQ(phase1.levels[2].alerting_time_s, 25);
  EXPECT_DOUBLE_EQ(phase1.levels[2].early_alerting_time_s, 55);
  EXPECT_DOUBLE_EQ(phase1.levels[0].detector.well_clear.zthr_m, units::FeetToMeters(700));
  EXPECT_DOUBLE_EQ(phase1.levels[1].detector.well_clear.dthr_m, units::NauticalMilesToMeters(0.66));
  EXPECT_DOUBLE_EQ(c->alerters[1].levels[0].detector.well_clear.dthr_m, units::FeetToMeters(1500));
  EXPECT_EQ(AlerterIndex(*c, "DWC_Phase_II"), 2);
  EXPECT_EQ(AlerterIndex(*c, "nope"), 0);
}

TEST(DaidalusConf, ReadsDo365AAndTheCylinder) {
  auto a = ReadDaidalusConf(kDir + "DO_365A_no_SUM.conf");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->alerters.size(), 2u);
  auto c = ReadDaidalusConf(kDir + "CD3D.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->alerters.size(), 1u);
  const Detector3D& d = c->alerters[0].levels[0].detector;
  EXPECT_EQ(d.kind, Detector3D::Kind::kCylinder);
  EXPECT_DOUBLE_EQ(d.d_m, units::NauticalMilesToMeters(5));
  EXPECT_DOUBLE_EQ(d.h_m, units::FeetToMeters(1000));
  EXPECT_DOUBLE_EQ(c->turn_rate_radps, 0);
  EXPECT_TRUE(c->ownship_centric_alerting);
  EXPECT_EQ(c->corrective_region, BandsRegion::kNear);
}

std::string Minimal(const std::string& extra) {
  return "lookahead_time = 120 [s]\nalerters = A\nA_alert_1_region = NEAR\nA_alert_1_alerting_time = 60 [s]\n"
         "A_alert_1_detector = det_1\nA_load_core_detection_det_1 = gov.nasa.larcfm.ACCoRD.CDCylinder\n"
         "A_det_1_D = 2 [nmi]\nA_det_1_H = 500 [ft]\n" +
         extra;
}

TEST(DaidalusConf, MissingKeysKeepDefaults) {
  auto c = ParseDaidalusConf(Minimal(""), "mini.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->lookahead_s, 120);
  EXPECT_DOUBLE_EQ(c->alerters[0].levels[0].early_alerting_time_s, 60);
  EXPECT_DOUBLE_EQ(c->alerters[0].levels[0].detector.d_m, 2 * units::kNauticalMileM);
}

TEST(DaidalusConf, ErrorsNameTheFileLineAndKey) {
  auto unknown = ParseDaidalusConf(Minimal("turn_rat = 3 [deg/s]\n"), "x.conf");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("x.conf:9: turn_rat"), std::string::npos) << unknown.status().message();
  auto unit = ParseDaidalusConf(Minimal("turn_rate = 3 [ft]\n"), "x.conf");
  ASSERT_FALSE(unit.ok());
  EXPECT_NE(unit.status().message().find("turn_rate: unit [ft]"), std::string::npos) << unit.status().message();
  auto number = ParseDaidalusConf(Minimal("step_hs = fast [knot]\n"), "x.conf");
  ASSERT_FALSE(number.ok());
  EXPECT_NE(number.status().message().find("step_hs: not a number"), std::string::npos);
  auto spread = ParseDaidalusConf(Minimal("A_alert_1_spread_hdir = 10 [deg]\n"), "x.conf");
  ASSERT_FALSE(spread.ok());
  EXPECT_NE(spread.status().message().find("spread"), std::string::npos);
  std::string sum = Minimal("");
  sum.replace(sum.find("CDCylinder"), 10, "WCV_TAUMOD_SUM");
  auto det = ParseDaidalusConf(sum, "x.conf");
  ASSERT_FALSE(det.ok());
  EXPECT_NE(det.status().message().find("not supported"), std::string::npos);
  auto twice = ParseDaidalusConf(Minimal("lookahead_time = 10 [s]\n"), "x.conf");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("given twice"), std::string::npos);
  auto bad = ParseDaidalusConf(Minimal("min_hs = 800 [knot]\n"), "x.conf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("min_hs < max_hs"), std::string::npos);
  auto no_alerter = ParseDaidalusConf("lookahead_time = 10 [s]\n", "x.conf");
  EXPECT_FALSE(no_alerter.ok());
}

}  // namespace
}  // namespace deconflict::guidance
