// Operations, zones and agreements through the service: checks on every write, version tokens, need-to-know
// conflict answers, agreement versions in force.
#include <gtest/gtest.h>

#include <ctime>

#include "test_client.h"

namespace deconflict::testing {
namespace {

Json Volume(double lat, double lon, double lower, double upper, double start, double end) {
  return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", 3000}}},
              {"altitude_lower", lower}, {"altitude_upper", upper}, {"time_start", start}, {"time_end", end}};
}

TEST(Plan, OperationsAreCheckedOnEveryWriteWithVersionTokens) {
  ServerProcess s(FreshDir("operations"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  const double t0 = static_cast<double>(std::time(nullptr)) + 600;
  auto r1 = s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"priority", 5}, {"volumes", {Volume(35, 38, 0, 1000, t0, t0 + 3600)}}});
  ASSERT_EQ(r1.status, 201) << r1.body;
  EXPECT_EQ(r1.json()["version"], 1);
  // Red's lower-priority operation in the same place and time is refused, and told only the overlap.
  auto r2 = s.Post("/v1/operations", red, Json{{"id", "r-op"}, {"priority", 1}, {"volumes", {Volume(35.01, 38, 500, 1500, t0, t0 + 600)}}});
  ASSERT_EQ(r2.status, 409) << r2.body;
  auto c = r2.json()["conflicts"][0];
  EXPECT_EQ(c["other_party"], "blue");
  EXPECT_EQ(c["altitude"]["lower_m"], 500);
  EXPECT_EQ(c["altitude"]["upper_m"], 1000);
  EXPECT_EQ(r2.body.find("radius"), std::string::npos) << "blue's volumes are not disclosed";
  EXPECT_EQ(s.Get("/v1/operations", red).json()["operations"].size(), 0u) << "nothing stored";
  // Elsewhere it is accepted.
  ASSERT_EQ(s.Post("/v1/operations", red, Json{{"id", "r-op"}, {"priority", 1}, {"volumes", {Volume(36, 38, 0, 1000, t0, t0 + 600)}}}).status, 201);
  // Version tokens: a stale change is refused; the current one goes through.
  Json change{{"version", 1}, {"priority", 5}, {"volumes", {Volume(35, 38, 0, 2000, t0, t0 + 3600)}}};
  auto u = Http(s.port(), "PUT", "/v1/operations/b-op", blue, change.dump());
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json()["version"], 2);
  auto stale = Http(s.port(), "PUT", "/v1/operations/b-op", blue, change.dump());
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("stale version token"), std::string::npos);
  EXPECT_EQ(Http(s.port(), "PUT", "/v1/operations/b-op", red, change.dump()).status, 404) << "not red's";
  EXPECT_EQ(Http(s.port(), "DELETE", "/v1/operations/b-op?version=1", blue).status, 409);
  EXPECT_EQ(Http(s.port(), "DELETE", "/v1/operations/b-op?version=2", blue).status, 200);
  // Bad input names the field.
  auto bad = s.Post("/v1/operations", blue, Json{{"id", "x"}, {"volumes", {Volume(35, 38, 1000, 0, t0, t0 + 60)}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("volumes[0]"), std::string::npos) << bad.body;
}

TEST(Plan, ZonesBindTheirPartiesAndRefuseTheirOperations) {
  ServerProcess s(FreshDir("zones"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  StreamReader red_stream(s.port(), red);
  const double t0 = static_cast<double>(std::time(nullptr));
  auto z = s.Post("/v1/zones", blue, Json{{"id", "aid-site"}, {"kind", "protected-site"}, {"binds", {"red"}},
                                          {"volumes", {Volume(35, 38, 0, 3000, t0, t0 + 86400)}}});
  ASSERT_EQ(z.status, 201) << z.body;
  ASSERT_TRUE(red_stream.WaitFor([](const SseEvent& e) { return e.type == "zone" && e.data["zone"]["id"] == "aid-site"; }, 10));
  EXPECT_EQ(s.Get("/v1/zones", red).json()["zones"].size(), 1u);
  EXPECT_EQ(s.Get("/v1/zones", green).json()["zones"].size(), 0u) << "it does not bind green";
  EXPECT_EQ(s.Get("/v1/zones/aid-site", green).status, 404);
  auto r = s.Post("/v1/operations", red, Json{{"id", "r1"}, {"volumes", {Volume(35, 38, 0, 1000, t0 + 60, t0 + 600)}}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(s.Post("/v1/operations", green, Json{{"id", "g1"}, {"volumes", {Volume(35, 38, 0, 1000, t0 + 60, t0 + 600)}}}).status, 201);
}

TEST(Plan, AgreementVersionsProposeCounterAcceptAndTheVersionInForceIsUsed) {
  ServerProcess s(FreshDir("agreements"), "detection:\n  period: 200ms\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader red_stream(s.port(), red);
  Json terms{{"ack_deadline_s", 2}, {"escalation", {{{"after_s", 2}, {"action", "notify_contact"}}}}};
  auto p1 = s.Post("/v1/agreements/red/propose", blue, Json{{"latest_seen", 0}, {"terms", terms}});
  ASSERT_EQ(p1.status, 201) << p1.body;
  EXPECT_EQ(p1.json()["latest"], 1);
  EXPECT_EQ(p1.json()["in_force"], 0);
  ASSERT_TRUE(red_stream.WaitFor([](const SseEvent& e) { return e.type == "agreement"; }, 10));
  // Red counters version 1 with version 2; blue's acceptance of 1 is now stale.
  Json counter_terms = terms;
  counter_terms["ack_deadline_s"] = 1;
  auto c = s.Post("/v1/agreements/blue/counter", red, Json{{"latest_seen", 1}, {"terms", counter_terms}});
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(c.json()["latest"], 2);
  EXPECT_EQ(s.Post("/v1/agreements/red/accept", blue, Json{{"version", 1}}).status, 409);
  EXPECT_EQ(s.Post("/v1/agreements/red/propose", blue, Json{{"latest_seen", 1}, {"terms", terms}}).status, 409) << "stale";
  auto a = s.Post("/v1/agreements/red/accept", blue, Json{{"version", 2}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json()["in_force"], 2);
  EXPECT_EQ(s.Get("/v1/agreements/blue", red).json()["in_force"], 2);
  // The channel now uses version 2: a notice to red escalates to the contact after 1 s, then expires.
  auto n = s.Post("/v1/notices", blue, Json{{"kind", "advisory"}, {"to", {"red"}}, {"text", "under v2"}});
  ASSERT_EQ(n.status, 201);
  const std::string id = n.json()["notice_id"];
  auto esc = red_stream.WaitFor([&](const SseEvent& e) { return e.type == "escalation" && e.data["notice_id"] == id; }, 10);
  ASSERT_TRUE(esc);
  for (int i = 0; i < 60; ++i) {
    if (s.Get("/v1/notices/" + id, blue).json()["recipients"][0]["state"] == "expired") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(s.Get("/v1/notices/" + id, blue).json()["recipients"][0]["state"], "expired");
  // Every version is in the record: red can fetch receipts for both proposals.
  int receipts = 0;
  for (const auto& e : red_stream.Events())
    if (e.type == "agreement") receipts += s.Get("/v1/receipts/" + std::to_string(e.id), red).status == 200;
  EXPECT_GE(receipts, 3);
}

}  // namespace
}  // namespace deconflict::testing
