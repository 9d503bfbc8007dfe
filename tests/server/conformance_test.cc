// Conformance of tracks to the operations they fly, through the real server: tracks bound with operation_id in
// the track ingest, checked on every detection cycle with hysteresis; the owner is alerted and its operation
// marked nonconforming; the parties whose operations the off-nominal aircraft meets are told only what they need;
// everything resolves when the aircraft conforms again, and is in the record.
#include <gtest/gtest.h>

#include <ctime>

#include "test_client.h"

namespace deconflict::testing {
namespace {

const char* kFast = "detection:\n  period: 200ms\n";

Json Circle(double lat, double lon, double radius_m, double t0) {
  return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", radius_m}}},
              {"altitude_lower", 0}, {"altitude_upper", 1000}, {"time_start", t0 - 60}, {"time_end", t0 + 3600}};
}

Json Bound(Json track, const std::string& operation_id) {
  track["operation_id"] = operation_id;
  return track;
}

bool IsNonconforming(const SseEvent& e, const std::string& change) {
  return e.type == "alert" && e.data.value("kind", "") == "nonconforming" && e.data.value("change", "") == change;
}

TEST(Conformance, BadOperationIdIsRefusedNamingTheFieldAndNothingOfTheBatchIsStored) {
  ServerProcess s(FreshDir("conformance-bad"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  const double t0 = static_cast<double>(std::time(nullptr));
  ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"volumes", {Circle(35, 38, 3000, t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/operations", red, Json{{"id", "r-op"}, {"volumes", {Circle(36, 38, 3000, t0)}}}).status, 201);
  struct Case {
    Json operation_id;
    std::string says;
  };
  for (const Case& c : {Case{"nope", "no operation \"nope\" of party blue"},
                        Case{"r-op", "no operation \"r-op\" of party blue"},  // red's: same answer as none
                        Case{42, "expected an operation id"}, Case{"bad id!", "expected an operation id"}}) {
    Json batch{{"tracks", {Bound(TrackJson("B1", 35, 38, 500, 0, 0), "b-op"), TrackJson("B2", 35, 38, 500, 0, 0)}}};
    batch["tracks"][1]["operation_id"] = c.operation_id;
    auto r = s.Post("/v1/tracks", blue, batch);
    EXPECT_EQ(r.status, 400) << c.operation_id;
    EXPECT_EQ(r.json()["error"]["message"].get<std::string>().rfind("tracks[1].operation_id: ", 0), 0u) << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(c.says), std::string::npos) << r.body;
  }
  EXPECT_EQ(s.Get("/v1/tracks", blue).json()["tracks"].size(), 0u) << "nothing of a refused batch is stored";
  // A good binding is kept with the track; null unbinds it; an update without the field keeps it.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {Bound(TrackJson("B1", 35, 38, 500, 0, 0), "b-op")}}}).status, 200);
  EXPECT_EQ(s.Get("/v1/tracks", blue).json()["tracks"][0]["operation_id"], "b-op");
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 510, 0, 0)}}}).status, 200);
  EXPECT_EQ(s.Get("/v1/tracks", blue).json()["tracks"][0]["operation_id"], "b-op");
  Json unbind = TrackJson("B1", 35, 38, 520, 0, 0);
  unbind["operation_id"] = nullptr;
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {unbind}}}).status, 200);
  EXPECT_FALSE(s.Get("/v1/tracks", blue).json()["tracks"][0].contains("operation_id"));
}

