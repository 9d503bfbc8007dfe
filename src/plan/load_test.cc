#include "plan/load.h"

#include <gtest/gtest.h>

#include "plan/geojson.h"
#include "plan/registry.h"

namespace deconflict::plan {
namespace {

const std::string kExamples = std::string(DECONFLICT_TEST_DATA) + "/../../examples/plans/";

TEST(Times, IsoAndDurations) {
  EXPECT_EQ(*ParseIsoTime("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_EQ(*ParseIsoTime("2026-01-01T02:00:00+02:00"), 1767225600);
  EXPECT_DOUBLE_EQ(*ParseIsoTime("2026-01-01T00:00:00.25Z"), 1767225600.25);
  EXPECT_FALSE(ParseIsoTime("2026-01-01T00:00:00").ok());  // no zone
  EXPECT_FALSE(ParseIsoTime("2026-13-01T00:00:00Z").ok());
  EXPECT_EQ(FormatIsoTime(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(*ParseDuration("45m"), 2700);
  EXPECT_EQ(*ParseDuration("-1s"), -1);
  EXPECT_EQ(*ParseDuration("32d"), 32 * 86400);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400);
  EXPECT_FALSE(ParseDuration("5 fortnights").ok());
}

TEST(PlanFile, ExampleLoadsWithUnitsConvertedAtTheEdge) {
  auto doc = LoadPlanFile(kExamples + "crowded_skies.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->agreements.size(), 1u);
  EXPECT_DOUBLE_EQ(doc->agreements[0].terms.buffer_vertical_m, 300 * 0.3048);
  EXPECT_DOUBLE_EQ(doc->agreements[0].terms.track_horizontal_m, 5 * 1852);
  EXPECT_DOUBLE_EQ(doc->agreements[0].terms.track_lookahead_s, 300);
  ASSERT_EQ(doc->agreements[0].terms.escalation.size(), 2u);
  ASSERT_EQ(doc->zones.size(), 1u);
  EXPECT_EQ(doc->zones[0].kind, ZoneKind::kProtectedSite);
  EXPECT_EQ(*doc->zones[0].notification_lead_s, 86400);
  ASSERT_EQ(doc->operations.size(), 4u);
  const Volume4D& v = doc->operations[1].volumes[0];
  EXPECT_DOUBLE_EQ(v.altitude_lower_m, 6000 * 0.3048);
  EXPECT_DOUBLE_EQ(v.time_end_s - v.time_start_s, 90 * 60);
  EXPECT_EQ(doc->operations[2].volumes[0].outline_circle->radius_m, 800);
}

TEST(PlanFile, ErrorsNameFileLineAndField) {
  const char* text =
      "operations:\n"
      "  - id: a\n"
      "    owner: blue\n"
      "    state: flying\n"
      "    volumes: []\n";
  auto bad_state = ParsePlanText(text, "p.yaml");
  ASSERT_FALSE(bad_state.ok());
  EXPECT_NE(bad_state.status().message().find("p.yaml:4: operations[0].state: unknown operation state \"flying\""),
            std::string::npos)
      << bad_state.status().message();
  const char* unit =
      "operations:\n"
      "  - id: a\n"
      "    owner: blue\n"
      "    volumes:\n"
      "      - outline_circle: {center: [0, 0], radius: 5parsec}\n"
      "        altitude_lower: 0\n"
      "        altitude_upper: 10\n"
      "        time_start: 0\n"
      "        time_end: 10\n";
  auto bad_unit = ParsePlanText(unit, "p.yaml");
  ASSERT_FALSE(bad_unit.ok());
  EXPECT_NE(bad_unit.status().message().find("operations[0].volumes[0].outline_circle.radius"), std::string::npos);
  EXPECT_NE(bad_unit.status().message().find("parsec"), std::string::npos) << bad_unit.status().message();
  auto bad_ref = ParsePlanText(
      "operations: [{id: a, owner: b, volumes: [{outline_circle: {center: [0, 0], radius: 5}, altitude_lower: "
      "{value: 0, units: M, reference: AGL}, altitude_upper: 1, time_start: 0, time_end: 1}]}]",
      "p.json");
  ASSERT_FALSE(bad_ref.ok());
  EXPECT_NE(bad_ref.status().message().find("unknown altitude reference \"AGL\""), std::string::npos);
  auto nan = ParsePlanText(
      "operations: [{id: a, owner: b, volumes: [{outline_circle: {center: [.nan, 0], radius: 5}, altitude_lower: 0, "
      "altitude_upper: 1, time_start: 0, time_end: 1}]}]",
      "p.yaml");
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("outline_circle.center.lat"), std::string::npos) << nan.status().message();
  auto typo = ParsePlanText("operations: [{id: a, owner: b, priorty: 3, volumes: []}]", "p.yaml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("unknown field \"priorty\""), std::string::npos);
  auto broken = ParsePlanText("operations: [", "p.yaml");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("p.yaml:"), std::string::npos);
}

TEST(GeoJson, ReadsZonesAndCircleOperations) {
  auto doc = LoadPlanFile(kExamples + "truce_area.geojson");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->zones.size(), 1u);
  EXPECT_EQ(doc->zones[0].kind, ZoneKind::kTruce);
  EXPECT_FALSE(doc->zones[0].binds_all_others);
  EXPECT_EQ(doc->zones[0].binds, (std::vector<PartyId>{"blue", "red"}));
  ASSERT_EQ(doc->zones[0].volumes[0].outline_polygon.size(), 5u);
  EXPECT_DOUBLE_EQ(doc->zones[0].volumes[0].outline_polygon[1].lng_deg, 37.10);  // [lng, lat] order
  ASSERT_EQ(doc->operations.size(), 1u);
  ASSERT_TRUE(doc->operations[0].volumes[0].outline_circle.has_value());
  EXPECT_EQ(doc->operations[0].volumes[0].outline_circle->radius_m, 2000);
  EXPECT_DOUBLE_EQ(doc->operations[0].volumes[0].outline_circle->center.lat_deg, 36.04);
}

TEST(GeoJson, RoundTripKeepsOperationsZonesAndExactCircles) {
  auto doc = LoadPlanFile(kExamples + "crowded_skies.yaml");
  ASSERT_TRUE(doc.ok());
  const std::string out = ToGeoJson(doc->operations, doc->zones, {});
  auto back = ParsePlanText(out, "out.geojson");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->operations.size(), doc->operations.size());
  ASSERT_EQ(back->zones.size(), 1u);
  EXPECT_EQ(back->zones[0].volumes[0].outline_circle->radius_m, 1000);
  for (size_t i = 0; i < doc->operations.size(); ++i) {
    const Operation& a = doc->operations[i];
    const Operation& b = back->operations[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.priority, b.priority);
    EXPECT_EQ(a.state, b.state);
    EXPECT_DOUBLE_EQ(a.volumes[0].time_start_s, b.volumes[0].time_start_s);
    EXPECT_DOUBLE_EQ(a.volumes[0].altitude_upper_m, b.volumes[0].altitude_upper_m);
    if (a.volumes[0].outline_circle) {
      EXPECT_EQ(a.volumes[0].outline_circle->radius_m, b.volumes[0].outline_circle->radius_m);
    } else {
      // Same polygon (written CCW and closed; re-read drops the closing vertex).
      EXPECT_EQ(b.volumes[0].outline_polygon.size(), a.volumes[0].outline_polygon.size() + 1);
    }
  }
}

TEST(GeoJson, ConflictFeaturesCarryOnlyTheOverlap) {
  auto doc = LoadPlanFile(kExamples + "crowded_skies.yaml");
  ASSERT_TRUE(doc.ok());
  Registry r;
  const double now = *doc->now_s;
  ASSERT_TRUE(r.PutOperation(doc->operations[0], 0, now)->accepted);  // red-recce-7
  const Operation& blue = doc->operations[1];                          // blue-supply-3
  auto d = r.CheckOperation(blue, now);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->conflicts.size(), 1u);
  ConflictFeature cf{blue.id, blue.owner, d->conflicts[0], r.OverlapOutline(blue, d->conflicts[0])};
  ASSERT_EQ(cf.overlap.size(), 1u);
  const std::string out = ToGeoJson({}, {}, {cf});
  EXPECT_NE(out.find("\"kind\": \"conflict\""), std::string::npos);
  EXPECT_NE(out.find("\"other_id\": \"red-recce-7\""), std::string::npos);
  // Red's outline corner at 36.24 N is not disclosed; only the overlap (36.210..36.225 N).
  EXPECT_EQ(out.find("36.24"), std::string::npos);
  EXPECT_NE(out.find("36.21"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::plan
