#include "plan/codec.h"

#include <gtest/gtest.h>

#include "plan/limits.h"

namespace deconflict::plan {
namespace {

Json CircleVolume() {
  return Json{{"outline_circle", {{"center", {{"lat", 35}, {"lng", 38}}}, {"radius", "2km"}}},
              {"altitude_lower", {{"value", 1000}, {"units", "FT"}, {"reference", "W84"}}},
              {"altitude_upper", 900},
              {"time_start", "2026-01-01T10:00:00Z"},
              {"duration", "30min"}};
}

TEST(PlanCodec, DecodesEveryAcceptedFormAndRoundTrips) {
  Json body{{"id", "op-1"}, {"priority", 3}, {"state", "activated"}, {"volumes", {CircleVolume()}}};
  body["volumes"].push_back(Json{{"volume", {{"outline_polygon", {{"vertices", {{{"lat", 1}, {"lng", 2}}, {{"lat", 1}, {"lng", 3}}, {{"lat", 2}, {"lng", 3}}}}}},
                                             {"altitude_lower", 0}, {"altitude_upper", "FL100"}}},
                                 {"time_start", {{"value", 1767261600}, {"format", "RFC3339"}}},
                                 {"time_end", 1767265200}});
  auto op = DecodeOperation(body);
  ASSERT_TRUE(op.ok()) << op.status().message();
  EXPECT_EQ(op->priority, 3);
  EXPECT_EQ(op->state, OperationState::kActivated);
  ASSERT_EQ(op->volumes.size(), 2u);
  EXPECT_DOUBLE_EQ(op->volumes[0].altitude_lower_m, 304.8);
  EXPECT_DOUBLE_EQ(op->volumes[0].outline_circle->radius_m, 2000);
  EXPECT_DOUBLE_EQ(op->volumes[0].time_start_s, 1767261600);
  EXPECT_DOUBLE_EQ(op->volumes[0].time_end_s, 1767261600 + 1800);
  EXPECT_EQ(op->volumes[1].outline_polygon.size(), 3u);
  EXPECT_DOUBLE_EQ(op->volumes[1].altitude_upper_m, 10000 * 0.3048);
  auto again = DecodeOperation(EncodeOperation(*op));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *op);

  Json zone{{"id", "z"}, {"kind", "protected_site"}, {"binds", {"red"}}, {"notification_lead", "24h"},
            {"notified_at", 1767000000}, {"volumes", {CircleVolume()}}};
  auto z = DecodeZone(zone);
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_FALSE(z->binds_all_others);
  EXPECT_EQ(*z->notification_lead_s, 86400);
  auto z2 = DecodeZone(EncodeZone(*z));
  ASSERT_TRUE(z2.ok()) << z2.status().message();
  EXPECT_EQ(*z2, *z);

  AgreementTerms base;
  auto t = DecodeAgreementTerms(Json{{"buffer_horizontal_m", 50}, {"escalation", {{{"after_s", 60}, {"action", "hotline"}}}}}, base);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->buffer_horizontal_m, 50);
  EXPECT_EQ(t->track_horizontal_m, base.track_horizontal_m);
  auto t2 = DecodeAgreementTerms(EncodeAgreementTerms(*t), AgreementTerms{});
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(*t2, *t);
}

std::string ErrorOf(const Json& body) {
  auto op = DecodeOperation(body);
  return op.ok() ? "accepted" : op.status().message();
}

TEST(PlanCodec, ErrorsNameTheFieldTheReasonAndWhatIsAllowed) {
  Json v = CircleVolume();
  Json op{{"id", "a"}, {"volumes", {v}}};
  Json high = op;
  high["volumes"][0]["altitude_upper"] = Json{{"value", 1e9}, {"units", "M"}};
  EXPECT_EQ(ErrorOf(high), "volumes[0].altitude_upper.value: 1000000000 m is out of range [-1000, 30000] m");
  Json number_id = op;
  number_id["id"] = 42;
  EXPECT_EQ(ErrorOf(number_id), "id: expected a string, got number 42");
  Json extra = op;
  extra["foo"] = 1;
  EXPECT_EQ(ErrorOf(extra), "foo: unknown field \"foo\"; allowed: id, owner, priority, state, volumes");
  Json vol_extra = op;
  vol_extra["volumes"][0]["colour"] = "red";
  EXPECT_EQ(ErrorOf(vol_extra).rfind("volumes[0].colour: unknown field \"colour\"; allowed: altitude_lower, altitude_upper, "
                                     "duration, outline_circle, outline_polygon, time_end, time_start, volume", 0),
            0u)
      << ErrorOf(vol_extra);
  Json state = op;
  state["state"] = "cruising";
  EXPECT_NE(ErrorOf(state).find("state: unknown operation state \"cruising\" (expected accepted"), std::string::npos);
  Json unit = op;
  unit["volumes"][0]["outline_circle"]["radius"] = "5parsec";
  EXPECT_NE(ErrorOf(unit).find("volumes[0].outline_circle.radius: unknown length unit"), std::string::npos) << ErrorOf(unit);
  Json lat = op;
  lat["volumes"][0]["outline_circle"]["center"]["lat"] = 91;
  EXPECT_EQ(ErrorOf(lat), "volumes[0].outline_circle.center.lat: 91 deg is out of range [-90, 90] deg");
  Json missing = op;
  missing["volumes"][0].erase("altitude_lower");
  EXPECT_EQ(ErrorOf(missing), "volumes[0].altitude_lower: required field is missing");
  Json long_id = op;
  long_id["id"] = std::string(200, 'x');
  EXPECT_EQ(ErrorOf(long_id), "id: 200 bytes exceed the limit of 128 bytes");
  Json bad_char = op;
  bad_char["id"] = "a b";
  EXPECT_EQ(ErrorOf(bad_char), "id: has a character outside [A-Za-z0-9_.:@-] at byte 1");
  Json frac = op;
  frac["priority"] = 1.5;
  EXPECT_EQ(ErrorOf(frac), "priority: 1.5 is not an integer");
  Json time = op;
  time["volumes"][0]["time_start"] = -5;
  EXPECT_EQ(ErrorOf(time), "volumes[0].time_start: -5 s is out of range [0, 253402300799] s");
  EXPECT_EQ(ErrorOf(Json::array()), "body: expected a JSON object, got an array");
  auto z = DecodeZone(Json{{"id", "z"}, {"volumes", {v}}});
  EXPECT_EQ(z.status().message(), "kind: required field is missing");
}

}  // namespace
}  // namespace deconflict::plan