TEST(Conformance, NonconformingAircraftAlertsItsOwnerTellsAffectedPartiesOnlyTheOverlapAndResolves) {
  ServerProcess s(FreshDir("conformance"), kFast);
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  const std::string admin = s.admin();
  StreamReader blue_stream(s.port(), blue), red_stream(s.port(), red), green_stream(s.port(), green);
  const double t0 = static_cast<double>(std::time(nullptr));
  // Blue's operation: 3 km around (35, 38). Red's: 2 km around a point 5.5 km east (a gap of ~0.5 km: no conflict
  // when filed). Green's: far away.
  ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"priority", 1}, {"volumes", {Circle(35, 38, 3000, t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/operations", red, Json{{"id", "r-op"}, {"priority", 1}, {"volumes", {Circle(35, 38.06, 2000, t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/operations", green, Json{{"id", "g-op"}, {"volumes", {Circle(40, 30, 2000, t0)}}}).status, 201);

  // Inside its volume: conforming, no alert.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {Bound(TrackJson("B1", 35, 38, 500, 0, 0), "b-op")}}}).status, 200);
  // Hysteresis: one report 4 km out, corrected 300 ms later, raises nothing (2 s without a break are needed).
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38.044, 500, 20, 90)}}}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 500, 0, 0)}}}).status, 200);
  EXPECT_FALSE(blue_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "created"); }, 3))
      << "a blip shorter than the hysteresis raised an alert";

  // Now it leaves and stays out: 4 km east, 1 km beyond its volume, inside red's.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38.044, 500, 20, 90)}}}).status, 200);
  auto b = blue_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "created"); }, 10);
  ASSERT_TRUE(b) << "no nonconforming alert for the owner";
  const std::string alert_id = b->data["alert_id"];
  EXPECT_EQ(b->data["own_aircraft"], "B1");
  EXPECT_EQ(b->data["operation"]["operation_id"], "b-op");
  EXPECT_FALSE(b->data["operation"]["conformance"]["conforming"]);
  EXPECT_GT(b->data["operation"]["conformance"]["horizontal_outside_m"].get<double>(), 500);
  EXPECT_EQ(b->data["operation"]["conformance"]["tolerance"]["horizontal_m"], 15);
  EXPECT_EQ(b->data["operation"]["told"], Json::array({"red"}));
  EXPECT_EQ(b->data["level"], "warning") << "it meets another party's operation";
  EXPECT_TRUE(b->data.contains("notice_id"));
  // Its operation is marked nonconforming (F3548-21), with a new version token.
  ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "operation_state" && e.data["to"] == "nonconforming"; }, 5));
  auto op = s.Get("/v1/operations/b-op", blue).json();
  EXPECT_EQ(op["state"], "nonconforming");
  EXPECT_EQ(op["version"], 2);

  // Red, whose operation the off-nominal aircraft meets, is told: which operation, whose, the off-nominal volume
  // and the overlap with its own operation; not the aircraft, its state, nor blue's volumes.
  auto r = red_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "created"); }, 5);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->data["alert_id"], alert_id);
  EXPECT_EQ(r->data["operation"]["id"], "b-op");
  EXPECT_EQ(r->data["operation"]["owner"], "blue");
  EXPECT_EQ(r->data["meets"][0]["id"], "r-op");
  EXPECT_EQ(r->data["meets"][0]["kind"], "operation");
  EXPECT_TRUE(r->data["off_nominal_volume"].contains("outline_circle"));
  EXPECT_TRUE(r->data.contains("notice_id")) << "red gets its own notice to acknowledge";
  for (const char* hidden : {"own_aircraft", "intruder", "conformance", "told", "gs_mps", "volumes"})
    EXPECT_FALSE(r->data.contains(hidden)) << hidden;
  EXPECT_EQ(r->data.dump().find("\"B1\""), std::string::npos) << "the aircraft's id is not red's business";
  EXPECT_EQ(s.Get("/v1/alerts/" + alert_id, red).status, 200);
  EXPECT_EQ(s.Get("/v1/operations/b-op", red).status, 404) << "red still cannot read blue's plan";
  // Green, concerned by nothing, sees nothing.
  EXPECT_EQ(s.Get("/v1/alerts/" + alert_id, green).status, 404);
  EXPECT_EQ(s.Get("/v1/alerts", green).json()["alerts"].size(), 0u);

  // Back inside: the alert resolves only after 5 s of conformance without a break, for both parties.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 500, 0, 0)}}}).status, 200);
  auto is_resolved = [&](const SseEvent& e) { return IsNonconforming(e, "resolved") && e.data["alert_id"] == alert_id; };
  EXPECT_FALSE(blue_stream.WaitFor(is_resolved, 3)) << "resolved before the hysteresis";
  auto br = blue_stream.WaitFor(is_resolved, 10);
  ASSERT_TRUE(br);
  EXPECT_EQ(br->data["state"], "resolved");
  EXPECT_EQ(br->data["operation"]["resolution"], "conforming");
  auto rr = red_stream.WaitFor(is_resolved, 5);
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->data["resolution"], "conforming");
  ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "operation_state" && e.data["to"] == "accepted"; }, 5));
  EXPECT_EQ(s.Get("/v1/operations/b-op", blue).json()["state"], "accepted");
  // Exactly one nonconformance episode was raised (no flicker), and green was never shown it.
  int created = 0;
  for (const auto& e : blue_stream.Events()) created += IsNonconforming(e, "created");
  EXPECT_EQ(created, 1);
  for (const auto& e : green_stream.Events()) EXPECT_NE(e.data.value("alert_id", ""), alert_id);

  // It is in the record: red can fetch a signed receipt for what it was shown, and the log verifies.
  auto receipt = s.Get("/v1/receipts/" + std::to_string(r->id), red);
  EXPECT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_EQ(s.Get("/v1/receipts/" + std::to_string(r->id), green).status / 100, 4);
  EXPECT_EQ(s.Get("/v1/record/verify", admin).json()["ok"], true);
}

