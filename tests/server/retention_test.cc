// Retention and pagination: settled notices and closed alerts leave the server's memory (the in-memory counts on
// /metrics come back to zero) and are still answered from the store, also after a restart; list routes page with
// an opaque cursor that neither repeats nor skips under concurrent inserts, and refuse bad limits and cursors.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <set>
#include <thread>

#include "test_client.h"

namespace deconflict::testing {
namespace {

// The value of a gauge on /metrics (read with the administrator token, which may read it whatever its access).
double Gauge(const ServerProcess& s, const std::string& name) {
  const std::string text = s.Get("/metrics", s.admin()).body;
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\n" + name + " ([0-9.e+-]+)"))) return -1;
  return std::stod(m[1]);
}

// Every page of a list, following "next"; `between` runs after the first page (concurrent inserts).
std::vector<Json> AllPages(const ServerProcess& s, const std::string& token, const std::string& list, int limit,
                           const std::function<void()>& between = {}) {
  std::vector<Json> out;
  std::string target = "/v1/" + list + "?limit=" + std::to_string(limit);
  for (int page = 0; page < 1000; ++page) {
    auto r = s.Get(target, token);
    EXPECT_EQ(r.status, 200) << r.body;
    const Json j = r.json();
    EXPECT_LE(j[list].size(), static_cast<size_t>(limit));
    for (const auto& x : j[list]) out.push_back(x);
    if (page == 0 && between) between();
    if (j["next"].is_null()) break;
    target = "/v1/" + list + "?limit=" + std::to_string(limit) + "&cursor=" + j["next"].get<std::string>();
  }
  return out;
}

TEST(Retention, SettledNoticesLeaveMemoryAndAreStillAnsweredFromTheStore) {
  const std::string dir = FreshDir("retention-notices");
  std::vector<std::string> ids;
  {
    ServerProcess s(dir);
    const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
    const double before = Gauge(s, "dc_notices_live");
    ASSERT_EQ(before, 0) << "nothing sent yet";
    const int n = 40;
    for (int i = 0; i < n; ++i) {
      auto r = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red", "green"}}, {"text", "r" + std::to_string(i)}});
      ASSERT_EQ(r.status, 201) << r.body;
      ids.push_back(r.json()["notice_id"]);
    }
    EXPECT_EQ(Gauge(s, "dc_notices_live"), n) << "unsettled notices are live";
    for (const auto& id : ids) ASSERT_EQ(s.Post("/v1/notices/" + id + "/ack", red, Json::object()).status, 200);
    EXPECT_EQ(Gauge(s, "dc_notices_live"), n) << "green has not acknowledged: still live";
    for (const auto& id : ids) {
      auto a = s.Post("/v1/notices/" + id + "/ack", green, Json::object());
      ASSERT_EQ(a.status, 200) << a.body;
      EXPECT_EQ(a.json()["delivery"]["state"], "acknowledged");
    }
    EXPECT_EQ(Gauge(s, "dc_notices_live"), 0) << "every notice settled: none left in memory";
    // Still answered, from the store: the sender sees both recipients' states, a recipient its own.
    auto v = s.Get("/v1/notices/" + ids[7], blue).json();
    ASSERT_EQ(v["recipients"].size(), 2u) << v.dump();
    for (const auto& r : v["recipients"]) EXPECT_EQ(r["state"], "acknowledged");
    EXPECT_EQ(v["text"], "r7");
    auto rv = s.Get("/v1/notices/" + ids[7], red).json();
    EXPECT_EQ(rv["delivery"]["state"], "acknowledged");
    EXPECT_FALSE(rv.contains("recipients"));
    EXPECT_EQ(s.Post("/v1/notices/" + ids[7] + "/ack", red, Json::object()).status, 200) << "acknowledging again is a no-op";
    EXPECT_EQ(s.Get("/v1/notices/" + ids[7], s.CreateParty("yellow")).status, 404);
    EXPECT_EQ(AllPages(s, blue, "notices", 7).size(), ids.size());
    EXPECT_EQ(AllPages(s, green, "notices", 100).size(), ids.size());
  }
  // After a restart too: nothing settled is loaded into memory, everything is answered.
  ServerProcess again(dir, "", {}, /*fresh=*/false);
  EXPECT_EQ(Gauge(again, "dc_notices_live"), 0);
}

TEST(Retention, ClosedAlertsLeaveMemoryAndAreStillAnsweredFromTheStore) {
  const std::string dir = FreshDir("retention-alerts");
  std::vector<std::string> alert_ids;
  // episode_gap 0: a closed alert cannot resume, so it leaves memory at once (ClosedAlertsThatMayResume... below
  // covers the default, where it leaves once its episode can no longer resume).
  const std::string config = "detection:\n  period: 200ms\n  hysteresis: 0s\n  persistence: 0s\n  episode_gap: 0s\n";
  std::string blue, red;
  {
    ServerProcess s(dir, config);
    blue = s.CreateParty("blue");
    red = s.CreateParty("red");
    StreamReader bs(s.port(), blue);
    for (int i = 0; i < 4; ++i) {
      const std::string b = "B" + std::to_string(i), r = "R" + std::to_string(i);
      ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson(b, 35.0, 38.0, 6000, 200, 90)}}}).status, 200);
      ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson(r, 35.0, 38.3, 6000, 200, 270)}}}).status, 200);
      auto created = bs.WaitFor([&](const SseEvent& e) {
        return e.type == "alert" && e.data.value("change", "") == "created" &&
               std::find(alert_ids.begin(), alert_ids.end(), e.data.value("alert_id", "")) == alert_ids.end();
      }, 10);
      ASSERT_TRUE(created) << s.output();
      alert_ids.push_back(created->data["alert_id"]);
      EXPECT_GE(Gauge(s, "dc_alerts_in_memory"), 1);
      // Apart: red climbs 3000 m and turns away; blue's aircraft leaves too.
      ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson(r, 35.0, 38.3, 9000, 200, 0)}}}).status, 200);
      ASSERT_TRUE(bs.WaitFor([&](const SseEvent& e) {
        return e.type == "alert" && e.data.value("change", "") == "resolved" && e.data["alert_id"] == alert_ids.back();
      }, 10));
      ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson(b, -35.0, 100.0 + i, 6000, 200, 90)}}}).status, 200);
      ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson(r, 35.0, -100.0 - i, 9000, 200, 0)}}}).status, 200);
    }
    EXPECT_EQ(Gauge(s, "dc_alerts_in_memory"), 0) << "every alert closed: none left in memory";
    for (const auto& id : alert_ids) {
      auto a = s.Get("/v1/alerts/" + id, red);
      ASSERT_EQ(a.status, 200) << a.body;
      EXPECT_EQ(a.json()["state"], "resolved");
      EXPECT_EQ(a.json()["alert_id"], id);
    }
    auto listed = AllPages(s, blue, "alerts", 3);
    ASSERT_EQ(listed.size(), alert_ids.size());
    for (size_t i = 0; i < listed.size(); ++i) EXPECT_EQ(listed[i]["alert_id"], alert_ids[i]) << "in the order raised";
    EXPECT_EQ(s.Get("/v1/alerts?state=open", blue).json()["alerts"].size(), 0u);
    EXPECT_EQ(s.Get("/v1/alerts/" + alert_ids[0], s.CreateParty("green")).status, 404);
  }
  ServerProcess again(dir, config, {}, /*fresh=*/false);
  EXPECT_EQ(Gauge(again, "dc_alerts_in_memory"), 0);
  EXPECT_EQ(again.Get("/v1/alerts/" + alert_ids[2], blue).json()["state"], "resolved");
  EXPECT_EQ(AllPages(again, red, "alerts", 100).size(), alert_ids.size());
}

