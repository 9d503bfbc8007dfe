// The detector against brute force on random traffic (the property that the broad phase is exact),
// and its handling of parties, tolerance, overrides and bad input.
#include "detect/detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "geo/local_frame.h"
#include "sim/traffic_gen.h"

namespace deconflict::detect {
namespace {

std::vector<TrackState> Traffic(uint64_t seed, size_t count, double box_m, double lat, double lon,
                                double vertical_fraction = 0.3, size_t parties = 3) {
  sim::TrafficOptions o;
  o.seed = seed;
  o.count = count;
  o.box_m = box_m;
  o.center_lat_deg = lat;
  o.center_lon_deg = lon;
  o.vertical_fraction = vertical_fraction;
  o.parties = parties;
  auto r = sim::GenerateTraffic(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

void ExpectSameConflicts(const std::vector<Conflict>& got, const std::vector<Conflict>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].a, want[i].a) << what << " #" << i;
    ASSERT_EQ(got[i].b, want[i].b) << what << " #" << i;
    EXPECT_EQ(got[i].t_in_s, want[i].t_in_s) << what;
    EXPECT_EQ(got[i].t_out_s, want[i].t_out_s) << what;
    EXPECT_EQ(got[i].t_cpa_s, want[i].t_cpa_s) << what;
    EXPECT_EQ(got[i].d_cpa_m, want[i].d_cpa_m) << what;
    EXPECT_EQ(got[i].los, want[i].los) << what;
  }
}

struct Scenario {
  const char* name;
  size_t count;
  double box_m, lat, lon, vertical_fraction;
  size_t parties;
};

const Scenario kScenarios[] = {
    {"dense Swiss", 1500, 60e3, 47, 8, 0.3, 3},
    {"sparse Swiss", 1500, 1000e3, 47, 8, 0.3, 3},
    {"dense climbing", 1200, 80e3, 40, -100, 1.0, 2},
    {"north pole", 1500, 300e3, 89.7, 0, 0.3, 4},
    {"south pole", 1200, 200e3, -90, 45, 0.5, 0},
    {"antimeridian", 1500, 150e3, 10, 180, 0.3, 3},
    {"equator", 1500, 120e3, 0, -30, 0.3, 3},
};

TEST(DetectorTest, CylinderEqualsBruteForceOnRandomTraffic) {
  size_t total = 0;
  for (const Scenario& s : kScenarios) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const auto tracks = Traffic(seed, s.count, s.box_m, s.lat, s.lon, s.vertical_fraction, s.parties);
      Detector d;
      DetectStats st, st_brute;
      const auto got = d.Detect(tracks, &st);
      const auto want = d.DetectBruteForce(tracks, &st_brute);
      ExpectSameConflicts(got, want, s.name);
      EXPECT_EQ(st.conflicts, got.size());
      EXPECT_EQ(st.aircraft, s.count);
      total += want.size();
    }
  }
  EXPECT_GT(total, 1000u);  // the scenarios do exercise conflicts
}

TEST(DetectorTest, WellClearEqualsBruteForceOnRandomTraffic) {
  DetectorOptions o;
  o.model = Model::kWellClear;
  o.well_clear.tcoa_s = 20;  // exercise the vertical time criterion too
  size_t total = 0;
  for (const Scenario& s : kScenarios) {
    const auto tracks = Traffic(7, s.count, s.box_m / 3, s.lat, s.lon, s.vertical_fraction, s.parties);
    Detector d(o);
    const auto want = d.DetectBruteForce(tracks);
    ExpectSameConflicts(d.Detect(tracks), want, s.name);
    total += want.size();
  }
  EXPECT_GT(total, 50u);
}

TEST(DetectorTest, ResultDoesNotDependOnGridTuning) {
  const auto tracks = Traffic(11, 2000, 100e3, 60, 10);
  DetectorOptions o;
  Detector ref(o);
  const auto want = ref.DetectBruteForce(tracks);
  ASSERT_FALSE(want.empty());
  for (double cell : {0.05, 0.3, 1.0, 4.0}) {
    for (double band : {0.2, 1.0, 8.0}) {
      o.grid.cell_factor = cell;
      o.grid.band_factor = band;
      Detector d(o);
      ExpectSameConflicts(d.Detect(tracks), want, "grid tuning");
    }
  }
}

