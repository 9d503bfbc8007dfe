// The service end to end: the real `deconflict serve`, HTTP and the live stream.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <set>

#include "test_client.h"

namespace deconflict::testing {
namespace {

// Blue and red aircraft head-on at the same level, 27 km apart, closing at 400 m/s: loss in about 45 s.
void PostHeadOn(const ServerProcess& s, const std::string& blue, const std::string& red) {
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B1", 35.0, 38.0, 6000, 200, 90)}}}).status, 200);
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R1", 35.0, 38.3, 6000, 200, 270)}}}).status, 200);
}

const char* kFast = "detection:\n  period: 200ms\n";

TEST(Service, PartiesAreCreatedOnlyWithTheAdministratorToken) {
  ServerProcess s(FreshDir("parties"));
  EXPECT_EQ(s.Get("/healthz", "").status, 200);
  const std::string blue = s.CreateParty("blue", "blue duty officer");
  EXPECT_EQ(s.Post("/v1/parties", blue, Json{{"id", "red"}}).status, 403);
  EXPECT_EQ(s.Post("/v1/parties", "dct_wrong", Json{{"id", "red"}}).status, 401);
  EXPECT_EQ(s.Post("/v1/parties", "", Json{{"id", "red"}}).status, 401);
  EXPECT_EQ(s.Post("/v1/parties", s.admin(), Json{{"id", "blue"}}).status, 409);
  auto me = s.Get("/v1/me", blue);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["id"], "blue");
  // A second token works; the administrator cannot act as a party.
  auto t2 = s.Post("/v1/parties/blue/tokens", s.admin(), Json{{"label", "ops room"}});
  ASSERT_EQ(t2.status, 201);
  EXPECT_EQ(s.Get("/v1/me", t2.json()["token"].get<std::string>()).json()["id"], "blue");
  EXPECT_EQ(s.Get("/v1/me", s.admin()).status, 403);
  // Tokens are stored only as hashes: the token text is nowhere in the data directory.
  const std::string cmd = "grep -r -q -a '" + blue + "' " + s.data_dir() + " --exclude=admin.token";
  EXPECT_NE(std::system(cmd.c_str()), 0) << "token found in the data directory";
}

TEST(Service, ConflictAlertsBothPartiesEachWithItsOwnViewAndAcknowledgementIsTracked) {
  ServerProcess s(FreshDir("alerts"), kFast);
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader blue_stream(s.port(), blue), red_stream(s.port(), red);
  PostHeadOn(s, blue, red);
  auto is_alert = [](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "created"; };
  auto ba = blue_stream.WaitFor(is_alert, 10);
  auto ra = red_stream.WaitFor(is_alert, 10);
  ASSERT_TRUE(ba && ra) << s.output();
  EXPECT_EQ(ba->data["alert_id"], ra->data["alert_id"]);
  EXPECT_EQ(ba->data["own_aircraft"], "B1");
  EXPECT_EQ(ba->data["intruder"]["id"], "R1");
  EXPECT_EQ(ba->data["intruder"]["party"], "red");
  EXPECT_EQ(ra->data["own_aircraft"], "R1");
  EXPECT_EQ(ra->data["intruder"]["id"], "B1");
  EXPECT_GT(ba->data["t_in_s"].get<double>(), 20);
  EXPECT_LT(ba->data["t_in_s"].get<double>(), 60);
  // Each party got its own notice, delivered by the stream.
  const std::string bn = ba->data["notice_id"], rn = ra->data["notice_id"];
  EXPECT_NE(bn, rn);
  std::string state;
  for (int i = 0; i < 100 && state != "delivered"; ++i) {
    state = s.Get("/v1/notices/" + bn, blue).json()["delivery"]["state"];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(state, "delivered");
  // Red can neither see nor acknowledge blue's notice; blue acknowledges its own.
  EXPECT_EQ(s.Get("/v1/notices/" + bn, red).status, 404);
  EXPECT_EQ(s.Post("/v1/notices/" + bn + "/ack", red, Json::object()).status, 404);
  auto ack = s.Post("/v1/notices/" + bn + "/ack", blue, Json::object());
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json()["delivery"]["state"], "acknowledged");
  EXPECT_EQ(s.Get("/v1/notices/" + rn, red).json()["delivery"]["state"], "delivered");
  // The alert lists show it from each side; the related track is only the intruder.
  auto alerts = s.Get("/v1/alerts", red).json()["alerts"];
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["own_aircraft"], "R1");
  auto tracks = s.Get("/v1/tracks", blue).json();
  ASSERT_EQ(tracks["related"].size(), 1u);
  EXPECT_EQ(tracks["related"][0]["id"], "R1");
  // Receipts: blue can fetch what it was shown, red cannot fetch blue's view.
  auto receipt = s.Get("/v1/receipts/" + std::to_string(ba->id), blue);
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_EQ(receipt.json()["party"], "blue");
  EXPECT_EQ(s.Get("/v1/receipts/" + std::to_string(ba->id), red).status, 403);
}

