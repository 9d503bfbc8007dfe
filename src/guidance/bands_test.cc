#include "guidance/bands.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "guidance/kinematics.h"

namespace deconflict::guidance {
namespace {

constexpr double kNm = units::kNauticalMileM;

// The CD3D configuration of DAIDALUS with instantaneous manoeuvres: one NEAR level, cylinder 5 NM / 1000 ft.
BandsConfig Cylinder(bool kinematic = false) {
  BandsConfig c;
  if (!kinematic) c.horizontal_accel_mps2 = c.vertical_accel_mps2 = c.turn_rate_radps = c.vertical_rate_mps = 0;
  Detector3D d;
  d.kind = Detector3D::Kind::kCylinder;
  c.alerters = {{"CD3D", {{BandsRegion::kNear, 180, 180, d}}}};
  c.corrective_region = BandsRegion::kNear;
  c.min_horizontal_recovery_m = 5 * kNm;
  c.min_vertical_recovery_m = units::FeetToMeters(1000);
  return c;
}

AircraftKinematics Aircraft(const char* id, double x_nm, double y_nm, double alt_ft, double trk_deg, double gs_kt,
                            double vs_fpm = 0) {
  AircraftKinematics a;
  a.id = id;
  a.s_m = {x_nm * kNm, y_nm * kNm, units::FeetToMeters(alt_ft)};
  const double g = units::KnotsToMps(gs_kt), t = trk_deg * units::kDegToRad;
  a.v_mps = {g * std::sin(t), g * std::cos(t), units::FpmToMps(vs_fpm)};
  return a;
}

double Deg(double deg) { return deg * units::kDegToRad; }

TEST(Bands, NoTrafficIsOneClearBandPerDimension) {
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 90, 200);
  const Bands b = ComputeBands(Do365Config(), in);
  for (const DimensionBands& d : b.dims) {
    ASSERT_EQ(d.intervals.size(), 1u) << DimensionName(d.dimension);
    EXPECT_EQ(d.intervals[0].region, BandsRegion::kNone);
    EXPECT_EQ(d.current_region, BandsRegion::kNone);
    EXPECT_TRUE(std::isnan(d.resolution_up));
  }
  EXPECT_DOUBLE_EQ(b.dim(Dimension::kTrack).intervals[0].lo, 0);
  EXPECT_NEAR(b.dim(Dimension::kTrack).intervals[0].hi, 2 * units::kPi, 1e-9);
  EXPECT_NEAR(b.dim(Dimension::kGroundSpeed).intervals[0].lo, units::KnotsToMps(10), 1e-9);
  EXPECT_NEAR(b.dim(Dimension::kAltitude).intervals[0].hi, units::FeetToMeters(50000), 1e-6);
}

TEST(Bands, HeadOnCylinderBandsCoverTheIntruderAndLeaveTheBeam) {
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.traffic.push_back(Aircraft("intr", 0, 20, 10000, 180, 200));
  const Bands b = ComputeBands(Cylinder(), in);
  const DimensionBands& trk = b.dim(Dimension::kTrack);
  EXPECT_EQ(trk.current_region, BandsRegion::kNear);
  EXPECT_EQ(trk.RegionOf(Deg(90)), BandsRegion::kNone);
  EXPECT_EQ(trk.RegionOf(Deg(270)), BandsRegion::kNone);
  // Symmetric geometry: symmetric resolutions, both finite.
  ASSERT_TRUE(std::isfinite(trk.resolution_up) && std::isfinite(trk.resolution_down));
  EXPECT_NEAR(trk.resolution_up, 2 * units::kPi - trk.resolution_down, Deg(1.01));
  // The intruder at 10000 ft: altitudes within 1000 ft are NEAR, 2000 ft away NONE.
  const DimensionBands& alt = b.dim(Dimension::kAltitude);
  EXPECT_EQ(alt.RegionOf(units::FeetToMeters(10500)), BandsRegion::kNear);
  EXPECT_EQ(alt.RegionOf(units::FeetToMeters(12000)), BandsRegion::kNone);
  EXPECT_EQ(alt.RegionOf(units::FeetToMeters(8000)), BandsRegion::kNone);
  EXPECT_EQ(b.traffic[0].alert_level, 1);
  // 20 NM at 400 kt closing, 5 NM radius: violation at 135 s.
  EXPECT_NEAR(b.traffic[0].t_in_s, 135, 0.01);
}

TEST(Bands, KinematicTurnsNeedWiderBandsThanInstantaneousOnes) {
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 300);
  in.traffic.push_back(Aircraft("intr", 0, 12, 10000, 180, 300));
  const Bands inst = ComputeBands(Cylinder(false), in);
  const Bands kin = ComputeBands(Cylinder(true), in);
  const double inst_up = inst.dim(Dimension::kTrack).resolution_up;
  const double kin_up = kin.dim(Dimension::kTrack).resolution_up;
  ASSERT_TRUE(std::isfinite(inst_up));
  ASSERT_TRUE(std::isfinite(kin_up));
  EXPECT_GT(kin_up, inst_up + Deg(2));  // turning at 3 deg/s loses ground before the new track holds
}