TEST(DetectorTest, FastAircraftAndLongLookaheadUseTheFallbackAndStayExact) {
  auto tracks = Traffic(5, 800, 200e3, 30, 30);
  for (size_t i = 0; i < tracks.size(); i += 10) tracks[i].gs_mps = 1400;  // beyond the grid reach
  DetectorOptions o;
  o.minima.lookahead_s = 900;
  // With huge cells a far-reaching aircraft covers few cells: it must still leave the grid.
  for (double cell : {1.0, 10.0}) {
    o.grid.cell_factor = cell;
    Detector d(o);
    const auto want = d.DetectBruteForce(tracks);
    size_t with_fast = 0;
    for (const auto& c : want) with_fast += (c.a % 10 == 0) || (c.b % 10 == 0);
    EXPECT_GT(with_fast, 0u);
    ExpectSameConflicts(d.Detect(tracks), want, "fast");
  }
}

TEST(DetectorTest, FarReachingHeadOnIsFoundWhateverTheGrid) {
  // A 1400 m/s aircraft and a 250 m/s one, 1900 km apart on the equator, head-on: they meet after
  // 1900 km / 1650 m/s = 1152 s, inside a 1200 s look-ahead (the other aircraft, <= 250 m/s, stay
  // within the grid's 300 km reach). Straight ECEF lines this long leave the surface by hundreds of
  // km, so only the exact path for far-reaching aircraft keeps the pair.
  auto tracks = Traffic(8, 300, 2000e3, 0, 5, 0.3, 2);
  TrackState fast, slow;
  fast.id = "fast";
  fast.party = "P0";
  fast.lat_deg = 0;
  fast.lon_deg = 0;
  fast.alt_m = 15000;
  fast.gs_mps = 1400;
  fast.trk_deg = 90;
  slow = fast;
  slow.id = "slow";
  slow.party = "P1";
  slow.lon_deg = 1900e3 / 111319.5;
  slow.gs_mps = 250;
  slow.trk_deg = 270;
  tracks.insert(tracks.begin() + 150, fast);
  tracks.push_back(slow);
  DetectorOptions o;
  o.minima.lookahead_s = 1200;
  for (double cell : {0.5, 1.0, 10.0}) {
    o.grid.cell_factor = cell;
    Detector d(o);
    const auto got = d.Detect(tracks);
    ExpectSameConflicts(got, d.DetectBruteForce(tracks), "far reaching");
    bool found = false;
    for (const auto& c : got) found |= c.a == 150 && c.b == tracks.size() - 1;
    EXPECT_TRUE(found) << "cell factor " << cell;
  }
}

TEST(DetectorTest, IncludeSamePartyAndOverridesEqualBruteForce) {
  const auto tracks = Traffic(13, 1500, 80e3, 47, 8, 0.3, 3);
  DetectorOptions o;
  o.include_same_party = true;
  o.party_minima[MakePartyPair("P1", "P0")] = {units::NauticalMilesToMeters(8), units::FeetToMeters(2000), 400};
  o.party_minima[MakePartyPair("P2", "P2")] = {units::NauticalMilesToMeters(2), units::FeetToMeters(500), 120};
  Detector d(o);
  ExpectSameConflicts(d.Detect(tracks), d.DetectBruteForce(tracks), "overrides");
}

// Two aircraft near Zurich on the same parallel, 40 km apart, flying at each other at 200 m/s.
std::vector<TrackState> HeadOn(double alt_b_m = 10000) {
  const geo::LocalFrame f(47, 8);
  std::vector<TrackState> t(2);
  double alt;
  f.FromLocal({-20000, 0, 0}, &t[0].lat_deg, &t[0].lon_deg, &alt);
  f.FromLocal({20000, 0, 0}, &t[1].lat_deg, &t[1].lon_deg, &alt);
  t[0].id = "a";
  t[1].id = "b";
  t[0].party = "blue";
  t[1].party = "red";
  t[0].alt_m = 10000;
  t[1].alt_m = alt_b_m;
  t[0].gs_mps = t[1].gs_mps = 200;
  t[0].trk_deg = 90;
  t[1].trk_deg = 270;
  return t;
}