TEST(Retention, AClosedAlertThatMayResumeStaysInMemoryOnlyUntilItsEpisodeGapHasPassed) {
  const std::string dir = FreshDir("retention-episode");
  const std::string config = "detection:\n  period: 200ms\n  hysteresis: 0s\n  persistence: 0s\n  episode_gap: 4s\n";
  ServerProcess s(dir, config);
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader bs(s.port(), blue);
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B", 35.0, 38.0, 6000, 200, 90)}}}).status, 200);
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R", 35.0, 38.3, 6000, 200, 270)}}}).status, 200);
  auto created = bs.WaitFor([](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "created"; }, 10);
  ASSERT_TRUE(created) << s.output();
  const std::string id = created->data["alert_id"];
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R", 35.0, 38.3, 9000, 200, 0)}}}).status, 200);
  ASSERT_TRUE(bs.WaitFor([&](const SseEvent& e) {
    return e.type == "alert" && e.data.value("change", "") == "resolved" && e.data["alert_id"] == id;
  }, 10));
  const auto resolved_at = std::chrono::steady_clock::now();
  const double right_after = Gauge(s, "dc_alerts_in_memory");
  if (std::chrono::steady_clock::now() - resolved_at < std::chrono::seconds(3)) {
    EXPECT_EQ(right_after, 1) << "within its episode gap the closed alert may resume: it is kept";
  }
  EXPECT_EQ(s.Get("/v1/alerts/" + id, blue).json()["state"], "resolved");
  double later = -1;
  for (int i = 0; i < 100 && later != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    later = Gauge(s, "dc_alerts_in_memory");
  }
  EXPECT_EQ(later, 0) << "once its episode can no longer resume, it leaves memory";
  EXPECT_EQ(s.Get("/v1/alerts/" + id, red).json()["state"], "resolved") << "and is still answered from the store";
}