TEST(Service, AlertResolvesWhenTheAircraftDiverge) {
  ServerProcess s(FreshDir("resolve"), "detection:\n  period: 200ms\n  hysteresis: 0s\n  persistence: 0s\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader blue_stream(s.port(), blue);
  PostHeadOn(s, blue, red);
  ASSERT_TRUE(blue_stream.WaitFor([](const SseEvent& e) { return e.type == "alert"; }, 10)) << s.output();
  // Red turns away and climbs 3000 m: no conflict any more.
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R1", 35.0, 38.3, 9000, 200, 0)}}}).status, 200);
  auto resolved = blue_stream.WaitFor(
      [](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "resolved"; }, 10);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->data["state"], "resolved");
}

TEST(Service, AnAlertWhosePairConflictsAgainWithinTheEpisodeGapReopensWithItsId) {
  ServerProcess s(FreshDir("reopen"), "detection:\n  period: 200ms\n  hysteresis: 0s\n  persistence: 0s\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  StreamReader blue_stream(s.port(), blue);
  PostHeadOn(s, blue, red);
  auto created = blue_stream.WaitFor(
      [](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "created"; }, 10);
  ASSERT_TRUE(created) << s.output();
  const std::string id = created->data["alert_id"];
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R1", 35.0, 38.3, 9000, 200, 0)}}}).status, 200);
  ASSERT_TRUE(blue_stream.WaitFor(
      [](const SseEvent& e) { return e.type == "alert" && e.data.value("change", "") == "resolved"; }, 10));
  PostHeadOn(s, blue, red);  // the same two aircraft meet again, well within the 300 s episode gap
  auto reopened = blue_stream.WaitFor(
      [](const SseEvent& e) { return e.type == "alert" && e.data.value("state", "") == "open" &&
                                     e.data.value("change", "") == "updated"; },
      10);
  ASSERT_TRUE(reopened) << s.output();
  EXPECT_EQ(reopened->data["alert_id"], id);
  const Json& history = reopened->data["level_history"];
  ASSERT_GE(history.size(), 3u);  // its begin, its end (none), its resume
  EXPECT_EQ(history[0]["level"], created->data["level"]);
  bool ended = false;
  for (const auto& h : history) ended = ended || h["level"] == "none";
  EXPECT_TRUE(ended);
  for (const auto& e : blue_stream.Events()) {
    if (e.type != "alert") continue;
    EXPECT_EQ(e.data["alert_id"], id) << "a second alert for the same pair";
  }
}

TEST(Service, StreamResumesAfterReconnectWithoutLoss) {
  ServerProcess s(FreshDir("resume"));
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  auto send = [&](int i) {
    auto r = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "message " + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.body;
  };
  uint64_t last = 0;
  {
    StreamReader first(s.port(), red);
    for (int i = 0; i < 3; ++i) send(i);
    auto e = first.WaitFor([](const SseEvent& e) { return e.data.value("text", "") == "message 2"; }, 10);
    ASSERT_TRUE(e);
    last = e->id;
    first.Close();
  }
  for (int i = 3; i < 8; ++i) send(i);  // while red is away
  StreamReader again(s.port(), red, std::to_string(last));
  ASSERT_TRUE(again.WaitFor([](const SseEvent& e) { return e.data.value("text", "") == "message 7"; }, 10));
  std::vector<std::string> texts;
  uint64_t prev = last;
  for (const auto& e : again.Events()) {
    EXPECT_GT(e.id, prev) << "ids increase";
    prev = e.id;
    if (e.type == "notice") texts.push_back(e.data["text"]);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"message 3", "message 4", "message 5", "message 6", "message 7"}));
  // From the start, everything is there once.
  StreamReader all(s.port(), red, "0");
  ASSERT_TRUE(all.WaitFor([](const SseEvent& e) { return e.data.value("text", "") == "message 7"; }, 10));
  int notices = 0;
  for (const auto& e : all.Events()) notices += e.type == "notice";
  EXPECT_EQ(notices, 8);
}

