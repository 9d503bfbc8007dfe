// Restart restores exactly what was acknowledged (issue 9, finding 3): an operation that a later higher-priority
// operation and a later zone bind is not re-judged at load; it comes back with the same bytes and version, its
// id answers as before, and the strategic check protects it as before — after SIGTERM and after kill -9.
#include <gtest/gtest.h>
#include <signal.h>

#include <ctime>

#include "test_client.h"

namespace deconflict::testing {
namespace {

Json Circle(double lat, double lon, double lower, double upper, double start, double end) {
  return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", 3000}}},
              {"altitude_lower", lower}, {"altitude_upper", upper}, {"time_start", start}, {"time_end", end}};
}

TEST(Restart, AnOperationOverriddenAfterItsAcknowledgementIsNeverDropped) {
  const std::string dir = FreshDir("restart-overridden");
  const double t0 = static_cast<double>(std::time(nullptr)) + 600;
  std::string blue, red, un, green;
  std::string blue_op, blue_list, blue_zone_view;
  {
    ServerProcess s(dir);
    blue = s.CreateParty("blue");
    red = s.CreateParty("red");
    un = s.CreateParty("un");
    green = s.CreateParty("green");
    auto a = s.Post("/v1/operations", blue, Json{{"id", "b-1"}, {"priority", 1}, {"volumes", {Circle(35, 38, 0, 1000, t0, t0 + 3600)}}});
    ASSERT_EQ(a.status, 201) << a.body;
    // Red files a higher-priority operation over it: accepted, the conflict reported (blue must re-plan).
    auto b = s.Post("/v1/operations", red, Json{{"id", "r-1"}, {"priority", 5}, {"volumes", {Circle(35, 38, 0, 1000, t0, t0 + 3600)}}});
    ASSERT_EQ(b.status, 201) << b.body;
    ASSERT_EQ(b.json()["conflicts"].size(), 1u) << b.body;
    // A zone of un that binds blue over the same place.
    auto z = s.Post("/v1/zones", un, Json{{"id", "un-site"}, {"kind", "protected-site"}, {"binds", {"blue"}},
                                         {"volumes", {Circle(35, 38, 0, 3000, t0 - 300, t0 + 86400)}}});
    ASSERT_EQ(z.status, 201) << z.body;
    EXPECT_EQ(z.json()["affected_operations"], 1) << z.body;
    blue_op = s.Get("/v1/operations/b-1", blue).body;
    blue_list = s.Get("/v1/operations", blue).body;
    blue_zone_view = s.Get("/v1/zones/un-site", blue).body;
    ASSERT_EQ(s.Signal(SIGTERM), 0);
  }
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "after SIGTERM" : "after kill -9");
    ServerProcess s(dir, "", {}, /*fresh=*/false);
    EXPECT_EQ(s.Get("/v1/operations/b-1", blue).body, blue_op);
    EXPECT_EQ(s.Get("/v1/operations", blue).body, blue_list);
    EXPECT_EQ(s.Get("/v1/zones/un-site", blue).body, blue_zone_view);
    // Its id is blue's: a create answers "exists", not 404 on one route and 409 on another.
    auto again = s.Post("/v1/operations", blue, Json{{"id", "b-1"}, {"priority", 1}, {"volumes", {Circle(36, 38, 0, 1000, t0, t0 + 60)}}});
    EXPECT_EQ(again.status, 409) << again.body;
    // The strategic check still protects it: green's operation of the same priority over it is refused by b-1.
    auto probe = s.Post("/v1/operations", green, Json{{"id", "g-" + std::to_string(round)}, {"priority", 1},
                                                     {"volumes", {Circle(35, 38, 500, 600, t0 + 60, t0 + 120)}}});
    ASSERT_EQ(probe.status, 409) << probe.body;
    std::set<std::string> others;
    const Json answer = probe.json();
    for (const auto& c : answer["conflicts"]) others.insert(c["other_id"].get<std::string>());
    EXPECT_TRUE(others.count("b-1")) << probe.body;
    EXPECT_TRUE(others.count("r-1")) << probe.body;
    if (round == 0) {
      s.Kill9();
    } else {
      // And it can still be changed and deleted with its token.
      const int64_t v = Json::parse(blue_op)["version"];
      auto del = Http(s.port(), "DELETE", "/v1/operations/b-1?version=" + std::to_string(v), blue);
      EXPECT_EQ(del.status, 200) << del.body;
    }
  }
}

}  // namespace
}  // namespace deconflict::testing