TEST(Bands, LossThatCannotBeAvoidedGivesRecoveryBands) {
  // Intruder 1 NM ahead at the same altitude, closing: inside the 5 NM cylinder already.
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.traffic.push_back(Aircraft("intr", 0, 1, 10000, 180, 200));
  const Bands b = ComputeBands(Cylinder(), in);
  const DimensionBands& trk = b.dim(Dimension::kTrack);
  EXPECT_FALSE(std::isnan(trk.time_to_recovery_s));
  bool any_recovery = false;
  for (const BandsInterval& i : trk.intervals) any_recovery |= i.region == BandsRegion::kRecovery;
  EXPECT_TRUE(any_recovery);
  // The resolution is a recovery heading; flying on is not, nor is turning to fly with the intruder (180: zero
  // relative velocity at 1 NM, inside the cylinder for ever).
  ASSERT_TRUE(std::isfinite(trk.resolution_up));
  EXPECT_EQ(trk.RegionOf(trk.resolution_up + Deg(0.5)), BandsRegion::kRecovery);
  EXPECT_EQ(trk.RegionOf(Deg(0.5)), BandsRegion::kNear);
  EXPECT_EQ(trk.RegionOf(Deg(180)), BandsRegion::kNear);
}

TEST(Bands, SaturatedKinematicBandsSearchTheTimeToRecovery) {
  BandsConfig c = Do365Config();
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.traffic.push_back(Aircraft("intr", 0, 0.9, 10000, 180, 250));
  const Bands b = ComputeBands(c, in);
  // Head-on at 0.9 NM: a climb or descent recovers (kinematic, 0.25 g), no speed change can (-infinity).
  const DimensionBands& vs = b.dim(Dimension::kVerticalSpeed);
  ASSERT_TRUE(std::isfinite(vs.time_to_recovery_s));
  EXPECT_GT(vs.time_to_recovery_s, 0);
  EXPECT_LE(vs.time_to_recovery_s, c.lookahead_s);
  EXPECT_LE(vs.recovery_horizontal_m, c.min_horizontal_recovery_m);
  EXPECT_GE(vs.recovery_horizontal_m, c.horizontal_nmac_m);
  EXPECT_EQ(vs.RegionOf(units::FpmToMps(5900)), BandsRegion::kRecovery);
  EXPECT_EQ(vs.current_region, BandsRegion::kNear);
  EXPECT_EQ(b.dim(Dimension::kGroundSpeed).time_to_recovery_s, -std::numeric_limits<double>::infinity());
}

TEST(Bands, VerticalSpeedBandsAroundLevelFlightTowardsCoAltitudeTraffic) {
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.traffic.push_back(Aircraft("intr", 0, 8, 10000, 180, 200));
  const Bands b = ComputeBands(Do365Config(), in);
  const DimensionBands& vs = b.dim(Dimension::kVerticalSpeed);
  EXPECT_NE(vs.current_region, BandsRegion::kNone);
  EXPECT_EQ(vs.RegionOf(units::FpmToMps(5500)), BandsRegion::kNone);
  EXPECT_EQ(vs.RegionOf(units::FpmToMps(-5500)), BandsRegion::kNone);
}

TEST(Bands, LastTimeToManeuverShrinksAsTheEncounterProgresses) {
  const BandsConfig c = Cylinder();
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.traffic.push_back(Aircraft("intr", 0, 20, 10000, 180, 200));
  Bands b = ComputeBands(c, in);
  ComputeLastTimesToManeuver(c, in, &b);
  const double t0 = b.traffic[0].last_time_to_maneuver_s[0];
  ASSERT_TRUE(std::isfinite(t0));
  EXPECT_GT(t0, 0);
  EXPECT_LT(t0, b.traffic[0].t_in_s);
  // 10 s later both aircraft have flown on: about 10 s less.
  BandsInput later = in;
  later.ownship = Aircraft("own", 0, 200.0 / 360, 10000, 0, 200);
  later.traffic[0] = Aircraft("intr", 0, 20 - 200.0 / 360, 10000, 180, 200);
  Bands b2 = ComputeBands(c, later);
  ComputeLastTimesToManeuver(c, later, &b2);
  EXPECT_NEAR(b2.traffic[0].last_time_to_maneuver_s[0], t0 - 10, 1.0);
  // No conflict: NaN.
  BandsInput apart;
  apart.ownship = in.ownship;
  apart.traffic.push_back(Aircraft("far", 50, 0, 30000, 90, 200));
  Bands b3 = ComputeBands(c, apart);
  ComputeLastTimesToManeuver(c, apart, &b3);
  EXPECT_TRUE(std::isnan(b3.traffic[0].last_time_to_maneuver_s[0]));
}