TEST(Service, UnacknowledgedNoticeEscalatesStepByStepThenExpires) {
  ServerProcess s(FreshDir("escalate"), std::string(kFast) +
                                            "channel:\n  ack_deadline: 1s\n  escalation: [repeat, raise_priority, notify_contact]\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red", "red liaison +1 555 0199");
  StreamReader red_stream(s.port(), red), blue_stream(s.port(), blue);
  auto r = s.Post("/v1/notices", blue, Json{{"kind", "advisory"}, {"to", {"red"}}, {"text", "air support in sector 4"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["notice_id"];
  auto of_notice = [&](const std::string& type, const std::string& esc) {
    return [=](const SseEvent& e) {
      return e.type == type && e.data.value("notice_id", "") == id && e.data.value("escalation", "") == esc;
    };
  };
  EXPECT_TRUE(red_stream.WaitFor(of_notice("notice", "repeated"), 10));
  auto raised = red_stream.WaitFor(of_notice("notice", "priority_raised"), 10);
  ASSERT_TRUE(raised);
  EXPECT_EQ(raised->data["priority"], "priority");
  auto contact = red_stream.WaitFor(of_notice("escalation", "contact_notified"), 10);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->data["escalation_contact"], "red liaison +1 555 0199");
  // The sender learns that it expired.
  ASSERT_TRUE(blue_stream.WaitFor(
      [&](const SseEvent& e) { return e.type == "notice_state" && e.data.value("state", "") == "expired"; }, 10));
  auto view = s.Get("/v1/notices/" + id, blue).json();
  EXPECT_EQ(view["recipients"][0]["state"], "expired");
  EXPECT_EQ(view["recipients"][0]["escalations"], 3);
  EXPECT_EQ(s.Post("/v1/notices/" + id + "/ack", red, Json::object()).status, 409);
}

TEST(Service, DistressGoesToEveryPartyFirstAndItsZoneFollowsTheAircraft) {
  ServerProcess s(FreshDir("distress"), std::string(kFast) + "distress:\n  radius: 5nm\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B7", 35.0, 38.0, 3000, 100, 0)}}}).status, 200);
  // Red's aircraft 3 km east of B7, far above the separation minima's concern but inside the 5 NM zone.
  ASSERT_EQ(s.Post("/v1/tracks", red, Json{{"tracks", {TrackJson("R9", 35.0, 38.033, 9000, 100, 0)}}}).status, 200);
  StreamReader red_stream(s.port(), red), green_stream(s.port(), green);
  EXPECT_EQ(s.Post("/v1/distress", red, Json{{"aircraft_id", "B7"}}).status, 400) << "red cannot declare for B7";
  auto d = s.Post("/v1/distress", blue, Json{{"aircraft_id", "B7"}, {"text", "MAYDAY engine failure"}});
  ASSERT_EQ(d.status, 201) << d.body;
  for (auto* st : {&red_stream, &green_stream}) {
    auto ev = st->WaitFor([](const SseEvent& e) { return e.type == "distress" || e.type == "zone"; }, 10);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->type, "distress") << "distress comes first";
    EXPECT_EQ(ev->data["priority"], "distress");
    EXPECT_EQ(ev->data["aircraft_id"], "B7");
    EXPECT_TRUE(st->WaitFor([](const SseEvent& e) { return e.type == "zone"; }, 10));
  }
  // Red's aircraft inside the exclusion zone gets a zone alert.
  auto za = red_stream.WaitFor([](const SseEvent& e) { return e.type == "alert" && e.data["kind"] == "distress_zone"; }, 10);
  ASSERT_TRUE(za) << s.output();
  EXPECT_EQ(za->data["own_aircraft"], "R9");
  // The zone follows the aircraft.
  ASSERT_EQ(s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B7", 35.1, 38.0, 2500, 100, 0)}}}).status, 200);
  auto moved = green_stream.WaitFor(
      [](const SseEvent& e) { return e.type == "zone" && e.data.value("action", "") == "moved"; }, 10);
  ASSERT_TRUE(moved);
  EXPECT_NEAR(moved->data["zone"]["center_lat_deg"].get<double>(), 35.1, 0.01);
  EXPECT_EQ(s.Get("/v1/distress", green).json()["distress"].size(), 1u);
  // Only the declaring party cancels.
  EXPECT_EQ(Http(s.port(), "DELETE", "/v1/distress/B7", red).status, 404);
  EXPECT_EQ(Http(s.port(), "DELETE", "/v1/distress/B7", blue).status, 200);
  EXPECT_TRUE(green_stream.WaitFor([](const SseEvent& e) { return e.type == "distress_cancelled"; }, 10));
  EXPECT_EQ(s.Get("/v1/distress", green).json()["distress"].size(), 0u);
}