TEST(DetectorTest, ReusedDetectorGivesTheSameResults) {
  // Buffers are kept between calls; a large, a small and the large input again must not interfere.
  const auto big = Traffic(31, 3000, 150e3, 47, 8);
  const auto small = Traffic(32, 200, 50e3, -60, 170);
  Detector d;
  const auto first = d.Detect(big);
  ASSERT_FALSE(first.empty());
  ExpectSameConflicts(d.Detect(small), Detector().Detect(small), "small after big");
  ExpectSameConflicts(d.Detect(big), first, "big again");
}

TEST(DetectorTest, HeadOnPairMatchesPlanarGeometry) {
  Detector d;
  DetectStats st;
  const auto c = d.Detect(HeadOn(), &st);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].a, 0u);
  EXPECT_EQ(c[0].b, 1u);
  // Closing at 400 m/s from 40 km: entry at (40000 - 9260)/400 = 76.85 s (the ENU placement is
  // along the tangent plane, so allow a few metres of curvature: 0.05 s).
  EXPECT_NEAR(c[0].t_in_s, 76.85, 0.05);
  EXPECT_NEAR(c[0].t_cpa_s, 100, 0.05);
  EXPECT_NEAR(c[0].d_cpa_m, 0, 50);
  EXPECT_NEAR(c[0].h_dist_m, 40000, 5);
  EXPECT_FALSE(c[0].los);
  EXPECT_EQ(st.aircraft, 2u);
  EXPECT_EQ(st.conflicts, 1u);
}

TEST(DetectorTest, SamePartyIsSkippedUnlessAsked) {
  auto t = HeadOn();
  t[1].party = "blue";
  EXPECT_TRUE(Detector().Detect(t).empty());
  DetectorOptions o;
  o.include_same_party = true;
  EXPECT_EQ(Detector(o).Detect(t).size(), 1u);
  // No party: each aircraft is its own party.
  t[0].party.clear();
  t[1].party.clear();
  EXPECT_EQ(Detector().Detect(t).size(), 1u);
}

TEST(DetectorTest, DefaultToleranceIgnoresQuantisedStandardSpacing) {
  // 975 ft apparent spacing (1000 ft flown, 25 ft coding): no loss with the default tolerance.
  EXPECT_TRUE(Detector().Detect(HeadOn(10000 + units::FeetToMeters(975))).empty());
  EXPECT_TRUE(Detector().Detect(HeadOn(10000 + units::FeetToMeters(900))).empty());
  // A real bust (850 ft) is a loss.
  EXPECT_EQ(Detector().Detect(HeadOn(10000 + units::FeetToMeters(850))).size(), 1u);
  // Tolerance 0 is the pure cylinder: 975 ft < 1000 ft is a loss.
  DetectorOptions o;
  o.vertical_tolerance_m = 0;
  EXPECT_EQ(Detector(o).Detect(HeadOn(10000 + units::FeetToMeters(975))).size(), 1u);
}

TEST(DetectorTest, WellClearUsesZthrMinusTolerance) {
  // Co-altitude head-on is a violation; 400 ft apart is one at tolerance 0 (<= 450 ft) but not with
  // the default 100 ft tolerance (<= 350 ft).
  DetectorOptions o;
  o.model = Model::kWellClear;
  const auto same = Detector(o).Detect(HeadOn());
  ASSERT_EQ(same.size(), 1u);
  // Closing at 400 m/s from 40 km: tau_mod = 35 s at r with r² - 14000 r - DTHR² = 0, r = 14105.4 m.
  EXPECT_NEAR(same[0].t_in_s, (40000 - 14105.4) / 400, 0.05);
  EXPECT_TRUE(Detector(o).Detect(HeadOn(10000 + units::FeetToMeters(400))).empty());
  o.vertical_tolerance_m = 0;
  EXPECT_EQ(Detector(o).Detect(HeadOn(10000 + units::FeetToMeters(400))).size(), 1u);
}