TEST(Pagination, PagesNeitherRepeatNorSkipUnderConcurrentInsertsAndRefuseBadParameters) {
  ServerProcess s(FreshDir("pagination"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  std::set<std::string> sent;
  auto send = [&](int i) {
    auto r = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "p" + std::to_string(i)}});
    ASSERT_EQ(r.status, 201);
    sent.insert(r.json()["notice_id"].get<std::string>());
  };
  for (int i = 0; i < 25; ++i) send(i);
  const std::set<std::string> before = sent;
  auto pages = AllPages(s, red, "notices", 10, [&] {
    for (int i = 25; i < 30; ++i) send(i);  // inserted while red pages
  });
  std::set<std::string> seen;
  for (const auto& n : pages) EXPECT_TRUE(seen.insert(n["notice_id"].get<std::string>()).second) << "repeated " << n.dump();
  for (const auto& id : before) EXPECT_TRUE(seen.count(id)) << id << " skipped";
  EXPECT_EQ(seen.size(), 30u) << "inserted at the end: a later page shows them";
  // In-memory lists (keyset by id) page the same way.
  for (int i = 0; i < 5; ++i) {
    Json volume{{"outline_circle", {{"center", {{"lat", 10 + i}, {"lng", 10}}}, {"radius", 100}}},
                {"altitude_lower", 0}, {"altitude_upper", 100},
                {"time_start", static_cast<double>(std::time(nullptr)) + 600}, {"time_end", static_cast<double>(std::time(nullptr)) + 3600}};
    auto r = s.Post("/v1/operations", blue, Json{{"id", "op" + std::to_string(i)}, {"priority", 1}, {"volumes", Json::array({volume})}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  EXPECT_EQ(AllPages(s, blue, "operations", 2).size(), 5u);
  auto first = s.Get("/v1/notices?limit=1", red).json();
  ASSERT_EQ(first["notices"].size(), 1u);
  ASSERT_TRUE(first["next"].is_string());
  // Refused, naming the parameter and what is allowed.
  for (const std::string& q : std::vector<std::string>{"limit=0", "limit=1001", "limit=x", "limit=", "cursor=zz", "cursor=00",
                              "cursor=" + first["next"].get<std::string>() + "00"}) {
    auto r = s.Get("/v1/notices?" + q, red);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    EXPECT_NE(r.body.find(q.substr(0, q.find('='))), std::string::npos) << r.body;
  }
  auto other_list = s.Get("/v1/alerts?cursor=" + first["next"].get<std::string>(), red);
  EXPECT_EQ(other_list.status, 400) << "a cursor of the notices is not one of the alerts";
  EXPECT_EQ(s.Get("/v1/notices", red).json()["notices"].size(), 30u) << "default limit 100";
}

}  // namespace
}  // namespace deconflict::testing
