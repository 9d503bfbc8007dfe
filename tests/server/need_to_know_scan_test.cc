// The need-to-know scan: four parties play a scripted scenario that uses every route and the stream — tracks in
// conflict and not, a notice to two of them, a notice to one, a zone binding two, operations that conflict and
// not, an agreement, a distress call, acknowledgements, receipts, refused writes — and every byte each party
// receives (answers, errors, stream events, receipts, /metrics if it may read it) is scanned for the names and
// object ids of the scenario. What each party may know is computed here from the script, independently of the
// server's filter: its own objects, and what each relation of the script gives it (below). Party names and ids
// are distinctive strings, so that a plain substring search cannot match by accident.
//
// The directory of parties (GET /v1/parties: ids and names, for addressing notices and agreements) is public by
// design; it alone is exempt from the party-name check (not from the object-id check).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>

#include "test_client.h"

namespace deconflict::testing {
namespace {

const std::string kA = "pty-alpha", kB = "pty-bravo", kC = "pty-charlie", kD = "pty-delta";

struct Scenario {
  std::map<std::string, std::string> token;
  std::set<std::string> universe;                      // every name and id of the scenario
  std::map<std::string, std::set<std::string>> knows;  // party -> names and ids it may see
  std::set<std::string> party_names{kA, kB, kC, kD};
  std::map<std::string, std::vector<std::string>> ids_of_param;  // route parameter -> ids to try
  // Relation: `parties` all learn `what`.
  void Tell(std::initializer_list<std::string> parties, std::initializer_list<std::string> what) {
    for (const auto& p : parties)
      for (const auto& w : what) {
        knows[p].insert(w);
        universe.insert(w);
      }
  }
  void TellAll(std::initializer_list<std::string> what) {
    for (const auto& p : party_names)
      for (const auto& w : what) {
        knows[p].insert(w);
        universe.insert(w);
      }
  }
};

// What party received, and from where; the check runs once everything was collected.
struct Received {
  std::string party, where, text;
  std::string asked;        // what the party itself sent (an id it named may be echoed)
  bool directory = false;   // GET /v1/parties
};

Json Volume(double lat, double lon, double now) {
  return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", 2000}}},
              {"altitude_lower", 0}, {"altitude_upper", 1000}, {"time_start", now + 60}, {"time_end", now + 3600}};
}

TEST(NeedToKnowScan, NoPartyReceivesAnyNameOrIdItHasNoNeedToKnow) {
  ServerProcess s(FreshDir("ntk-scan"), "detection:\n  period: 200ms\nguidance:\n  enabled: true\n");
  Scenario w;
  std::vector<Received> got;
  auto keep = [&](const std::string& party, const std::string& where, const HttpResult& r, const std::string& asked) {
    got.push_back(Received{party, where, r.body, asked, where == "GET /v1/parties"});
    return r;
  };
  for (const auto& p : w.party_names) {
    const std::string upper = p.substr(4);
    w.token[p] = s.CreateParty(p, "CONTACT-" + upper);
    w.Tell({p}, {p, "CONTACT-" + upper});
  }
  auto post = [&](const std::string& p, const std::string& target, const Json& body) {
    return keep(p, "POST " + target, s.Post(target, w.token[p], body), target + body.dump());
  };
  // Tracks: alpha and bravo converge (an alert); charlie and delta far away, alone.
  struct Ac { std::string party, id, callsign; double lat, lon, trk; };
  const std::vector<Ac> aircraft{{kA, "AC-ALPHA-1", "CS-ALPHA", 35.0, 38.0, 90}, {kB, "AC-BRAVO-1", "CS-BRAVO", 35.0, 38.3, 270},
                                 {kC, "AC-CHARLIE-1", "CS-CHARLIE", 5.0, 5.0, 0}, {kD, "AC-DELTA-1", "CS-DELTA", -20.0, -20.0, 0}};
  for (const auto& a : aircraft) {
    Json t = TrackJson(a.id, a.lat, a.lon, 6000, 200, a.trk);
    t["callsign"] = a.callsign;
    ASSERT_EQ(post(a.party, "/v1/tracks", Json{{"tracks", {t}}}).status, 200);
    w.Tell({a.party}, {a.id, a.callsign});
    w.ids_of_param["aircraft_id"].push_back(a.id);
  }
  w.Tell({kA, kB}, {kA, kB, "AC-ALPHA-1", "AC-BRAVO-1"});  // the alert: each other's aircraft (not the callsign)
  // Notices: alpha to bravo and charlie (who need not know of each other); charlie to delta.
  auto notice = [&](const std::string& from, std::vector<std::string> to, const std::string& text) {
    auto r = post(from, "/v1/notices", Json{{"kind", "advisory"}, {"to", to}, {"text", text}});
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string id = r.json().value("notice_id", "");
    w.ids_of_param["notice_id"].push_back(id);
    for (const auto& p : to) w.Tell({from, p}, {from, p, id, text});
    return id;
  };
  const std::string n1 = notice(kA, {kB, kC}, "TEXT-N1");
  notice(kC, {kD}, "TEXT-N2");
  // Operations: one each; delta's overlaps charlie's (charlie learns that delta's plan meets its own — the
  // overlap only; delta learns charlie's operation id, as every writer learns what its plan meets).
  const double now = static_cast<double>(std::time(nullptr));
  for (auto [p, id, lat] : {std::tuple{kA, "OP-ALPHA-1", 20.0}, std::tuple{kB, "OP-BRAVO-1", 21.0},
                            std::tuple{kC, "OP-CHARLIE-1", 22.0}, std::tuple{kD, "OP-DELTA-1", 22.0}}) {
    auto r = post(p, "/v1/operations", Json{{"id", id}, {"priority", 1}, {"volumes", {Volume(lat, 30, now)}}});
    ASSERT_TRUE(r.status == 201 || r.status == 409) << r.body;
    w.Tell({p}, {id});
    w.ids_of_param["operation_id"].push_back(id);
  }
  w.Tell({kC, kD}, {kC, kD, "OP-CHARLIE-1"});
  // A create of an id another party holds: refused without naming the holder (charlie does not know bravo).
  auto taken = post(kC, "/v1/operations", Json{{"id", "OP-BRAVO-1"}, {"priority", 1}, {"volumes", {Volume(40, 30, now)}}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_NE(taken.body.find("id OP-BRAVO-1 is taken"), std::string::npos) << taken.body;
  // A zone of alpha's binding bravo and charlie (who need not know of each other).
  auto z = post(kA, "/v1/zones", Json{{"id", "ZONE-ALPHA-1"}, {"kind", "protected-site"}, {"binds", {kB, kC}},
                                      {"volumes", {Volume(25, 30, now)}}});
  ASSERT_EQ(z.status, 201) << z.body;
  w.Tell({kA, kB}, {kA, kB, "ZONE-ALPHA-1"});
  w.Tell({kA, kC}, {kA, kC, "ZONE-ALPHA-1"});
  w.ids_of_param["zone_id"].push_back("ZONE-ALPHA-1");
  // An agreement between alpha and bravo, accepted.
  ASSERT_EQ(post(kA, "/v1/agreements/" + kB + "/propose",
                 Json{{"latest_seen", 0}, {"terms", {{"ack_deadline_s", 300}, {"escalation", {{{"after_s", 300}, {"action", "ACTION-AB"}}}}}}})
                .status, 201);
  ASSERT_EQ(post(kB, "/v1/agreements/" + kA + "/accept", Json{{"version", 1}}).status, 200);
  w.Tell({kA, kB}, {"ACTION-AB"});
  w.ids_of_param["counterparty"] = {kA, kB, kC, kD};
  // Distress: delta's aircraft; every party is told (delta, the aircraft and its callsign, the zone, the notice).
  auto ds = post(kD, "/v1/distress", Json{{"aircraft_id", "AC-DELTA-1"}, {"text", "TEXT-MAYDAY"}});
  ASSERT_EQ(ds.status, 201) << ds.body;
  const std::string distress_zone = ds.json()["zone"]["zone_id"];
  w.TellAll({kD, "AC-DELTA-1", "CS-DELTA", distress_zone, ds.json()["notice_id"].get<std::string>(), "TEXT-MAYDAY"});
  w.Tell({kD}, {kA, kB, kC});  // the sender of a distress call sees who was told and who acknowledged
  w.ids_of_param["zone_id"].push_back(distress_zone);
  for (const auto& [p, token] : w.token) {  // a distress exclusion zone binds everyone: everyone may read it
    auto zr = s.Get("/v1/zones/" + distress_zone, token);
    EXPECT_EQ(zr.status, 200) << p << ": " << zr.body;
    EXPECT_EQ(zr.json().value("aircraft_id", ""), "AC-DELTA-1");
  }
  // The alpha-bravo alert.
  std::string alert_id;
  for (int i = 0; i < 100 && alert_id.empty(); ++i) {
    auto a = s.Get("/v1/alerts", w.token[kA]).json()["alerts"];
    for (const auto& x : a)
      if (x.value("kind", "") == "separation") alert_id = x["alert_id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(alert_id.empty()) << s.output();
  w.Tell({kA, kB}, {alert_id});
  w.ids_of_param["alert_id"] = {alert_id};
  // Bravo acknowledges the notice it shares (unknowingly) with charlie.
  ASSERT_EQ(post(kB, "/v1/notices/" + n1 + "/ack", Json::object()).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // deliveries and the cycle catch up
  // Token ids (administrator routes: refused to every party).
  for (const auto& p : w.party_names) {
    const Json tokens = s.Get("/v1/parties/" + p + "/tokens", s.admin()).json();  // (held: the loop reads into it)
    for (const auto& t : tokens["tokens"]) {
      w.ids_of_param["token_id"].push_back(t["token_id"]);
      w.universe.insert(t["token_id"].get<std::string>());
      w.knows[p].insert(t["token_id"].get<std::string>());  // its own tokens' ids (in the record of their issue)
    }
  }
  w.ids_of_param["party_id"] = {kA, kB, kC, kD};
  const uint64_t head = s.Get("/v1/record/head", w.token[kA]).json()["seq"];
  for (uint64_t q = 1; q <= head; ++q) w.ids_of_param["seq"].push_back(std::to_string(q));

  // Every route, every party, every id of the scenario in every path parameter.
  const auto routes = s.Get("/v1/routes", "").json()["routes"];
  size_t receipts = 0;
  for (const auto& [party, token] : w.token) {
    for (const auto& route : routes) {
      if (route["stream"].get<bool>()) continue;
      const std::string method = route["method"], path = route["path"];
      std::vector<std::string> targets{path};
      const std::regex param_re(R"(\{([a-z_]+)\})");
      for (std::smatch m; std::regex_search(targets.front(), m, param_re);) {
        std::vector<std::string> next;
        for (const auto& t : targets)
          for (const auto& id : w.ids_of_param[m[1]]) next.push_back(std::regex_replace(t, std::regex("\\{" + std::string(m[1]) + "\\}"), id));
        targets = std::move(next);
        if (targets.empty()) break;
      }
      for (const auto& target : targets) {
        // Mutations of the party's own objects would change the scenario; foreign ones must be refused anyway.
        if (method != "GET" && method != "POST") continue;
        if (method == "POST" && target.find("/v1/notices/") == std::string::npos) continue;  // acks only
        auto r = Http(s.port(), method, target, token, method == "POST" ? "{}" : "");
        keep(party, method + " " + target, r, target);
        if (target.rfind("/v1/receipts/", 0) == 0 && r.status == 200) ++receipts;
      }
    }
    keep(party, "GET /metrics", s.Get("/metrics", token), "");
  }
  EXPECT_GT(receipts, 20u);
  // Each party's whole stream, from the start; the aircraft of the alert guidance each party received.
  std::map<std::string, std::set<std::string>> guidance_for;
  for (const auto& [party, token] : w.token) {
    StreamReader st(s.port(), token, "0");
    st.WaitFor([](const SseEvent&) { return false; }, 1.5);
    std::string all;
    for (const auto& e : st.Events()) {
      all += e.type + " " + e.data.dump() + "\n";
      if (e.data.contains("guidance")) guidance_for[party].insert(e.data["guidance"].value("own_aircraft", ""));
    }
    EXPECT_NE(all.find("TEXT-MAYDAY"), std::string::npos) << party << " got the distress call";
    got.push_back(Received{party, "its stream", all, "", false});
  }

  // The scan.
  size_t bytes = 0;
  for (const auto& r : got) {
    bytes += r.text.size();
    for (const auto& secret : w.universe) {
      if (w.knows[r.party].count(secret) || r.asked.find(secret) != std::string::npos) continue;
      if (r.directory && w.party_names.count(secret)) continue;
      EXPECT_EQ(r.text.find(secret), std::string::npos)
          << r.party << " received \"" << secret << "\" in " << r.where << ": " << r.text.substr(0, 400);
    }
  }
  EXPECT_GT(bytes, 100000u) << "the scan saw little: did the scenario run?";
  // The scenario really made the relations the scan allows (the allowed sets are not vacuous).
  auto stream_of = [&](const std::string& p) {
    for (const auto& r : got)
      if (r.party == p && r.where == "its stream") return r.text;
    return std::string();
  };
  EXPECT_NE(stream_of(kB).find("TEXT-N1"), std::string::npos);
  EXPECT_NE(stream_of(kC).find("TEXT-N1"), std::string::npos);
  EXPECT_NE(stream_of(kC).find("ZONE-ALPHA-1"), std::string::npos);
  EXPECT_NE(stream_of(kB).find("ZONE-ALPHA-1"), std::string::npos);
  EXPECT_NE(stream_of(kB).find(alert_id), std::string::npos);
  // Resolution guidance: alpha and bravo each got the guidance of their own aircraft and of no other.
  EXPECT_EQ(guidance_for[kA], std::set<std::string>{"AC-ALPHA-1"});
  EXPECT_EQ(guidance_for[kB], std::set<std::string>{"AC-BRAVO-1"});
  EXPECT_TRUE(guidance_for[kC].empty() && guidance_for[kD].empty());
  for (auto [p, own] : {std::pair{kA, "AC-ALPHA-1"}, std::pair{kB, "AC-BRAVO-1"}})
    EXPECT_EQ(s.Get("/v1/alerts/" + alert_id, w.token[p]).json()["guidance"].value("own_aircraft", ""), own);
}

// A receipt of what a party was shown of a notice sent to several proves it offline, and names only the holder.
TEST(NeedToKnowScan, ReceiptOfASharedNoticeNamesOnlyItsHolderAndVerifies) {
  const std::string dir = FreshDir("ntk-receipt");
  ServerProcess s(dir);
  const std::string a = s.CreateParty(kA), b = s.CreateParty(kB), c = s.CreateParty(kC);
  StreamReader bs(s.port(), b);
  auto r = s.Post("/v1/notices", a, Json{{"kind", "advisory"}, {"to", {kB, kC}}, {"text", "shared"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto ev = bs.WaitFor([](const SseEvent& e) { return e.type == "notice"; }, 10);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->data["event_to"], Json::array({kB}));
  auto receipt = s.Get("/v1/receipts/" + std::to_string(ev->id), b);
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_EQ(receipt.json()["entry"]["audience"], Json::array({kB}));
  EXPECT_EQ(receipt.body.find(kC), std::string::npos);
  EXPECT_EQ(s.Get("/v1/receipts/" + std::to_string(ev->id), c).status, 403) << "charlie's is another entry";
  // The sender (the actor) can fetch it too: it proves what bravo was sent.
  EXPECT_EQ(s.Get("/v1/receipts/" + std::to_string(ev->id), a).status, 200);
  const std::string file = dir + "/receipt.json";
  std::ofstream(file) << receipt.body;
  const std::string key = s.Get("/v1/record/head", b).json()["public_key"];
  const std::string cmd = std::string(DECONFLICT_BINARY_DIR) + "/deconflict audit receipt " + file + " --public-key " + key + " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace deconflict::testing