// Implicit coordination: each aircraft of a pair computes its bands with the other as traffic; with the criteria
// both are left only turns of the same sense relative to each other, and the two resolutions flown together
// keep the pair apart.
TEST(Bands, ImplicitCoordinationNeverTurnsBothAircraftIntoEachOther) {
  BandsConfig c = Cylinder();
  c.conflict_crit = true;
  // Nearly head-on, B slightly right of A's path and converging.
  const AircraftKinematics a = Aircraft("A", 0, 0, 10000, 0, 250);
  const AircraftKinematics bk = Aircraft("B", 0.5, 18, 10000, 182, 250);
  BandsInput ia{0, a, {bk}, {}}, ib{0, bk, {a}, {}};
  const Bands ba = ComputeBands(c, ia), bb = ComputeBands(c, ib);
  ASSERT_NE(ba.epsilon_h, 0);
  EXPECT_EQ(ba.epsilon_h, bb.epsilon_h);  // det(v, s) is the same for both aircraft
  const DimensionBands& ta = ba.dim(Dimension::kTrack);
  const DimensionBands& tb = bb.dim(Dimension::kTrack);
  // Exactly one direction left to each aircraft.
  EXPECT_NE(std::isfinite(ta.resolution_up), std::isfinite(ta.resolution_down));
  EXPECT_NE(std::isfinite(tb.resolution_up), std::isfinite(tb.resolution_down));
  // Both fly their coordinated resolution at once: no loss of separation.
  const double ha = ta.preferred_up ? ta.resolution_up : ta.resolution_down;
  const double hb = tb.preferred_up ? tb.resolution_up : tb.resolution_down;
  ASSERT_TRUE(std::isfinite(ha) && std::isfinite(hb));
  const double g = units::KnotsToMps(250);
  internal::State sa{a.s_m, {g * std::sin(ha), g * std::cos(ha), 0}};
  internal::State sb{bk.s_m, {g * std::sin(hb), g * std::cos(hb), 0}};
  const detect::PairResult r = detect::Cd3d(internal::Relative(sa, sb), 5 * kNm, units::FeetToMeters(1000), 180);
  EXPECT_FALSE(r.conflict) << "A to " << ha * units::kRadToDeg << ", B to " << hb * units::kRadToDeg;
  // Without the criteria each aircraft may turn either way.
  c.conflict_crit = false;
  const Bands free = ComputeBands(c, ia);
  const DimensionBands& free_a = free.dim(Dimension::kTrack);
  EXPECT_TRUE(std::isfinite(free_a.resolution_up) && std::isfinite(free_a.resolution_down));
}

TEST(Bands, VerticalCoordinationGivesTheTwoAircraftOppositeSenses) {
  BandsConfig c = Cylinder();
  c.conflict_crit = true;
  const AircraftKinematics a = Aircraft("A", 0, 0, 10000, 0, 250);
  const AircraftKinematics bk = Aircraft("B", 0, 15, 10000, 180, 250);  // co-altitude: tie broken by id
  const Bands ba = ComputeBands(c, BandsInput{0, a, {bk}, {}});
  const Bands bb = ComputeBands(c, BandsInput{0, bk, {a}, {}});
  EXPECT_EQ(ba.epsilon_v, -bb.epsilon_v);
  const double up = units::FpmToMps(3000);
  const DimensionBands& va = ba.dim(Dimension::kVerticalSpeed);
  const DimensionBands& vb = bb.dim(Dimension::kVerticalSpeed);
  // A (climbs, epsilon +1) may not descend; B may not climb.
  EXPECT_EQ(ba.epsilon_v, 1);
  EXPECT_NE(va.RegionOf(-up), BandsRegion::kNone);
  EXPECT_NE(vb.RegionOf(up), BandsRegion::kNone);
}

TEST(Bands, WindTurnsTrackBandsIntoHeadingBands) {
  BandsInput in;
  in.ownship = Aircraft("own", 0, 0, 10000, 0, 200);
  in.wind_mps = {units::KnotsToMps(20), 0, 0};  // wind towards east
  const Bands b = ComputeBands(Cylinder(), in);
  // Air velocity = ground - wind: heading west of north, airspeed above the ground speed.
  EXPECT_GT(b.dim(Dimension::kTrack).current, Deg(350));
  EXPECT_GT(b.dim(Dimension::kGroundSpeed).current, units::KnotsToMps(200));
}

}  // namespace
}  // namespace deconflict::guidance