TEST(DetectorTest, PartyPairMinimaOverrideTheDefault) {
  auto t = HeadOn();
  t[1].trk_deg = 90;  // same direction, 40 km apart: no conflict with 5 NM
  EXPECT_TRUE(Detector().Detect(t).empty());
  DetectorOptions o;
  o.party_minima[MakePartyPair("red", "blue")] = {25000, 300, 300};
  EXPECT_EQ(Detector(o).Detect(t).size(), 0u);  // 40 km > 25 km
  o.party_minima[MakePartyPair("red", "blue")] = {45000, 300, 300};
  const auto c = Detector(o).Detect(t);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].los);
  // Another pair of parties keeps the default.
  t[1].party = "green";
  EXPECT_TRUE(Detector(o).Detect(t).empty());
}

TEST(DetectorTest, InvalidAndGroundStatesAreSkippedAndCounted) {
  auto t = HeadOn();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<TrackState> bad(7, t[0]);
  bad[0].lat_deg = nan;
  bad[1].lat_deg = 95;
  bad[2].gs_mps = -5;
  bad[3].alt_m = inf;
  bad[4].vs_mps = nan;
  bad[5].trk_deg = nan;
  bad[6].on_ground = true;
  for (size_t i = 0; i < bad.size(); ++i) bad[i].id = "bad" + std::to_string(i);
  std::vector<TrackState> all = bad;
  all.insert(all.end(), t.begin(), t.end());
  DetectStats st;
  const auto c = Detector().Detect(all, &st);
  EXPECT_EQ(st.invalid, 6u);
  EXPECT_EQ(st.on_ground, 1u);
  EXPECT_EQ(st.aircraft, 2u);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].a, 7u);  // indices into the input span, bad ones included
  EXPECT_EQ(c[0].b, 8u);
  DetectStats st2;
  EXPECT_EQ(Detector().DetectBruteForce(all, &st2).size(), 1u);
  EXPECT_EQ(st2.invalid, 6u);
}

TEST(DetectorTest, ExtremeButValidStatesEqualBruteForce) {
  // Exactly at the poles, longitudes far outside [-180, 180), zero and maximal speeds and rates,
  // the altitude limits: all valid, all handled like any other state.
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<TrackState> t;
  const double lats[] = {90, -90, 89.999, -89.9999, 0, 45};
  const double lons[] = {0, 180, -180, 540, -720.5, 1e6, 179.9999};
  for (int i = 0; i < 600; ++i) {
    TrackState x;
    x.id = std::to_string(i);  // (GCC 12 warns falsely on "x" + std::to_string under -O3)
    x.party = std::to_string(100 + i % 3);
    x.lat_deg = lats[i % 6] + (i % 6 < 4 ? 0 : u(rng) * 0.5);
    x.lon_deg = lons[i % 7] + (i % 5 == 0 ? 0 : u(rng) * 0.2);
    if (std::abs(x.lat_deg) > 90) x.lat_deg = std::copysign(90.0, x.lat_deg);
    x.alt_m = i % 11 == 0 ? -2000 : i % 13 == 0 ? 100e3 : 9000 + u(rng) * 600;
    x.gs_mps = i % 4 == 0 ? 0 : i % 17 == 0 ? 1500 : u(rng) * 300;
    x.trk_deg = u(rng) * 720 - 360;
    x.vs_mps = i % 19 == 0 ? 500 : i % 23 == 0 ? -500 : 0;
    t.push_back(x);
  }
  for (Model model : {Model::kCylinder, Model::kWellClear}) {
    DetectorOptions o;
    o.model = model;
    Detector d(o);
    DetectStats st;
    const auto want = d.DetectBruteForce(t);
    ASSERT_FALSE(want.empty());
    ExpectSameConflicts(d.Detect(t, &st), want, "extreme");
    EXPECT_EQ(st.invalid, 0u);
    EXPECT_EQ(st.aircraft, t.size());
  }
}

