// `deconflict serve --feed` end to end, with real components only: the real `deconflict serve` binary on a
// loopback port with a fresh data directory (tests/server/test_client.h), fed by the real decoder
// (dump1090-mutability, tests/feeds/decoder.h) or by a small loopback TCP server that sends real SBS lines
// recorded from that decoder (tests/feeds/data/README.md). Every check goes through the HTTP API and the live
// stream with the parties' own tokens.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "harness.h"
#include "test_client.h"

namespace deconflict::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr double kFeet = 0.3048;

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line + "\n");  // the recorded lines keep their '\r'
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, ',')) f.push_back(item);
  return f;
}

// The recorded lines of one aircraft, with the squawk field (17, 0-based) of every line that carries one
// replaced by `squawk` ("" keeps the recorded one). Only MSG,6 lines of dump1090 carry a squawk.
std::vector<std::string> AircraftLines(const std::vector<std::string>& all, const std::string& hex,
                                       const std::string& squawk = "") {
  std::vector<std::string> out;
  for (const auto& line : all) {
    auto f = Fields(line);
    if (f.size() < 18 || f[4] != hex) continue;
    if (!squawk.empty() && !f[17].empty()) {
      f[17] = squawk;
      std::string joined;
      for (size_t i = 0; i < f.size(); ++i) joined += (i ? "," : "") + f[i];
      if (!line.empty() && line.back() == '\n' && (joined.empty() || joined.back() != '\n')) joined += "\n";
      out.push_back(joined);
    } else {
      out.push_back(line);
    }
  }
  return out;
}