TEST(Conformance, ZoneOwnersAreToldAndPartiesTheAircraftComesNearLaterAreToldToo) {
  ServerProcess s(FreshDir("conformance-later"), kFast);
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  StreamReader blue_stream(s.port(), blue), red_stream(s.port(), red), green_stream(s.port(), green);
  const double t0 = static_cast<double>(std::time(nullptr));
  ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"volumes", {Circle(35, 38, 3000, t0)}}}).status, 201);
  // Green's protected site 5.6 km north (binds blue), red's operation 5.5 km east; neither meets blue's plan.
  ASSERT_EQ(s.Post("/v1/zones", green, Json{{"id", "g-site"}, {"kind", "protected-site"}, {"binds", {"blue"}},
                                            {"volumes", {Circle(35.05, 38, 2000, t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/operations", red, Json{{"id", "r-op"}, {"volumes", {Circle(35, 38.06, 2000, t0)}}}).status, 201);
  // Out to the north, into green's site: green is told.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {Bound(TrackJson("B1", 35.037, 38, 500, 0, 0), "b-op")}}}).status, 200);
  auto g = green_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "created"); }, 10);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->data["meets"][0]["kind"], "zone");
  EXPECT_EQ(g->data["meets"][0]["id"], "g-site");
  EXPECT_TRUE(g->data.contains("notice_id"));
  // Still out, now east, into red's operation: red is told then (its own notice), green stays told.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38.044, 500, 0, 0)}}}).status, 200);
  auto r = red_stream.WaitFor([](const SseEvent& e) { return e.type == "alert" && e.data.value("kind", "") == "nonconforming"; }, 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->data["change"], "updated");
  EXPECT_EQ(r->data["alert_id"], g->data["alert_id"]);
  EXPECT_EQ(r->data["meets"][0]["id"], "r-op");
  EXPECT_TRUE(r->data.contains("notice_id")) << "a party told later gets its notice";
  EXPECT_EQ(r->data.dump().find("g-site"), std::string::npos) << "red is not shown green's zone";
  auto b = blue_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "updated"); }, 5);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->data["operation"]["told"], Json::array({"green", "red"}));
  // Back inside: resolved for all three.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 500, 0, 0)}}}).status, 200);
  for (auto* stream : {&blue_stream, &red_stream, &green_stream})
    EXPECT_TRUE(stream->WaitFor([](const SseEvent& e) { return IsNonconforming(e, "resolved"); }, 15));
}

TEST(Conformance, AnOwnerWhoReplansAroundItsAircraftIsNotOverruled) {
  ServerProcess s(FreshDir("conformance-replan"), kFast);
  const std::string blue = s.CreateParty("blue");
  StreamReader blue_stream(s.port(), blue);
  const double t0 = static_cast<double>(std::time(nullptr));
  ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"volumes", {Circle(35, 38, 3000, t0)}}}).status, 201);
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {Bound(TrackJson("B1", 35, 38.044, 500, 20, 90), "b-op")}}}).status, 200);
  auto created = blue_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "created"); }, 10);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->data["level"], "caution") << "it meets nobody's operation";
  EXPECT_EQ(created->data["operation"]["told"], Json::array());
  ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "operation_state" && e.data["to"] == "nonconforming"; }, 5));
  // The owner re-plans to cover where the aircraft is, activated (version 2 is the server's mark).
  Json replan{{"version", 2}, {"state", "activated"}, {"volumes", {Circle(35, 38, 6000, t0)}}};
  auto u = Http(s.port(), "PUT", "/v1/operations/b-op", blue, replan.dump());
  ASSERT_EQ(u.status, 200) << u.body;
  ASSERT_EQ(u.json()["version"], 3);
  // Inside the new volume: the alert resolves, and the owner's state stands (no further server write).
  auto resolved = blue_stream.WaitFor([](const SseEvent& e) { return IsNonconforming(e, "resolved"); }, 15);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->data["operation"]["resolution"], "conforming");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto op = s.Get("/v1/operations/b-op", blue).json();
  EXPECT_EQ(op["state"], "activated");
  EXPECT_EQ(op["version"], 3);
  int marks = 0;
  for (const auto& e : blue_stream.Events()) marks += e.type == "operation_state";
  EXPECT_EQ(marks, 1) << "marked once, never overruled nor put back over the owner's change";
}

TEST(Conformance, BindingsAndTheNonconformingMarkSurviveKillDashNine) {
  const std::string dir = FreshDir("conformance-restart");
  std::string blue;
  {
    ServerProcess s(dir, kFast);
    blue = s.CreateParty("blue");
    StreamReader blue_stream(s.port(), blue);
    const double t0 = static_cast<double>(std::time(nullptr));
    ASSERT_EQ(s.Post("/v1/operations", blue, Json{{"id", "b-op"}, {"volumes", {Circle(35, 38, 3000, t0)}}}).status, 201);
    ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {Bound(TrackJson("B1", 35, 38.044, 500, 20, 90), "b-op")}}}).status, 200);
    ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "operation_state" && e.data["to"] == "nonconforming"; }, 10));
    s.Kill9();
  }
  ServerProcess again(dir, kFast, {}, /*fresh=*/false);
  auto tracks = again.Get("/v1/tracks", blue).json()["tracks"];
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0]["operation_id"], "b-op") << "the binding is kept with the track across a restart";
  EXPECT_EQ(again.Get("/v1/operations/b-op", blue).json()["state"], "nonconforming");
  // Back inside for long enough: the server still knows what to put back.
  StreamReader blue_stream(again.port(), blue);
  ASSERT_EQ(again.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35, 38, 500, 0, 0)}}}).status, 200);
  ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "operation_state" && e.data["to"] == "accepted"; }, 15));
  EXPECT_EQ(again.Get("/v1/operations/b-op", blue).json()["state"], "accepted");
  EXPECT_EQ(again.Get("/v1/record/verify", again.admin()).json()["ok"], true);
}

}  // namespace
}  // namespace deconflict::testing