TEST(DetectorTest, InvalidOptionsAreRejected) {
  DetectorOptions o;
  o.vertical_tolerance_m = 400;  // >= 1000 ft
  EXPECT_FALSE(ValidateOptions(o).ok());
  EXPECT_TRUE(Detector(o).Detect(HeadOn()).empty());
  EXPECT_NE(Detector(o).options_status().message().find("vertical tolerance"), std::string::npos);
  EXPECT_TRUE(Detector().options_status().ok());
  o = {};
  o.minima.horizontal_m = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(ValidateOptions(o).ok());
  o = {};
  o.party_minima[MakePartyPair("a", "b")] = {1000, -1, 300};
  EXPECT_NE(ValidateOptions(o).message().find("parties a, b"), std::string::npos);
  EXPECT_TRUE(ValidateOptions(DetectorOptions{}).ok());
}

TEST(DetectorTest, EmptyAndSingleInputs) {
  Detector d;
  DetectStats st;
  EXPECT_TRUE(d.Detect({}, &st).empty());
  EXPECT_EQ(st.aircraft, 0u);
  auto t = HeadOn();
  t.resize(1);
  EXPECT_TRUE(d.Detect(t).empty());
}

TEST(DetectorTest, BroadPhasePrunesSparseTraffic) {
  const auto tracks = Traffic(3, 5000, 1000e3, 47, 8);
  DetectStats st;
  Detector().Detect(tracks, &st);
  const size_t all_pairs = tracks.size() * (tracks.size() - 1) / 2;
  EXPECT_LT(st.candidate_pairs, all_pairs / 20);
  EXPECT_LE(st.filtered_pairs, st.candidate_pairs);
  EXPECT_GT(st.grid_entries, 0u);
  EXPECT_LT(st.state_bytes / tracks.size(), 1024u);
}

TEST(DetectorTest, ChordNormalComponentStaysWithinTheGridMargin) {
  // The grid pads by 100 m for the component of the chord between two surface points along their
  // mid normal (zero on a sphere, third order on the ellipsoid); pairs it must keep start at most
  // ~1500 km apart under the option limits. Check the bound anywhere.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180), dlat(-14, 14), dlon(-20, 20);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double la = lat(rng), lo = lon(rng);
    const double la2 = std::clamp(la + dlat(rng), -90.0, 90.0), lo2 = lo + dlon(rng);
    if (geo::GeodesicDistanceM(la, lo, la2, lo2) > 1500e3) continue;
    const auto a = geo::ToSurfaceState(la, lo, 0, 0, 0, 0), b = geo::ToSurfaceState(la2, lo2, 0, 0, 0, 0);
    const geo::Vec3 m = (1 / geo::Norm(a.up + b.up)) * (a.up + b.up);
    worst = std::max(worst, std::abs(geo::Dot(b.position_m - a.position_m, m)));
  }
  EXPECT_LT(worst, 100.0);
  EXPECT_GT(worst, 1.0);  // the check does reach distances where the term is not negligible
}

TEST(DetectorTest, OptionLimitsAreEnforced) {
  DetectorOptions o;
  o.minima.horizontal_m = 250e3;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o = {};
  o.minima.lookahead_s = 4000;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o = {};
  o.well_clear.tthr_s = 200;
  EXPECT_FALSE(ValidateOptions(o).ok());
}

TEST(DetectorTest, LongLookaheadAndWideMinimaStayExact) {
  const auto tracks = Traffic(21, 1000, 400e3, 65, -170);
  DetectorOptions o;
  o.minima = {50e3, 600, 1800};
  Detector d(o);
  const auto want = d.DetectBruteForce(tracks);
  ASSERT_FALSE(want.empty());
  ExpectSameConflicts(d.Detect(tracks), want, "long look-ahead");
}

}  // namespace
}  // namespace deconflict::detect