// A loopback SBS source like port 30003 of a decoder: accepts clients and sends them lines on demand.
class SbsServer {
 public:
  SbsServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    acceptor_.non_blocking(true);
    thread_ = std::thread([this] {
      while (!stop_) {
        boost::system::error_code ec;
        tcp::socket s(io_);
        acceptor_.accept(s, ec);
        if (!ec) {
          s.non_blocking(false);
          std::lock_guard lock(mu_);
          clients_.push_back(std::move(s));
        } else {
          std::this_thread::sleep_for(20ms);
        }
      }
    });
  }
  ~SbsServer() {
    stop_ = true;
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  bool WaitForClient(double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (!clients_.empty()) return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // Sends the lines to every client, `gap` apart.
  void Send(const std::vector<std::string>& lines, std::chrono::milliseconds gap = 2ms) {
    for (const auto& l : lines) {
      {
        std::lock_guard lock(mu_);
        for (auto& c : clients_) {
          boost::system::error_code ec;
          asio::write(c, asio::buffer(l), ec);
        }
      }
      std::this_thread::sleep_for(gap);
    }
  }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::mutex mu_;
  std::vector<tcp::socket> clients_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The party's own tracks by id, polled until pred holds or timeout_s passes.
std::map<std::string, Json> WaitForTracks(const ServerProcess& s, const std::string& token,
                                          const std::function<bool(const std::map<std::string, Json>&)>& pred,
                                          double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::map<std::string, Json> by_id;
  for (;;) {
    by_id.clear();
    const auto r = s.Get("/v1/tracks", token);
    const Json body = r.json();  // kept alive for the loop (r.json() is a temporary)
    if (r.status == 200)
      for (const auto& t : body["tracks"]) by_id[t["id"].get<std::string>()] = t;
    if (pred(by_id) || std::chrono::steady_clock::now() > deadline) return by_id;
    std::this_thread::sleep_for(100ms);
  }
}

const std::string kDeconflict = std::string(DECONFLICT_BINARY_DIR) + "/deconflict";
const std::string kRecorded = std::string(FEEDS_TEST_DIR) + "/data/sample_dump1090.sbs";
const std::string kSwissHead = std::string(FEEDS_TEST_DIR) + "/data/switzerland_head.sbs";

TEST(ServeFeed, AircraftOfTheRealDecoderBecomeThePartysTracksAndOnlyItsOwn) {
  const std::string decoder = FindDecoder();
  ASSERT_FALSE(decoder.empty()) << "dump1090-mutability is not installed; run scripts/install-deps.sh";
  const auto frames = ReadBeastFrames(DECONFLICT_TEST_DATA "/traffic/sample_dump1090.bin");
  ASSERT_EQ(frames.size(), 239u);
  const std::string dir = FreshDir("serve-dump1090");
  Decoder dump1090(decoder, dir + "/dump1090.log");
  ASSERT_TRUE(dump1090.ok()) << "dump1090-mutability did not open its ports; see " << dir << "/dump1090.log";

  ServerProcess s(dir, "", {"--feed", "127.0.0.1:" + std::to_string(dump1090.sbs_port()) + "=toulouse"});
  const std::string toulouse = s.CreateParty("toulouse"), red = s.CreateParty("red");
  // serve connects at start and reconnects with backoff; give it a moment to be the decoder's SBS client.
  const auto connected = std::chrono::steady_clock::now() + 10s;
  while (s.output().find("feeds: connected to") == std::string::npos && std::chrono::steady_clock::now() < connected)
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(200ms);
  PushBeastFrames(dump1090.beast_in_port(), frames, 10);

  auto tracks = WaitForTracks(
      s, toulouse, [](const auto& m) { return m.count("48520a") && m.at("48520a").value("callsign", "") == "TRA89M"; },
      20);
  ASSERT_TRUE(tracks.count("48520a")) << "no track 48520a; serve said:\n" << s.output();
  const Json& t = tracks["48520a"];
  EXPECT_EQ(t["party"], "toulouse");
  EXPECT_EQ(t.value("callsign", ""), "TRA89M");
  EXPECT_NEAR(t["alt_m"].get<double>(), 38000 * kFeet, 1e-6);  // FL380
  EXPECT_NEAR(t["lat_deg"].get<double>(), 43.645, 0.01);       // near Toulouse
  EXPECT_NEAR(t["lon_deg"].get<double>(), 1.231, 0.01);
  EXPECT_NEAR(t["gs_mps"].get<double>(), 395 * 1852.0 / 3600, 1e-6);  // 395 kt
  EXPECT_FALSE(t["stale"].get<bool>());
  // 3981E4 (TJT62CB) has no position in the capture: known to the feed, never a track.
  EXPECT_EQ(tracks.size(), 1u);

  // Need-to-know: red sees nothing of toulouse's aircraft (no alert, no distress binds it).
  auto theirs = s.Get("/v1/tracks", red).json();
  EXPECT_TRUE(theirs["tracks"].empty()) << theirs.dump();
  EXPECT_TRUE(theirs["related"].empty()) << theirs.dump();
  EXPECT_EQ(s.Get("/v1/alerts", red).json()["alerts"].size(), 0u);
  EXPECT_EQ(s.Signal(SIGTERM), 0) << s.output();
}

TEST(ServeFeed, EmergencySquawkDeclaresDistressToEveryPartyAndItsEndCancelsIt) {
  const auto recorded = ReadLines(kRecorded);
  ASSERT_EQ(recorded.size(), 220u);
  // The decoder's own lines for 48520A with its squawk 5516 changed to 7700 (emergency); the first squawk
  // comes before the first position, so the distress must wait for the track.
  const auto emergency = AircraftLines(recorded, "48520A", "7700");
  const auto normal = AircraftLines(recorded, "48520A");
  ASSERT_EQ(emergency.size(), 133u);
  ASSERT_NE(emergency, normal);

  SbsServer sbs;
  ServerProcess s(FreshDir("serve-distress"), "detection:\n  period: 200ms\n",
                  {"--feed", "127.0.0.1:" + std::to_string(sbs.port()) + "=blue"});
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red"), green = s.CreateParty("green");
  StreamReader blue_stream(s.port(), blue), red_stream(s.port(), red), green_stream(s.port(), green);
  ASSERT_TRUE(sbs.WaitForClient(10)) << s.output();
  sbs.Send(emergency);

  for (auto* st : {&blue_stream, &red_stream, &green_stream}) {
    auto ev = st->WaitFor([](const SseEvent& e) { return e.type == "distress" || e.type == "zone"; }, 15);
    ASSERT_TRUE(ev) << s.output();
    EXPECT_EQ(ev->type, "distress") << "the distress notice comes before its zone";
    EXPECT_EQ(ev->data["priority"], "distress");
    EXPECT_EQ(ev->data["aircraft_id"], "48520a");
    EXPECT_NE(ev->data["text"].get<std::string>().find("7700"), std::string::npos) << ev->data.dump();
    auto zone = st->WaitFor([](const SseEvent& e) { return e.type == "zone"; }, 10);
    ASSERT_TRUE(zone);
    EXPECT_EQ(zone->data["zone"]["kind"], "distress_exclusion");
    EXPECT_NEAR(zone->data["zone"]["center_lat_deg"].get<double>(), 43.645, 0.05);
    EXPECT_NEAR(zone->data["zone"]["center_lon_deg"].get<double>(), 1.231, 0.05);
  }
  auto active = s.Get("/v1/distress", red).json()["distress"];
  ASSERT_EQ(active.size(), 1u) << active.dump();
  // The aircraft in distress binds everyone: red now sees it (and only it) among its related aircraft.
  auto related = s.Get("/v1/tracks", red).json()["related"];
  ASSERT_EQ(related.size(), 1u) << related.dump();
  EXPECT_EQ(related[0]["id"], "48520a");
  EXPECT_EQ(related[0]["reason"], "distress");
  // More emergency lines do not declare it again.
  sbs.Send(AircraftLines(recorded, "48520A", "7700"));

  // The transponder back on its assigned code 5516: the distress the feed declared is cancelled.
  sbs.Send(normal);
  for (auto* st : {&blue_stream, &red_stream, &green_stream})
    EXPECT_TRUE(st->WaitFor([](const SseEvent& e) { return e.type == "distress_cancelled"; }, 15)) << s.output();
  EXPECT_EQ(s.Get("/v1/distress", green).json()["distress"].size(), 0u);
  size_t declared = 0;
  for (const auto& e : green_stream.Events()) declared += e.type == "distress";
  EXPECT_EQ(declared, 1u) << "declared once while the squawk stayed 7700";
  EXPECT_EQ(s.Signal(SIGTERM), 0) << s.output();
}

TEST(ServeFeed, IcaoTablesBindEachAircraftToItsPartyFromTheCommandLineAndTheConfiguration) {
  const auto lines = ReadLines(kSwissHead);  // 20 aircraft, each with MSG,1 / MSG,3 / MSG,4
  ASSERT_EQ(lines.size(), 60u);
  const std::string dir = FreshDir("serve-table");
  std::ofstream(dir + "/table.csv") << "# ICAO address, party\n02A18F,blue\n\n 02a195 , red\n";
  SbsServer by_table, by_config;
  // The first feed binds only the table's aircraft; the second (YAML, table path relative to the
  // configuration file) binds the table's and gives every other aircraft to green.
  ServerProcess s(dir,
                  "feeds:\n  - address: 127.0.0.1:" + std::to_string(by_config.port()) +
                      "\n    party: green\n    icao_table: table.csv\n",
                  {"--feed", "127.0.0.1:" + std::to_string(by_table.port()) + "=@" + dir + "/table.csv"});
  const std::string blue = s.CreateParty("blue"), red = s.CreateParty("red");
  ASSERT_TRUE(by_table.WaitForClient(10) && by_config.WaitForClient(10)) << s.output();
  by_table.Send(lines, 0ms);
  auto mine = WaitForTracks(s, blue, [](const auto& m) { return m.count("02a18f") > 0; }, 15);
  auto reds = WaitForTracks(s, red, [](const auto& m) { return m.count("02a195") > 0; }, 15);
  EXPECT_EQ(mine.size(), 1u);
  EXPECT_EQ(reds.size(), 1u);
  ASSERT_TRUE(mine.count("02a18f") && reds.count("02a195")) << s.output();
  EXPECT_EQ(mine["02a18f"].value("callsign", ""), "TAR745");
  EXPECT_NEAR(mine["02a18f"]["alt_m"].get<double>(), 35000 * kFeet, 1e-6);

  // Green does not exist yet: the aircraft bound to it are not ingested, and not stored under it.
  by_config.Send(lines, 0ms);
  const auto logged = std::chrono::steady_clock::now() + 10s;
  while (s.output().find("party \"green\" not ingested") == std::string::npos && std::chrono::steady_clock::now() < logged)
    std::this_thread::sleep_for(50ms);
  ASSERT_NE(s.output().find("party \"green\" not ingested: the service has no such party"), std::string::npos)
      << s.output();
  std::this_thread::sleep_for(1s);  // every batch of those lines flushed (each 0.2 s)
  const std::string green = s.CreateParty("green");
  EXPECT_TRUE(s.Get("/v1/tracks", green).json()["tracks"].empty());
  by_config.Send(lines, 0ms);  // the receiver keeps sending: now green exists
  auto greens = WaitForTracks(s, green, [](const auto& m) { return m.size() >= 18; }, 15);
  EXPECT_EQ(greens.size(), 18u);
  EXPECT_FALSE(greens.count("02a18f") || greens.count("02a195"));
  EXPECT_EQ(WaitForTracks(s, blue, [](const auto&) { return true; }, 0).size(), 1u);
  EXPECT_EQ(s.Signal(SIGTERM), 0) << s.output();
}

TEST(ServeFeed, BadFeedsAndTablesAreRefusedAtStartNamingFileLineAndKey) {
  const std::string dir = FreshDir("serve-badfeed");
  std::ofstream(dir + "/bad.csv") << "02A18F,blue\n02A18G,red\n";
  std::ofstream(dir + "/noparty.csv") << "02A18F\n";
  const std::string yaml = dir + "/serve.yaml";
  // `timeout`: a serve that wrongly starts is ended after 20 s (and the test fails on its exit status).
  auto serve = [&](const std::string& args, std::string* out) {
    return RunCommand("timeout 20 " + kDeconflict + " serve --data-dir " + dir + "/data --listen 127.0.0.1:0 " + args +
                          " 2>&1",
                      out);
  };
  struct Case {
    std::string args, config, message;
    int exit;
  };
  const std::vector<Case> cases = {
      {"--feed 127.0.0.1:30003=@" + dir + "/bad.csv", "",
       dir + "/bad.csv:2: field 1: \"02A18G\" is not a 6-digit hex ICAO address", 64},
      {"--feed 127.0.0.1:30003=@" + dir + "/noparty.csv", "", dir + "/noparty.csv:1: expected HEXIDENT,party", 64},
      {"--feed 127.0.0.1:30003=@" + dir + "/missing.csv", "", dir + "/missing.csv: cannot open party table", 64},
      {"--feed 127.0.0.1:99999=blue", "", "port \"99999\" is not in 1..65535", 64},
      {"--feed 127.0.0.1:30003", "", "no party after '=' (host:port=party)", 64},
      {"--feed 127.0.0.1:30003=", "", "no party after '='", 64},
      {"", "feeds:\n  - {address: \"127.0.0.1:30003\", party: blue, colour: red}\n", "feeds[0].colour: unknown key", 2},
      {"", "feeds:\n  - {address: \"127.0.0.1:30003\"}\n", "feeds[0]: needs a party, an icao_table, or both", 2},
      {"", "feeds:\n  - {party: blue}\n", "feeds[0].address: missing", 2},
      // A relative table in the configuration is read from the configuration file's folder.
      {"", "feeds:\n  - {address: \"127.0.0.1:30003\", icao_table: bad.csv}\n", dir + "/bad.csv:2: field 1", 64},
  };
  for (const auto& c : cases) {
    std::string args = c.args;
    if (!c.config.empty()) {
      std::ofstream(yaml) << c.config;
      args += " --config " + yaml;
    }
    std::string out;
    EXPECT_EQ(serve(args, &out), c.exit) << args << "\n" << out;
    EXPECT_NE(out.find(c.message), std::string::npos) << "expected \"" << c.message << "\" in:\n" << out;
  }
}

}  // namespace
}  // namespace deconflict::testing
