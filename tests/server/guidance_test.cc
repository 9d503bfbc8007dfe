// Resolution guidance in separation alerts: the real `deconflict serve` on loopback with `guidance: enabled`.
// Each party of an alert gets the bands of its own aircraft only, equal to what src/guidance computes for the
// same states and minima; a party with no aircraft in the alert gets none.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

#include "guidance/bands.h"
#include "guidance/from_tracks.h"
#include "test_client.h"

namespace deconflict::testing {
namespace {

const char* kGuided = "detection:\n  period: 200ms\nguidance:\n  enabled: true\n";

// The state of an aircraft as the other party's view shows it (its "intruder").
TrackState StateOf(const Json& intruder) {
  TrackState t;
  t.id = intruder["id"];
  t.lat_deg = intruder["lat_deg"];
  t.lon_deg = intruder["lon_deg"];
  t.alt_m = intruder["alt_m"];
  t.gs_mps = intruder["gs_mps"];
  t.trk_deg = intruder["trk_deg"];
  t.vs_mps = intruder["vs_mps"];
  return t;
}

// The bands configuration written out independently of the server: the service's default alert (cylinder of
// the given minima less the 100 ft vertical tolerance, caution 300 s, warning 60 s) in DO-365B performance,
// with implicit coordination.
guidance::BandsConfig ExpectedConfig(double horizontal_m, double vertical_m, double lookahead_s) {
  guidance::BandsConfig c = guidance::Do365Config();
  guidance::Detector3D cyl;
  cyl.kind = guidance::Detector3D::Kind::kCylinder;
  cyl.d_m = horizontal_m;
  cyl.h_m = vertical_m - units::FeetToMeters(100);
  c.lookahead_s = lookahead_s;
  c.conflict_crit = c.recovery_crit = true;
  c.corrective_region = guidance::BandsRegion::kMid;
  c.alerters = {{"alert",
                 {{guidance::BandsRegion::kMid, std::min(300.0, lookahead_s), std::min(300.0, lookahead_s), cyl},
                  {guidance::BandsRegion::kNear, 60, 60, cyl}}}};
  return c;
}

// The track bands of `got` (API, degrees) are those of `want` (SI), interval by interval.
void ExpectSameTrackBands(const Json& got, const guidance::Bands& want) {
  const guidance::DimensionBands& w = want.dim(guidance::Dimension::kTrack);
  ASSERT_EQ(got["unit"], "deg");
  EXPECT_EQ(got["region"], guidance::BandsRegionName(w.current_region));
  ASSERT_EQ(got["intervals"].size(), w.intervals.size()) << got.dump();
  for (size_t i = 0; i < w.intervals.size(); ++i) {
    EXPECT_NEAR(got["intervals"][i]["lo"].get<double>(), w.intervals[i].lo * units::kRadToDeg, 1e-3);
    EXPECT_NEAR(got["intervals"][i]["hi"].get<double>(), w.intervals[i].hi * units::kRadToDeg, 1e-3);
    EXPECT_EQ(got["intervals"][i]["region"], guidance::BandsRegionName(w.intervals[i].region));
  }
}

struct AlertPair {
  std::optional<SseEvent> blue, red;
};

AlertPair HeadOnAlert(const ServerProcess& s, const std::string& blue, const std::string& red, StreamReader& bs,
                      StreamReader& rs) {
  EXPECT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35.0, 38.0, 6000, 200, 90)}}}).status, 200);
  EXPECT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R1", 35.0, 38.3, 6000, 200, 270)}}}).status, 200);
  auto created = [](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "created"; };
  return AlertPair{bs.WaitFor(created, 10), rs.WaitFor(created, 10)};
}

