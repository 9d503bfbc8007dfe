// Analytic cases for the CD3D cylinder and the DO-365 well-clear volume. Expected values are
// computed by hand (in the comments) from the geometry, not from the code under test.
#include "detect/separation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace deconflict::detect {
namespace {

constexpr double kD = 9260;    // 5 NM
constexpr double kH = 304.8;   // 1000 ft
constexpr double kT = 300;

TEST(Cd3dTest, HeadOnEntersAndExitsSymmetricallyAroundCpa) {
  // 40 km apart, closing at 400 m/s: |40000 - 400 t| < 9260 for t in (76.85, 123.15).
  PairResult r = Cd3d(PlanarGeometry(40000, 0, 0, -400, 0, 0), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_FALSE(r.los);
  EXPECT_NEAR(r.t_in_s, (40000 - kD) / 400, 1e-9);
  EXPECT_NEAR(r.t_out_s, (40000 + kD) / 400, 1e-9);
  EXPECT_NEAR(r.t_cpa_s, 100, 1e-9);
  EXPECT_NEAR(r.d_cpa_m, 0, 1e-6);
}

TEST(Cd3dTest, CrossingAtRightAngles) {
  // Relative (20000, -20000) + (-200, 200) t: distance sqrt(2) |20000 - 200 t|.
  PairResult r = Cd3d(PlanarGeometry(20000, -20000, 0, -200, 200, 0), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  const double half = kD / (200 * std::sqrt(2.0));
  EXPECT_NEAR(r.t_in_s, 100 - half, 1e-9);
  EXPECT_NEAR(r.t_out_s, 100 + half, 1e-9);
  EXPECT_NEAR(r.t_cpa_s, 100, 1e-9);
}

TEST(Cd3dTest, OvertakingIsClampedToLookahead) {
  // Intruder 10 km behind, 50 m/s faster: inside for t in (14.8, 385.2), clamped at T = 300.
  PairResult r = Cd3d(PlanarGeometry(-10000, 0, 0, 50, 0, 0), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_NEAR(r.t_in_s, (10000 - kD) / 50, 1e-9);
  EXPECT_DOUBLE_EQ(r.t_out_s, kT);
  EXPECT_NEAR(r.t_cpa_s, 200, 1e-9);
}

TEST(Cd3dTest, ParallelSameVelocityInsideIsLossForWholeLookahead) {
  PairResult r = Cd3d(PlanarGeometry(0, 8000, 100, 0, 0, 0), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_TRUE(r.los);
  EXPECT_EQ(r.t_in_s, 0);
  EXPECT_EQ(r.t_out_s, kT);
  EXPECT_NEAR(r.d_cpa_m, 8000, 1e-9);
}

TEST(Cd3dTest, ParallelOutsideIsNoConflict) {
  PairResult r = Cd3d(PlanarGeometry(0, 10000, 0, 0, 0, 0), kD, kH, kT);
  EXPECT_FALSE(r.conflict);
  EXPECT_FALSE(r.los);
}

TEST(Cd3dTest, LevelVersusClimbingEntersVertically) {
  // Co-located horizontally, intruder 2000 m below climbing at 10 m/s: |-2000 + 10 t| < 304.8.
  PairResult r = Cd3d(PlanarGeometry(0, 0, -2000, 0, 0, 10), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_NEAR(r.t_in_s, (2000 - kH) / 10, 1e-9);
  EXPECT_NEAR(r.t_out_s, (2000 + kH) / 10, 1e-9);
}

TEST(Cd3dTest, ConflictNeedsHorizontalAndVerticalIntervalsToOverlap) {
  // Horizontal loss in (76.85, 123.15) s; vertical loss only after (3000 - 304.8)/10 = 269.5 s.
  PairResult r = Cd3d(PlanarGeometry(40000, 0, -3000, -400, 0, 10), kD, kH, kT);
  EXPECT_FALSE(r.conflict);
  // The same with the climb starting closer: vertical from (1500-304.8)/10 = 119.5 s -> overlap (119.5, 123.15).
  r = Cd3d(PlanarGeometry(40000, 0, -1500, -400, 0, 10), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_NEAR(r.t_in_s, (1500 - kH) / 10, 1e-9);
  EXPECT_NEAR(r.t_out_s, (40000 + kD) / 400, 1e-9);
}

TEST(Cd3dTest, AlreadyInLoss) {
  PairResult r = Cd3d(PlanarGeometry(3000, 4000, 100, 10, 0, 0), kD, kH, kT);
  ASSERT_TRUE(r.conflict);
  EXPECT_TRUE(r.los);
  EXPECT_EQ(r.t_in_s, 0);
  EXPECT_GT(r.t_out_s, 0);
}

TEST(Cd3dTest, DivergingIsNoConflictAndCpaIsNow) {
  PairResult r = Cd3d(PlanarGeometry(20000, 0, 0, 100, 0, 0), kD, kH, kT);
  EXPECT_FALSE(r.conflict);
  EXPECT_EQ(r.t_cpa_s, 0);
  EXPECT_NEAR(r.d_cpa_m, 20000, 1e-9);
}

TEST(Cd3dTest, ZeroRelativeVelocity) {
  EXPECT_TRUE(Cd3d(PlanarGeometry(5000, 0, 0, 0, 0, 0), kD, kH, kT).conflict);
  EXPECT_FALSE(Cd3d(PlanarGeometry(5000, 0, 400, 0, 0, 0), kD, kH, kT).conflict);
}

TEST(Cd3dTest, TangentPathIsNoConflict) {
  // Passes exactly D abeam: touches the cylinder's side, never strictly inside.
  EXPECT_FALSE(Cd3d(PlanarGeometry(20000, kD, 0, -200, 0, 0), kD, kH, kT).conflict);
  // Just inside is a conflict.
  EXPECT_TRUE(Cd3d(PlanarGeometry(20000, kD - 1, 0, -200, 0, 0), kD, kH, kT).conflict);
  // Level at exactly H apart: on the cylinder's top, no loss (strict).
  EXPECT_FALSE(Cd3d(PlanarGeometry(0, 0, kH, 0, 0, 0), kD, kH, kT).conflict);
  EXPECT_TRUE(Cd3d(PlanarGeometry(0, 0, kH - 0.01, 0, 0, 0), kD, kH, kT).conflict);
}

TEST(Cd3dTest, LossBeyondLookaheadIsNoConflict) {
  // Entry at (200000 - 9260)/400 = 476.85 s > 300 s.
  EXPECT_FALSE(Cd3d(PlanarGeometry(200000, 0, 0, -400, 0, 0), kD, kH, kT).conflict);
}

TEST(Cd3dTest, SymmetricInOwnshipAndIntruder) {
  PairResult a = Cd3d(PlanarGeometry(20000, -15000, 200, -200, 150, -3), kD, kH, kT);
  PairResult b = Cd3d(PlanarGeometry(-20000, 15000, -200, 200, -150, 3), kD, kH, kT);
  EXPECT_EQ(a.conflict, b.conflict);
  EXPECT_NEAR(a.t_in_s, b.t_in_s, 1e-9);
  EXPECT_NEAR(a.t_out_s, b.t_out_s, 1e-9);
}

// DO-365 Phase I: DTHR 4000 ft = 1219.2 m, ZTHR 450 ft = 137.16 m, TTHR 35 s, TCOA 0.
WellClearThresholds Do365() { return WellClearThresholds{}; }

TEST(WellClearTest, HeadOnEntersByModifiedTau) {
  // Closing head-on at 200 m/s from 10 km. Entry when tau_mod = (r² - DTHR²)/(200 r) = 35:
  // r² - 7000 r - DTHR² = 0 -> r = (7000 + sqrt(7000² + 4 DTHR²))/2 = 7206.27 m -> t = 13.969 s.
  // Exit when leaving the DTHR disc: r = -DTHR -> t = (10000 + 1219.2)/200 = 56.096 s.
  const double dthr = 1219.2;
  const double r_in = (7000 + std::sqrt(7000.0 * 7000 + 4 * dthr * dthr)) / 2;
  PairResult r = WellClear(PlanarGeometry(10000, 0, 0, -200, 0, 0), Do365());
  ASSERT_TRUE(r.conflict);
  EXPECT_FALSE(r.los);
  EXPECT_NEAR(r.t_in_s, (10000 - r_in) / 200, 1e-6);
  EXPECT_NEAR(r.t_out_s, (10000 + dthr) / 200, 1e-6);
}

TEST(WellClearTest, MissDistanceAboveDthrIsNoViolation) {
  // Passing 1500 m abeam (> DTHR) at high closure: tau_mod becomes small but hmd > DTHR.
  EXPECT_FALSE(WellClear(PlanarGeometry(10000, 1500, 0, -200, 0, 0), Do365()).conflict);
  EXPECT_TRUE(WellClear(PlanarGeometry(10000, 1200, 0, -200, 0, 0), Do365()).conflict);
}

TEST(WellClearTest, VerticalThresholdIsInclusive) {
  EXPECT_TRUE(WellClear(PlanarGeometry(500, 0, 137.16, 0, 0, 0), Do365()).los);
  EXPECT_FALSE(WellClear(PlanarGeometry(500, 0, 137.2, 0, 0, 0), Do365()).conflict);
}

TEST(WellClearTest, ClimbingThroughCoLocatedTraffic) {
  // Horizontally co-located, 1000 m below, climbing 10 m/s: |sz| <= 137.16 for t in [86.28, 113.72].
  PairResult r = WellClear(PlanarGeometry(0, 0, -1000, 0, 0, 10), Do365());
  ASSERT_TRUE(r.conflict);
  EXPECT_NEAR(r.t_in_s, (1000 - 137.16) / 10, 1e-9);
  EXPECT_NEAR(r.t_out_s, (1000 + 137.16) / 10, 1e-9);
}

TEST(WellClearTest, TimeToCoAltitudeAdvancesVerticalEntry) {
  // TCOA 20 s at 10 m/s: entry at max(ZTHR, 10 * 20) = 200 m -> t = (1000 - 200)/10 = 80 s.
  WellClearThresholds w = Do365();
  w.tcoa_s = 20;
  PairResult r = WellClear(PlanarGeometry(0, 0, -1000, 0, 0, 10), w);
  ASSERT_TRUE(r.conflict);
  EXPECT_NEAR(r.t_in_s, 80, 1e-9);
}

TEST(WellClearTest, ViolationNowByDistanceAndByTau) {
  EXPECT_TRUE(WellClear(PlanarGeometry(1000, 0, 0, 50, 0, 0), Do365()).los);
  // 3000 m closing at 200 m/s: tau_mod = (3000² - 1219.2²)/(200 * 3000) = 12.52 s <= 35 s.
  PairResult r = WellClear(PlanarGeometry(3000, 0, 0, -200, 0, 0), Do365());
  EXPECT_TRUE(r.los);
  EXPECT_EQ(r.t_in_s, 0);
  // Opening at the same range: tau_mod undefined, no violation.
  EXPECT_FALSE(WellClear(PlanarGeometry(3000, 0, 0, 200, 0, 0), Do365()).conflict);
}

TEST(WellClearTest, LookaheadLimitsEntry) {
  // Entry by tau at range 7206 m; starting at 80 km at 200 m/s, that is at t = 364 s > 300 s.
  EXPECT_FALSE(WellClear(PlanarGeometry(80000, 0, 0, -200, 0, 0), Do365()).conflict);
}

}  // namespace
}  // namespace deconflict::detect
