// Need-to-know: every route, driven with every party's token against its own and foreign objects. Nothing
// a party has no need to know appears in any answer, its stream or its receipts, and nothing foreign can be
// changed or acknowledged.
#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <set>

#include "test_client.h"

namespace deconflict::testing {
namespace {

struct World {
  std::map<std::string, std::string> token;                   // party -> token
  std::map<std::string, std::set<std::string>> forbidden;     // party -> strings it must never see
  std::map<std::string, std::vector<std::string>> own_ids;    // param -> ids (all parties)
  std::map<std::string, std::map<std::string, std::string>> owner_of;  // param -> id -> party
};

TEST(NeedToKnow, NothingLeaksAndNothingForeignChangesOnAnyRoute) {
  ServerProcess s(FreshDir("need-to-know"), "detection:\n  period: 200ms\n");
  World w;
  for (const char* p : {"blue", "red", "green"}) w.token[p] = s.CreateParty(p, std::string(p) + "-contact-secret");
  // Blue and red in conflict; green far away with a secret callsign.
  Json bt = TrackJson("BLUE-AC-1", 35.0, 38.0, 6000, 200, 90);
  Json rt = TrackJson("RED-AC-1", 35.0, 38.3, 6000, 200, 270);
  Json gt = TrackJson("GREEN-AC-1", 10.0, 10.0, 6000, 200, 0);
  gt["callsign"] = "GREENCALLSIGN";
  bt["callsign"] = "BLUECALLSIGN";
  rt["callsign"] = "REDCALLSIGN";
  ASSERT_EQ(s.Post("/v1/tracks", w.token["blue"], Json{{"tracks", {bt}}}).status, 200);
  ASSERT_EQ(s.Post("/v1/tracks", w.token["red"], Json{{"tracks", {rt}}}).status, 200);
  ASSERT_EQ(s.Post("/v1/tracks", w.token["green"], Json{{"tracks", {gt}}}).status, 200);
  auto notice = [&](const std::string& from, const std::string& to, const std::string& text) {
    auto r = s.Post("/v1/notices", w.token[from], Json{{"kind", "advisory"}, {"to", {to}}, {"text", text}});
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string id = r.json()["notice_id"];
    w.own_ids["notice_id"].push_back(id);
    w.owner_of["notice_id"][id] = to;  // the recipient is the one who may acknowledge
    return id;
  };
  const std::string n_br = notice("blue", "red", "TEXT-BLUE-TO-RED");
  const std::string n_gb = notice("green", "blue", "TEXT-GREEN-TO-BLUE");
  const std::string n_rg = notice("red", "green", "TEXT-RED-TO-GREEN");
  // Plans: each party's operation, a blue zone binding red only, a blue-red agreement.
  const double now = static_cast<double>(std::time(nullptr));
  auto volume = [&](double lat, double lon) {
    return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", 2000}}},
                {"altitude_lower", 0}, {"altitude_upper", 1000}, {"time_start", now + 60}, {"time_end", now + 3600}};
  };
  for (auto [party, id, lat] : {std::tuple{"blue", "OP-BLUE-SECRET", 20.0}, std::tuple{"red", "OP-RED-SECRET", 21.0},
                                std::tuple{"green", "OP-GREEN-SECRET", 22.0}}) {
    auto r = s.Post("/v1/operations", w.token[party], Json{{"id", id}, {"priority", 1}, {"volumes", {volume(lat, 30)}}});
    ASSERT_EQ(r.status, 201) << r.body;
    w.own_ids["operation_id"].push_back(id);
    w.owner_of["operation_id"][id] = party;
  }
  auto z = s.Post("/v1/zones", w.token["blue"], Json{{"id", "ZONE-BLUE-FOR-RED"}, {"kind", "protected-site"},
                                                      {"binds", {"red"}}, {"volumes", {volume(25, 30)}}});
  ASSERT_EQ(z.status, 201) << z.body;
  w.own_ids["zone_id"] = {"ZONE-BLUE-FOR-RED"};
  w.owner_of["zone_id"]["ZONE-BLUE-FOR-RED"] = "blue";
  auto ag = s.Post("/v1/agreements/red/propose", w.token["blue"],
                   Json{{"latest_seen", 0}, {"terms", {{"ack_deadline_s", 300}, {"escalation", {{{"after_s", 300}, {"action", "ACTION-BLUE-RED-SECRET"}}}}}}});
  ASSERT_EQ(ag.status, 201) << ag.body;
  w.own_ids["counterparty"] = {"blue", "red", "green"};
  // Wait for the blue-red alert.
  std::string alert_id;
  for (int i = 0; i < 100 && alert_id.empty(); ++i) {
    auto a = s.Get("/v1/alerts", w.token["blue"]).json()["alerts"];
    if (!a.empty()) alert_id = a[0]["alert_id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(alert_id.empty()) << s.output();
  w.own_ids["alert_id"] = {alert_id, "al_doesnotexist"};
  w.own_ids["aircraft_id"] = {"BLUE-AC-1", "RED-AC-1", "GREEN-AC-1"};
  w.owner_of["aircraft_id"] = {{"BLUE-AC-1", "blue"}, {"RED-AC-1", "red"}, {"GREEN-AC-1", "green"}};
  w.own_ids["party_id"] = {"blue", "red", "green"};
  // Token ids (administrator only): each party's own token.
  for (const char* p : {"blue", "red", "green"}) {
    auto list = s.Get(std::string("/v1/parties/") + p + "/tokens", s.admin());
    ASSERT_EQ(list.status, 200) << list.body;
    const Json tokens = list.json()["tokens"];
    for (const auto& t : tokens) {
      w.own_ids["token_id"].push_back(t["token_id"]);
      w.owner_of["token_id"][t["token_id"]] = p;
    }
  }
  const uint64_t head = s.Get("/v1/record/head", w.token["blue"]).json()["seq"];

  w.forbidden["blue"] = {"GREEN-AC-1", "GREENCALLSIGN", "REDCALLSIGN", "TEXT-RED-TO-GREEN", n_rg, "green-contact-secret",
                         "red-contact-secret", "OP-RED-SECRET", "OP-GREEN-SECRET"};
  w.forbidden["red"] = {"GREEN-AC-1", "GREENCALLSIGN", "BLUECALLSIGN", "TEXT-GREEN-TO-BLUE", n_gb,
                        "green-contact-secret", "blue-contact-secret", "OP-BLUE-SECRET", "OP-GREEN-SECRET"};
  w.forbidden["green"] = {"BLUE-AC-1", "RED-AC-1", "BLUECALLSIGN", "REDCALLSIGN", "TEXT-BLUE-TO-RED", n_br, alert_id,
                          "blue-contact-secret", "red-contact-secret", "OP-BLUE-SECRET", "OP-RED-SECRET",
                          "ZONE-BLUE-FOR-RED", "ACTION-BLUE-RED-SECRET"};
  // `where` is what the party asked for: an id it named itself may be echoed back ("no notice X").
  auto check_no_leak = [&](const std::string& party, const std::string& where, const std::string& text) {
    for (const auto& secret : w.forbidden[party])
      if (where.find(secret) == std::string::npos) {
        EXPECT_EQ(text.find(secret), std::string::npos) << party << " sees \"" << secret << "\" in " << where;
      }
  };

  const auto routes = s.Get("/v1/routes", "").json()["routes"];
  ASSERT_GT(routes.size(), 10u);
  int requests = 0;
  for (const auto& [party, token] : w.token) {
    for (const auto& route : routes) {
      const std::string method = route["method"], path = route["path"];
      if (route["stream"].get<bool>()) continue;  // streams are checked below
      // Every combination of the ids the path names.
      // (target, owner of the object or ""): every combination of the ids of each {param} in the path; the
      // owner is that of the last id that has one.
      std::vector<std::pair<std::string, std::string>> targets{{path, ""}};
      const std::regex param_re(R"(\{([a-z_]+)\})");
      for (std::smatch m; std::regex_search(targets.front().first, m, param_re);) {
        const std::string param = m[1];
        std::vector<std::string> ids = w.own_ids[param];
        if (param == "seq")
          for (uint64_t q = 1; q <= head; ++q) ids.push_back(std::to_string(q));
        std::vector<std::pair<std::string, std::string>> next;
        for (const auto& [t, o] : targets)
          for (const auto& id : ids) {
            auto owner = w.owner_of[param].count(id) ? w.owner_of[param][id] : o;
            next.emplace_back(std::regex_replace(t, std::regex("\\{" + param + "\\}"), id), owner);
          }
        targets = std::move(next);
        if (targets.empty()) break;
      }
      const bool admin_only = route["access"] == "admin";
      for (const auto& [target, owner] : targets) {
        const bool mutating = method != "GET";
        // Own objects: not what this test is about — except administrator routes, refused to every party.
        if (mutating && owner == party && !admin_only) continue;
        const std::string t = method == "DELETE" ? target + "?version=1" : target;
        auto r = Http(s.port(), method, t, token, method == "POST" || method == "PUT" ? "{}" : "");
        ++requests;
        check_no_leak(party, method + " " + t, r.body);
        if (admin_only) {
          EXPECT_EQ(r.status, 403) << party << " on administrator route " << method << " " << t << ": " << r.body;
        }
        if (mutating && !owner.empty()) {
          EXPECT_GE(r.status, 400) << party << " changed " << t << ": " << r.body;
        }
        if (method == "GET" && target.rfind("/v1/receipts/", 0) == 0 && r.status == 200) {
          auto e = r.json()["entry"];
          const bool mine = e["actor"] == party ||
                            std::find(e["audience"].begin(), e["audience"].end(), Json(party)) != e["audience"].end();
          EXPECT_TRUE(mine) << party << " got a receipt for " << target;
        }
      }
    }
  }
  EXPECT_GT(requests, 100);
  for (const auto& [party, token] : w.token) {
    EXPECT_EQ(s.Get("/v1/me", token).status, 200) << party << " keeps its token";
  }
  // Streams from the start.
  for (const auto& [party, token] : w.token) {
    StreamReader st(s.port(), token, "0");
    st.WaitFor([](const SseEvent&) { return false; }, 1.5);
    std::string all;
    for (const auto& e : st.Events()) all += e.data.dump() + "\n";
    EXPECT_FALSE(all.empty()) << party;
    check_no_leak(party, "its stream", all);
  }
  // Nothing foreign changed: every notice is still unacknowledged by its recipient.
  for (const auto& [id, recipient] : w.owner_of["notice_id"]) {
    auto v = s.Get("/v1/notices/" + id, w.token[recipient]).json();
    EXPECT_NE(v["delivery"]["state"], "acknowledged") << id;
  }
  for (const auto& [party, token] : w.token) {
    EXPECT_EQ(s.Get("/v1/tracks", token).json()["tracks"].size(), 1u);
    EXPECT_EQ(s.Get("/v1/operations", token).json()["operations"].size(), 1u) << party;
  }
  EXPECT_EQ(s.Get("/v1/zones", w.token["blue"]).json()["zones"].size(), 1u);
  EXPECT_EQ(s.Get("/v1/agreements/red", w.token["blue"]).json()["in_force"], 0) << "nobody accepted for red";
}

}  // namespace
}  // namespace deconflict::testing