TEST(AlertGuidance, EachPartyGetsTheBandsOfItsOwnAircraftAsSrcGuidanceComputesThem) {
  ServerProcess s(FreshDir("guidance"), kGuided);
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  StreamReader bs(s.port(), blue), rs(s.port(), red), gs(s.port(), green);
  ASSERT_EQ(s.Post("/v1/tracks", green, Json{{"tracks", {TrackJson("G1", 10.0, 10.0, 6000, 200, 0)}}}).status, 200);
  const AlertPair a = HeadOnAlert(s, blue, red, bs, rs);
  ASSERT_TRUE(a.blue && a.red) << s.output();
  const Json& bg = a.blue->data["guidance"];
  const Json& rg = a.red->data["guidance"];
  ASSERT_TRUE(bg.is_object() && rg.is_object()) << a.blue->data.dump();
  // Own aircraft only: blue's guidance is for B1 against R1, red's for R1 against B1.
  EXPECT_EQ(bg["own_aircraft"], "B1");
  EXPECT_EQ(bg["intruder"], "R1");
  EXPECT_EQ(rg["own_aircraft"], "R1");
  EXPECT_EQ(rg["intruder"], "B1");
  EXPECT_EQ(a.blue->data.dump().find("\"own_aircraft\":\"R1\""), std::string::npos);
  EXPECT_EQ(a.red->data.dump().find("\"own_aircraft\":\"B1\""), std::string::npos);
  EXPECT_EQ(bg["minima"]["source"], "default");
  // The same bands as src/guidance for the states each view shows (red's intruder is blue's aircraft).
  const TrackState b1 = StateOf(a.red->data["intruder"]), r1 = StateOf(a.blue->data["intruder"]);
  const guidance::BandsConfig config = ExpectedConfig(units::NauticalMilesToMeters(5), units::FeetToMeters(1000), 300);
  auto bands_of = [&](const TrackState& own, const TrackState& other) {
    guidance::BandsInput in;
    in.ownship = guidance::ToKinematics(own, own, 1);
    in.traffic.push_back(guidance::ToKinematics(other, own, 1));
    guidance::Bands b = guidance::ComputeBands(config, in);
    guidance::ComputeLastTimesToManeuver(config, in, &b);
    return b;
  };
  const guidance::Bands want_b = bands_of(b1, r1), want_r = bands_of(r1, b1);
  ExpectSameTrackBands(bg["bands"]["track"], want_b);
  ExpectSameTrackBands(rg["bands"]["track"], want_r);
  EXPECT_EQ(bg["alert_level"], want_b.traffic[0].alert_level);
  EXPECT_NEAR(bg["last_time_to_maneuver_s"]["track"].get<double>(), want_b.traffic[0].last_time_to_maneuver_s[0], 1e-3);
  // Head-on at one level: the track is in conflict now, and the coordination gives both the same horizontal
  // sense (both turn right, or both left: never into each other) and opposite vertical senses.
  EXPECT_NE(bg["bands"]["track"]["region"], "NONE");
  EXPECT_EQ(bg["coordination"]["epsilon_h"], want_b.epsilon_h);
  EXPECT_NE(bg["coordination"]["epsilon_h"], 0);
  EXPECT_EQ(bg["coordination"]["epsilon_h"], rg["coordination"]["epsilon_h"]);
  EXPECT_EQ(bg["coordination"]["epsilon_v"].get<int>(), -rg["coordination"]["epsilon_v"].get<int>());
  for (const char* dim : {"ground_speed", "vertical_speed", "altitude"}) EXPECT_TRUE(bg["bands"].contains(dim));
  // api/openapi.yaml documents exactly the fields served.
  const YAML::Node doc = YAML::LoadFile(std::string(DECONFLICT_SOURCE_DIR) + "/api/openapi.yaml");
  const YAML::Node schema = doc["components"]["schemas"]["AlertGuidance"]["properties"];
  ASSERT_TRUE(schema.IsMap());
  std::set<std::string> documented, served;
  for (const auto& kv : schema) documented.insert(kv.first.as<std::string>());
  for (const auto& [k, v] : bg.items()) served.insert(k);
  EXPECT_EQ(documented, served);
  EXPECT_TRUE(doc["components"]["schemas"]["Alert"]["properties"]["guidance"]);
  // The API carries the same guidance as the stream; green, with no aircraft in the alert, gets none.
  auto list = s.Get("/v1/alerts", blue).json()["alerts"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["guidance"]["own_aircraft"], "B1");
  auto one = s.Get("/v1/alerts/" + a.blue->data["alert_id"].get<std::string>(), red).json();
  EXPECT_EQ(one["guidance"]["own_aircraft"], "R1");
  EXPECT_EQ(s.Get("/v1/alerts/" + a.blue->data["alert_id"].get<std::string>(), green).status, 404);
  EXPECT_TRUE(s.Get("/v1/alerts", green).json()["alerts"].empty());
  gs.WaitFor([](const SseEvent&) { return false; }, 0.5);
  for (const auto& e : gs.Events()) EXPECT_FALSE(e.data.contains("guidance")) << e.data.dump();
}

TEST(AlertGuidance, TheAgreementsMinimaAreTheGuidancesAndGuidanceIsOffByDefault) {
  {
    ServerProcess s(FreshDir("guidance-agreed"), kGuided);
    const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
    const Json terms{{"track_horizontal_m", 3000.0}, {"track_vertical_m", 300.0}, {"track_lookahead_s", 240.0}};
    auto p = s.Post("/v1/agreements/red/propose", blue, Json{{"latest_seen", 0}, {"terms", terms}});
    ASSERT_EQ(p.status, 201) << p.body;
    ASSERT_EQ(s.Post("/v1/agreements/blue/accept", red, Json{{"version", 1}}).status, 200);
    StreamReader bs(s.port(), blue), rs(s.port(), red);
    const AlertPair a = HeadOnAlert(s, blue, red, bs, rs);
    ASSERT_TRUE(a.blue && a.red) << s.output();
    const Json& m = a.blue->data["guidance"]["minima"];
    EXPECT_EQ(m["source"], "agreement");
    EXPECT_DOUBLE_EQ(m["horizontal_m"].get<double>(), 3000);
    EXPECT_DOUBLE_EQ(m["lookahead_s"].get<double>(), 240);
    const TrackState b1 = StateOf(a.red->data["intruder"]), r1 = StateOf(a.blue->data["intruder"]);
    const guidance::BandsConfig config = ExpectedConfig(3000, 300, 240);
    guidance::BandsInput in;
    in.ownship = guidance::ToKinematics(b1, b1, 1);
    in.traffic.push_back(guidance::ToKinematics(r1, b1, 1));
    ExpectSameTrackBands(a.blue->data["guidance"]["bands"]["track"], guidance::ComputeBands(config, in));
  }
  ServerProcess s(FreshDir("guidance-off"), "detection:\n  period: 200ms\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader bs(s.port(), blue), rs(s.port(), red);
  const AlertPair a = HeadOnAlert(s, blue, red, bs, rs);
  ASSERT_TRUE(a.blue && a.red) << s.output();
  EXPECT_FALSE(a.blue->data.contains("guidance"));
}

}  // namespace
}  // namespace deconflict::testing