TEST(Service, BadInputIsA4xxNamingTheFieldAndNothingIsStored) {
  ServerProcess s(FreshDir("badinput"), "limits:\n  body_bytes: 4096\n");
  const std::string blue = s.CreateParty("blue");
  s.CreateParty("red");
  auto expect_error = [&](const HttpResult& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = r.json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(needle), std::string::npos) << r.body;
  };
  expect_error(Http(s.port(), "POST", "/v1/tracks", blue, "{\"tracks\": [", {}), 400, "malformed JSON");
  expect_error(s.Post("/v1/tracks", blue, Json{{"tracks", "none"}}), 400, "tracks: expected an array");
  Json bad_type = Json{{"tracks", {TrackJson("B1", 35, 38, 6000, 200, 90), TrackJson("B2", 35, 38, 6000, 200, 90)}}};
  bad_type["tracks"][1]["lat_deg"] = "north";
  expect_error(s.Post("/v1/tracks", blue, bad_type), 400, "tracks[1].lat_deg: expected a number");
  Json out_of_range = Json{{"tracks", {TrackJson("B1", 91, 38, 6000, 200, 90)}}};
  expect_error(s.Post("/v1/tracks", blue, out_of_range), 400, "tracks[0].lat_deg: 91 deg is out of range [-90, 90] deg");
  Json unknown = Json{{"tracks", {TrackJson("B1", 35, 38, 6000, 200, 90)}}};
  unknown["tracks"][0]["colour"] = "blue";
  expect_error(s.Post("/v1/tracks", blue, unknown), 400, "tracks[0].colour: unknown field");
  expect_error(s.Post("/v1/tracks", blue, Json{{"tracks", Json::array()}, {"extra", 1}}), 400, "extra: unknown field");
  Json foreign = Json{{"tracks", {TrackJson("R1", 35, 38, 6000, 200, 90)}}};
  foreign["tracks"][0]["party"] = "red";
  expect_error(s.Post("/v1/tracks", blue, foreign), 400, "tracks[0].party");
  // Nothing of a refused batch is stored (B1 came before the bad B2).
  EXPECT_EQ(s.Get("/v1/tracks", blue).json()["tracks"].size(), 0u);
  // Oversize body.
  std::string big = "{\"tracks\":[" + std::string(5000, ' ') + "]}";
  expect_error(Http(s.port(), "POST", "/v1/tracks", blue, big), 413, "exceeds the limit");
  // Notices: unknown recipient, wrong kinds, missing text.
  expect_error(s.Post("/v1/notices", blue, Json{{"kind", "advisory"}, {"to", {"nobody"}}, {"text", "x"}}), 400, "to[0]");
  expect_error(s.Post("/v1/notices", blue, Json{{"kind", "distress"}, {"to", {"red"}}, {"text", "x"}}), 400, "kind");
  expect_error(s.Post("/v1/notices", blue, Json{{"kind", "advisory"}, {"to", {"red"}}}), 400, "text: required");
  expect_error(s.Post("/v1/notices", blue, Json{{"kind", "operation_notice"}, {"to", {"red"}}, {"text", "x"},
                                                {"operation_id", "op-nope"}}),
               400, "operation_id");
  EXPECT_EQ(s.Get("/v1/notices", blue).json()["notices"].size(), 0u);
  // Bad tokens, unknown routes and methods.
  expect_error(s.Get("/v1/tracks", "dct_0000"), 401, "token");
  expect_error(s.Get("/v1/nothing", blue), 404, "no route");
  expect_error(Http(s.port(), "DELETE", "/v1/tracks", blue), 405, "not allowed");
  expect_error(s.Get("/v1/receipts/abc", blue), 400, "seq");
}

