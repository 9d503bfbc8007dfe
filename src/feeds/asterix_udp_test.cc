// ASTERIX over UDP through FeedManager: `asterix+udp://` feed specs and source tables, datagrams of several
// blocks from two sources bound to two parties, on a unicast port and on a multicast group joined on the
// loopback interface (nothing leaves 127.0.0.1).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "asterix/encode.h"
#include "core/units.h"
#include "feeds/feed_manager.h"

namespace deconflict::feeds {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

uint16_t FreeUdpPort() {
  asio::io_context io;
  udp::socket s(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

std::string WriteTable(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

std::vector<uint8_t> Block(uint8_t sic, uint32_t address, uint16_t squawk, asterix::Edition e) {
  asterix::TrackReport r;
  r.sac = 25;
  r.sic = sic;
  r.address = address;
  r.track_number = 9;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.tod_s = std::fmod(now, 86400);
  r.lat_deg = 46.9;
  r.lon_deg = 7.4;
  r.alt_m = units::FeetToMeters(31000);
  r.gs_mps = units::KnotsToMps(420);
  r.trk_deg = 45;
  r.has_squawk = true;
  r.squawk = squawk;
  const uint8_t cat = asterix::UapOf(e).category;
  asterix::BlockWriter w(cat);
  w.Add(cat == 21 ? asterix::EncodeCat021(r, e) : asterix::EncodeCat062(r, e));
  return w.Finish();
}

struct Collected {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<TrackState> tracks;
  std::vector<DistressEvent> distress;
  bool WaitFor(size_t tracks_wanted, size_t distress_wanted) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10),
                       [&] { return tracks.size() >= tracks_wanted && distress.size() >= distress_wanted; });
  }
  FeedCallbacks Callbacks() {
    FeedCallbacks cb;
    cb.on_track = [this](const TrackState& t) {
      std::lock_guard lock(mu);
      tracks.push_back(t);
      cv.notify_all();
    };
    cb.on_distress = [this](const DistressEvent& e) {
      std::lock_guard lock(mu);
      distress.push_back(e);
      cv.notify_all();
    };
    return cb;
  }
};

// Sends `datagram` until `done()` or 10 s (the receiver binds asynchronously after Start).
template <typename Done>
void SendUntil(udp::socket& sender, const udp::endpoint& to, const std::vector<uint8_t>& datagram, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    sender.send_to(asio::buffer(datagram), to);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TEST(AsterixUdpFeed, SpecsAndSourceTablesParseAndBadOnesNameTheProblem) {
  auto ep = ParseFeedSpec("asterix+udp://127.0.0.1:8600=blue");
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->protocol, FeedProtocol::kAsterixUdp);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 8600);
  EXPECT_EQ(ep->party, "blue");
  EXPECT_EQ(ep->name, "asterix+udp://127.0.0.1:8600");
  EXPECT_EQ(ParseFeedSpec("127.0.0.1:30003=blue")->protocol, FeedProtocol::kSbsTcp);
  const std::string table = WriteTable("sources.csv", "# SAC/SIC, party, editions\n25/100, blue, 62=0.17\n25/101,red\n");
  ep = ParseFeedSpec("asterix+udp://127.0.0.1@239.255.12.34:8600=green@" + table);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->interface_address, "127.0.0.1");
  EXPECT_EQ(ep->host, "239.255.12.34");
  ASSERT_TRUE(ep->sources);
  EXPECT_EQ(ep->sources->at((25 << 8) | 100), "blue");
  EXPECT_EQ(ep->sources->at((25 << 8) | 101), "red");
  EXPECT_EQ(ep->editions.For(62, (25 << 8) | 100), asterix::Edition::kCat062v0_17);
  EXPECT_EQ(ep->editions.For(62, (25 << 8) | 101), asterix::Edition::kCat062v1_18);
  auto error = [](const std::string& spec) {
    auto r = ParseFeedSpec(spec);
    return r.ok() ? std::string("accepted") : r.status().message();
  };
  EXPECT_NE(error("asterix+udp://radar.local:8600=blue").find("not an IP address"), std::string::npos);
  EXPECT_NE(error("tcp://127.0.0.1:30003=blue").find("unknown scheme"), std::string::npos);
  EXPECT_NE(error("asterix+udp://127.0.0.1:8600").find("no party"), std::string::npos);
  EXPECT_NE(error("asterix+udp://127.0.0.1@127.0.0.1:8600=blue").find("multicast"), std::string::npos);
  const std::string bad = WriteTable("bad-sources.csv", "25/100,blue\n25/300,red\n");
  EXPECT_NE(error("asterix+udp://127.0.0.1:8600=@" + bad).find("bad-sources.csv:2: field 1: \"25/300\""),
            std::string::npos)
      << error("asterix+udp://127.0.0.1:8600=@" + bad);
  const std::string bad_edition = WriteTable("bad-editions.csv", "25/100,blue,62=2.0\n");
  EXPECT_NE(error("asterix+udp://127.0.0.1:8600=@" + bad_edition).find("bad-editions.csv:1: field 3"),
            std::string::npos);
}

