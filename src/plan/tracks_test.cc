#include "plan/tracks.h"

#include <gtest/gtest.h>

#include <cmath>

#include "plan/registry.h"

namespace deconflict::plan {
namespace {

constexpr double kNow = 1767225600;
constexpr double kMetresPerDegree = kMeanEarthRadiusM * M_PI / 180;  // on the mean sphere

CompiledVolume Square(double lat, double lng, double half_deg, double lo, double hi) {
  Volume4D v;
  v.outline_polygon = {{lat - half_deg, lng - half_deg},
                       {lat - half_deg, lng + half_deg},
                       {lat + half_deg, lng + half_deg},
                       {lat + half_deg, lng - half_deg}};
  v.altitude_lower_m = lo;
  v.altitude_upper_m = hi;
  v.time_start_s = kNow;
  v.time_end_s = kNow + 3600;
  auto c = CompileVolume(v, PlanLimits{}, "v");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

TrackState At(double lat, double lon, double alt, double t = kNow + 60) {
  TrackState s;
  s.id = "abc123";
  s.party = "blue";
  s.time_s = t;
  s.lat_deg = lat;
  s.lon_deg = lon;
  s.alt_m = alt;
  return s;
}

TEST(Conformance, InsideIsConformingOutsideBeyondToleranceIsNot) {
  const std::vector<CompiledVolume> vols = {Square(0, 0, 0.001, 0, 100)};  // edge at 111 m
  ConformanceOptions o;
  EXPECT_TRUE(CheckConformance(At(0, 0, 50), vols, o).conforming);
  // 10 m outside the east edge: within the 15 m tolerance.
  EXPECT_TRUE(CheckConformance(At(0, 0.001 + 10 / kMetresPerDegree, 50), vols, o).conforming);
  auto out = CheckConformance(At(0, 0.001 + 30 / kMetresPerDegree, 50), vols, o);
  EXPECT_FALSE(out.conforming);
  EXPECT_NEAR(out.horizontal_outside_m, 30, 0.5);
  EXPECT_NE(out.reason.find("outside volume 0"), std::string::npos);
  // Vertically: 8 m above is within 10 m, 12 m above is not.
  EXPECT_TRUE(CheckConformance(At(0, 0, 108), vols, o).conforming);
  EXPECT_FALSE(CheckConformance(At(0, 0, 112), vols, o).conforming);
  // In time: 3 s after the end is within 5 s; 60 s after is not.
  EXPECT_TRUE(CheckConformance(At(0, 0, 50, kNow + 3603), vols, o).conforming);
  EXPECT_FALSE(CheckConformance(At(0, 0, 50, kNow + 3660), vols, o).conforming);
}

TEST(Conformance, AnyVolumeOfTheOperationWillDo) {
  const std::vector<CompiledVolume> vols = {Square(0, 0, 0.001, 0, 100), Square(0, 0.01, 0.001, 0, 100)};
  auto c = CheckConformance(At(0, 0.01, 50), vols, {});
  EXPECT_TRUE(c.conforming);
  EXPECT_EQ(c.nearest_volume, 1);
}

TEST(ZoneEntry, TimeToEntryAlongTheTrack) {
  // Zone edge 0.01 deg (1112 m) east of the aircraft flying east at 50 m/s: entry in ~20.2 s
  // (west edge at 0.009 deg = 1000.8 m).
  CompiledVolume zone = Square(0, 0.01, 0.001, 0, 1000);
  TrackState t = At(0, 0, 500);
  t.gs_mps = 50;
  t.trk_deg = 90;
  auto tte = TimeToEntry(t, zone, 300);
  ASSERT_TRUE(tte.has_value());
  EXPECT_NEAR(*tte, 0.009 * kMetresPerDegree / 50, 0.05);
  // Flying north it never enters; with too short a look-ahead it is not reported.
  t.trk_deg = 0;
  EXPECT_FALSE(TimeToEntry(t, zone, 300).has_value());
  t.trk_deg = 90;
  EXPECT_FALSE(TimeToEntry(t, zone, 15).has_value());
  // Climbing into the band: 300 m below it (band 800-1000 m) at 10 m/s: enters at t = 30 s, after
  // it crossed the edge horizontally.
  CompiledVolume high = Square(0, 0.01, 0.005, 800, 1000);  // from 556 m to 1668 m east
  EXPECT_FALSE(TimeToEntry(t, high, 300).has_value());
  t.vs_mps = 10;
  auto climb = TimeToEntry(t, high, 300);
  ASSERT_TRUE(climb.has_value());
  EXPECT_NEAR(*climb, 30.0, 1e-6);
  // Through the narrow zone it would have left horizontally (at 24.4 s) before reaching the band.
  EXPECT_FALSE(TimeToEntry(t, Square(0, 0.01, 0.001, 800, 1000), 300).has_value());
  t.vs_mps = 0;
  // Inside now.
  auto now = TimeToEntry(At(0, 0.01, 500), zone, 300);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(*now, 0);
}

TEST(ZoneEntry, CircleZoneAcrossTheAntimeridian) {
  Volume4D v;
  v.outline_circle = Circle{{0, 180}, 1000};
  v.altitude_lower_m = 0;
  v.altitude_upper_m = 1000;
  v.time_start_s = kNow;
  v.time_end_s = kNow + 3600;
  auto zone = CompileVolume(v, PlanLimits{}, "v");
  ASSERT_TRUE(zone.ok());
  TrackState t = At(0, 179.97, 500);  // 3336 m west of the centre, flying east at 100 m/s
  t.gs_mps = 100;
  t.trk_deg = 90;
  auto tte = TimeToEntry(t, *zone, 120);
  ASSERT_TRUE(tte.has_value());
  // Entry ~ (3336 - 1000 * 1.0056) / 100 s (the conservative radius is up to 0.7% larger).
  EXPECT_NEAR(*tte, (0.03 * kMetresPerDegree - 1000 * kMeanEarthRadiusM / kConservativeRadiusM) / 100, 0.05);
}

TEST(ZoneEntry, RegistryPredictsOnlyBindingZones) {
  Registry r;
  Zone z{"site", "un", ZoneKind::kProtectedSite, {}, false, {"blue"}, std::nullopt, 0, 0};
  Volume4D v;
  v.outline_polygon = {{-0.001, 0.009}, {-0.001, 0.011}, {0.001, 0.011}, {0.001, 0.009}};
  v.altitude_lower_m = 0;
  v.altitude_upper_m = 1000;
  v.time_start_s = kNow;
  v.time_end_s = kNow + 3600;
  z.volumes = {v};
  ASSERT_TRUE(r.PutZone(z, 0, kNow).ok());
  TrackState t = At(0, 0, 500);
  t.gs_mps = 50;
  t.trk_deg = 90;
  auto entries = r.PredictZoneEntries(t);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].zone_id, "site");
  EXPECT_NEAR(entries[0].time_to_entry_s, 0.009 * kMetresPerDegree / 50, 0.05);
  t.party = "red";  // not bound
  EXPECT_TRUE(r.PredictZoneEntries(t).empty());
  // Conformance through the registry: unknown operation.
  EXPECT_EQ(r.CheckConformance(t, "nope").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace deconflict::plan