TEST(Service, RateLimitAnswers429PerParty) {
  ServerProcess s(FreshDir("ratelimit"), "limits:\n  rate_per_s: 2\n  burst: 5\n");
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  int limited = 0;
  for (int i = 0; i < 12; ++i) limited += s.Get("/v1/me", blue).status == 429;
  EXPECT_GE(limited, 5);
  EXPECT_EQ(s.Get("/v1/me", red).status, 200) << "another party is not limited by blue's use";
  auto m = s.Get("/metrics", s.admin());
  EXPECT_NE(m.body.find("dc_rate_limited_total"), std::string::npos);
}

TEST(Service, SigtermFinishesRequestsInFlightAndExitsCleanly) {
  ServerProcess s(FreshDir("sigterm"));
  const std::string blue = s.CreateParty("blue");
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; i < 50; ++i) {
        try {
          auto r = s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B" + std::to_string(c), 35, 38, 6000, 200, 90)}}});
          if (r.status == 200) ++ok;
          else ++failed;
        } catch (const std::exception&) {
          return;  // refused after the listener closed: fine
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(s.Signal(SIGTERM, 5), 0) << "stops within 5 s";
  for (auto& t : clients) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(failed.load(), 0) << "every answered request succeeded";
  EXPECT_NE(s.output().find("serve stopped"), std::string::npos);
}

TEST(Service, TlsServesHttpsWithTheConfiguredCertificate) {
  const std::string dir = FreshDir("tls");
  const std::string gen = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout " + dir +
                          "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(gen.c_str()), 0) << "openssl could not make a test certificate";
  ServerProcess s(dir, "tls:\n  cert: " + dir + "/cert.pem\n  key: " + dir + "/key.pem\n");
  EXPECT_NE(s.output().find("https://127.0.0.1:"), std::string::npos);
  namespace net = boost::asio;
  namespace ssl = net::ssl;
  namespace beast = boost::beast;
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(dir + "/cert.pem");
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()));
  stream.handshake(ssl::stream_base::client);
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/healthz", 11};
  req.set(beast::http::field::host, "127.0.0.1");
  beast::http::write(stream, req);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buf, res);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_NE(res.body().find("ok"), std::string::npos);
  // Plain HTTP is not served on the TLS port.
  EXPECT_THROW(Http(s.port(), "GET", "/healthz"), std::runtime_error);
}

}  // namespace
}  // namespace deconflict::testing