TEST(AsterixUdpFeed, DatagramsOfSeveralBlocksBecomeTracksOfEachSourcesParty) {
  const uint16_t port = FreeUdpPort();
  const std::string table = WriteTable("udp-sources.csv", "25/100,blue\n25/101,red\n");
  auto ep = ParseFeedSpec("asterix+udp://127.0.0.1:" + std::to_string(port) + "=green@" + table);
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  Collected got;
  FeedManager manager({}, got.Callbacks());
  const size_t index = manager.AddFeed(*ep);
  manager.StartThread();
  // One datagram: CAT021 of 25/100 (blue), CAT062 of 25/101 (red), CAT062 of 25/102 (not in the table: green)
  // squawking 7700, and a truncated block at the end (counted, the rest kept).
  std::vector<uint8_t> datagram;
  for (const auto& b : {Block(100, 0x4B1806, 1000, asterix::Edition::kCat021v2_6),
                        Block(101, 0x3C0A55, 2000, asterix::Edition::kCat062v1_18),
                        Block(102, 0x48520A, 7700, asterix::Edition::kCat062v1_18)})
    datagram.insert(datagram.end(), b.begin(), b.end());
  datagram.insert(datagram.end(), {62, 0, 40, 0x80});
  asio::io_context io;
  udp::socket sender(io, udp::v4());
  SendUntil(sender, udp::endpoint(asio::ip::make_address("127.0.0.1"), port), datagram, [&] {
    std::lock_guard lock(got.mu);
    return got.tracks.size() >= 3;
  });
  ASSERT_TRUE(got.WaitFor(3, 1));
  manager.Stop();
  std::map<std::string, std::string> party_of;
  for (const TrackState& t : got.tracks) party_of[t.id] = t.party;
  EXPECT_EQ(party_of["4b1806"], "blue");
  EXPECT_EQ(party_of["3c0a55"], "red");
  EXPECT_EQ(party_of["48520a"], "green");
  EXPECT_EQ(got.distress[0].id, "48520a");
  EXPECT_EQ(got.distress[0].party, "green");
  EXPECT_EQ(got.distress[0].kind, DistressKind::kEmergency);
  const FeedStats stats = manager.Stats()[index];
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_GE(stats.asterix.datagrams, 1u);
  EXPECT_EQ(stats.asterix.records, 3 * stats.asterix.datagrams);
  EXPECT_EQ(stats.asterix.bad, stats.asterix.datagrams);
  EXPECT_EQ(stats.asterix.bad_by_reason[static_cast<size_t>(asterix::BadReason::kTruncatedBlock)], stats.asterix.bad);
  EXPECT_EQ(manager.Aircraft(index).size(), 3u);
}

TEST(AsterixUdpFeed, AMulticastGroupIsJoinedOnTheGivenInterface) {
  const uint16_t port = FreeUdpPort();
  auto ep = ParseFeedSpec("asterix+udp://127.0.0.1@239.255.77.1:" + std::to_string(port) + "=blue");
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  Collected got;
  FeedManager manager({}, got.Callbacks());
  manager.AddFeed(*ep);
  manager.StartThread();
  asio::io_context io;
  udp::socket sender(io, udp::v4());
  sender.set_option(asio::ip::multicast::outbound_interface(asio::ip::make_address_v4("127.0.0.1")));
  const auto datagram = Block(100, 0x4B1806, 1000, asterix::Edition::kCat062v1_18);
  SendUntil(sender, udp::endpoint(asio::ip::make_address("239.255.77.1"), port), datagram, [&] {
    std::lock_guard lock(got.mu);
    return !got.tracks.empty();
  });
  ASSERT_TRUE(got.WaitFor(1, 0));
  manager.Stop();
  EXPECT_EQ(got.tracks[0].id, "4b1806");
  EXPECT_EQ(got.tracks[0].party, "blue");
}

}  // namespace
}  // namespace deconflict::feeds
