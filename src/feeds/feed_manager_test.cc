#include "feeds/feed_manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

namespace deconflict::feeds {
namespace {

// An SBS feed from 127.0.0.1:port bound to `party`.
FeedEndpoint SbsEndpoint(uint16_t port, const std::string& party, const std::string& name) {
  FeedEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.party = party;
  ep.name = name;
  return ep;
}

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::string Position(const std::string& hex) {
  return "MSG,3,1,1," + hex + ",1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,38000,,,43.6,1.2,,,,,,0\r\n";
}
std::string Velocity(const std::string& hex) {
  return "MSG,4,1,1," + hex + ",1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,,395,355,,,0,,,,,0\r\n";
}

// Everything the callbacks saw, with a bounded wait.
class Seen {
 public:
  void Track(const TrackState& t) {
    std::lock_guard lock(mutex_);
    tracks_.push_back(t);
    cv_.notify_all();
  }
  void Distress(const DistressEvent& e) {
    std::lock_guard lock(mutex_);
    distress_.push_back(e);
    cv_.notify_all();
  }
  // Waits up to `timeout` for `pred(tracks, distress)`.
  template <typename Pred>
  bool WaitFor(std::chrono::milliseconds timeout, Pred pred) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return pred(tracks_, distress_); });
  }
  std::set<std::string> Ids() {
    std::lock_guard lock(mutex_);
    std::set<std::string> ids;
    for (const auto& t : tracks_) ids.insert(t.id);
    return ids;
  }
  FeedCallbacks Callbacks() {
    FeedCallbacks cb;
    cb.on_track = [this](const TrackState& t) { Track(t); };
    cb.on_distress = [this](const DistressEvent& e) { Distress(e); };
    return cb;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<TrackState> tracks_;
  std::vector<DistressEvent> distress_;
};

bool HasIds(const std::vector<TrackState>& tracks, std::set<std::string> want) {
  for (const auto& t : tracks) want.erase(t.id);
  return want.empty();
}

// Accepts one connection within 10 s (the test fails instead of hanging).
tcp::socket Accept(asio::io_context& io, tcp::acceptor& acceptor) {
  tcp::socket socket(io);
  bool accepted = false;
  acceptor.async_accept(socket, [&](const boost::system::error_code& ec) { accepted = !ec; });
  io.restart();
  io.run_for(10s);
  EXPECT_TRUE(accepted) << "no connection within 10 s";
  if (!accepted) acceptor.cancel();
  io.restart();
  io.run_for(100ms);
  return socket;
}

FeedManagerOptions FastOptions() {
  FeedManagerOptions o;
  o.reconnect_initial_s = 0.05;
  o.reconnect_max_s = 0.2;
  o.bad_lines_logged_per_second = 0;
  return o;
}

// Waits until `pred()` or 10 s.
template <typename Pred>
bool Eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

TEST(FeedManagerTest, ReconnectsWhenTheServerClosesAndReopens) {
  asio::io_context server_io;
  auto acceptor = std::make_unique<tcp::acceptor>(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor->local_endpoint().port();

  Seen seen;
  FeedManager manager(FastOptions(), seen.Callbacks());
  FeedEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.party = "blue";
  manager.AddFeed(ep);
  manager.StartThread();

  {  // First session: one aircraft, then the server goes away entirely.
    tcp::socket s = Accept(server_io, *acceptor);
    asio::write(s, asio::buffer(Position("48520A") + Velocity("48520A")));
    ASSERT_TRUE(seen.WaitFor(10s, [](auto& t, auto&) { return HasIds(t, {"48520a"}); }));
    s.close();
    acceptor.reset();
  }
  // While nobody listens, connection attempts fail and are retried.
  ASSERT_TRUE(Eventually([&] { return manager.Stats()[0].connect_failures >= 2; }));
  EXPECT_FALSE(manager.Stats()[0].connected);
  EXPECT_EQ(manager.Stats()[0].last_error, boost::system::error_code(asio::error::connection_refused).message());

  {  // Second session on the same port: a second aircraft arrives through the new connection.
    acceptor = std::make_unique<tcp::acceptor>(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    tcp::socket s = Accept(server_io, *acceptor);
    asio::write(s, asio::buffer(Position("3981E4") + "garbage\r\n" + Velocity("3981E4")));
    ASSERT_TRUE(seen.WaitFor(10s, [](auto& t, auto&) { return HasIds(t, {"48520a", "3981e4"}); }));
    const FeedStats st = manager.Stats()[0];
    EXPECT_TRUE(st.connected);
    EXPECT_EQ(st.connects, 2u);
    EXPECT_EQ(st.disconnects, 1u);
    EXPECT_GE(st.reconnects, 2u);
    EXPECT_EQ(st.counters.messages, 4u);
    EXPECT_EQ(st.counters.bad_by_reason[static_cast<size_t>(SbsBadReason::kGarbage)], 1u);
    EXPECT_EQ(st.usable_tracks, 2u);
    const auto aircraft = manager.Aircraft(0);
    ASSERT_EQ(aircraft.size(), 2u);
    EXPECT_EQ(aircraft[0].party, "blue");
    manager.Stop();
  }
}

TEST(FeedManagerTest, SilentConnectionIsDroppedAfterIdleTimeout) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  FeedManagerOptions options = FastOptions();
  options.idle_timeout_s = 0.3;
  options.expire_interval_s = 0.05;
  FeedManager manager(options);
  manager.AddFeed(SbsEndpoint(acceptor.local_endpoint().port(), "blue", ""));
  manager.StartThread();
  tcp::socket first = Accept(server_io, acceptor);   // accepted, then nothing is sent
  tcp::socket second = Accept(server_io, acceptor);  // the client gave up on the first and came back
  ASSERT_TRUE(second.is_open());
  EXPECT_EQ(manager.Stats()[0].disconnects, 1u);
  manager.Stop();
}

TEST(FeedManagerTest, DistressFromTheFeedReachesTheCallbackWithTheParty) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Seen seen;
  FeedManager manager(FastOptions(), seen.Callbacks());
  manager.AddFeed(SbsEndpoint(acceptor.local_endpoint().port(), "red", "receiver-1"));
  manager.StartThread();
  tcp::socket s = Accept(server_io, acceptor);
  asio::write(s, asio::buffer(Position("48520A") + Velocity("48520A") +
                              "MSG,6,1,1,48520A,1,2018/08/01,12:00:01.000,2018/08/01,12:00:01.000,,,,,,,,7500,0,-1,0,\r\n"));
  ASSERT_TRUE(seen.WaitFor(10s, [](auto&, auto& d) { return !d.empty(); }));
  manager.Stop();
  EXPECT_TRUE(seen.WaitFor(0ms, [](auto&, auto& d) {
    return d.size() == 1 && d[0].party == "red" && d[0].kind == DistressKind::kUnlawfulInterference &&
           d[0].id == "48520a" && d[0].has_track;
  }));
  EXPECT_EQ(manager.Stats()[0].name, "receiver-1");
}

TEST(FeedManagerTest, StaleTracksExpireAndStatsArePublished) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  FeedManagerOptions options = FastOptions();
  options.stale_after_s = 0.2;
  options.expire_interval_s = 0.05;
  options.stats_interval_s = 0.05;
  std::mutex mutex;
  std::vector<std::string> expired;
  std::vector<FeedStats> last_stats;
  FeedCallbacks cb;
  cb.on_expired = [&](const TrackState& t) {
    std::lock_guard lock(mutex);
    expired.push_back(t.id);
  };
  cb.on_stats = [&](const std::vector<FeedStats>& s) {
    std::lock_guard lock(mutex);
    last_stats = s;
  };
  FeedManager manager(options, cb);
  manager.AddFeed(SbsEndpoint(acceptor.local_endpoint().port(), "blue", ""));
  manager.StartThread();
  tcp::socket s = Accept(server_io, acceptor);
  asio::write(s, asio::buffer(Position("48520A") + Velocity("48520A")));
  // Arrival times: the track goes stale 0.2 s after its position arrived, while the connection stays up.
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mutex);
    return !expired.empty();
  }));
  manager.Stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(expired, std::vector<std::string>{"48520a"});
  ASSERT_EQ(last_stats.size(), 1u);
  EXPECT_EQ(last_stats[0].counters.messages, 2u);
  EXPECT_EQ(manager.Stats()[0].expired, 1u);
  EXPECT_EQ(manager.Stats()[0].usable_tracks, 0u);
}

TEST(FeedManagerTest, CallbacksMayReadStatsAndStopTheManager) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  FeedManager* self = nullptr;
  std::atomic<int> calls{0};
  std::atomic<uint64_t> messages_seen{0};
  FeedCallbacks cb;
  cb.on_track = [&](const TrackState&) {
    ++calls;
    messages_seen = self->Stats()[0].counters.messages;  // no deadlock: callbacks run without our lock
    self->Stop();                                        // and may stop the manager
  };
  auto manager = std::make_unique<FeedManager>(FastOptions(), cb);
  self = manager.get();
  manager->AddFeed(SbsEndpoint(acceptor.local_endpoint().port(), "blue", ""));
  manager->StartThread();
  tcp::socket s = Accept(server_io, acceptor);
  // Two usable updates in one write: the second is never delivered, the manager was stopped by the first.
  asio::write(s, asio::buffer(Position("48520A") + Velocity("48520A") + Position("48520A")));
  ASSERT_TRUE(Eventually([&] { return calls.load() > 0; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_GE(messages_seen.load(), 2u);  // at least the position and velocity that made the update
  manager.reset();  // joins the io thread
}

TEST(FeedManagerTest, FileSourceReplaysTheSharedHourInTimeOrder) {
  Seen seen;
  FeedManager manager(FastOptions(), seen.Callbacks());
  auto added = manager.AddFile(DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz", {}, 0);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  manager.StartThread();
  ASSERT_TRUE(seen.WaitFor(20s, [](auto& t, auto&) { return t.size() == 9750; }));
  EXPECT_TRUE(seen.WaitFor(0ms, [](auto& t, auto&) {
    for (size_t i = 1; i < t.size(); ++i)
      if (t[i].time_s < t[i - 1].time_s) return false;
    return true;
  }));
  EXPECT_EQ(seen.Ids().size(), 116u);
}

TEST(FeedManagerTest, RunsOnTheCallersIoContextAndStopLetsItFinish) {
  asio::io_context io;  // declared first: the FeedManager must be destroyed before its io_context
  Seen seen;
  FeedManager manager(FastOptions(), seen.Callbacks());
  ASSERT_TRUE(manager.AddFile(DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz", {}, 0).ok());
  manager.Start(io);
  std::thread runner([&] { io.run(); });
  EXPECT_TRUE(seen.WaitFor(20s, [](auto& t, auto&) { return t.size() == 9750; }));
  manager.Stop();   // cancels the expiry timer: the io_context runs out of work
  runner.join();    // and run() returns
  EXPECT_EQ(manager.Stats()[0].updates, 9750u);
}

TEST(FeedManagerTest, FileSourcePacesByMessageTime) {
  const auto path = std::filesystem::temp_directory_path() / "deconflict_feeds_paced.sbs";
  {
    std::ofstream out(path);
    for (int t : {0, 2}) {
      const std::string time = "12:00:0" + std::to_string(t) + ".000";
      out << "MSG,3,1,1,48520A,1,2018/08/01," << time << ",2018/08/01," << time << ",,38000,,,43.6,1.2,,,,,,0\n"
          << "MSG,4,1,1,48520A,1,2018/08/01," << time << ",2018/08/01," << time << ",,,395,355,,,0,,,,,0\n";
    }
  }
  Seen seen;
  FeedManager manager(FastOptions(), seen.Callbacks());
  ASSERT_TRUE(manager.AddFile(path.string(), {}, 4).ok());  // 2 s of traffic at 4x: 0.5 s
  const auto start = std::chrono::steady_clock::now();
  manager.StartThread();
  ASSERT_TRUE(seen.WaitFor(10s, [](auto& t, auto&) { return t.size() == 2; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 450ms);
  std::filesystem::remove(path);
}

TEST(FeedSpecTest, ParsesHostPortAndParty) {
  auto ep = ParseFeedSpec("127.0.0.1:30003=blue");
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 30003);
  EXPECT_EQ(ep->party, "blue");
  EXPECT_EQ(ep->name, "127.0.0.1:30003");
  auto v6 = ParseFeedSpec("[::1]:30003=red");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(FeedSpecTest, ReadsAPartyTable) {
  const auto path = std::filesystem::temp_directory_path() / "deconflict_feeds_parties.csv";
  std::ofstream(path) << "# ICAO,party\n48520A,red\n3981e4 , blue\n\n";
  auto ep = ParseFeedSpec("receiver:30003=civil@" + path.string());
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  EXPECT_EQ(ep->party, "civil");
  ASSERT_TRUE(ep->table);
  EXPECT_EQ(ep->table->at(0x48520A), "red");
  EXPECT_EQ(ep->table->at(0x3981E4), "blue");
  std::ofstream(path) << "48520A,red\nXYZ,blue\n";
  auto bad = ReadPartyTable(path.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), path.string() + ":2: field 1: \"XYZ\" is not a 6-digit hex ICAO address");
  std::filesystem::remove(path);
}

TEST(FeedSpecTest, RefusesMalformedSpecs) {
  EXPECT_FALSE(ParseFeedSpec("localhost=blue").ok());
  EXPECT_FALSE(ParseFeedSpec("localhost:0=blue").ok());
  EXPECT_FALSE(ParseFeedSpec("localhost:70000=blue").ok());
  EXPECT_FALSE(ParseFeedSpec("localhost:30003").ok());
  EXPECT_FALSE(ParseFeedSpec(":30003=blue").ok());
  EXPECT_FALSE(ParseFeedSpec("host:30003=blue@/nonexistent.csv").ok());
  EXPECT_NE(ParseFeedSpec("localhost:x=blue").status().message().find("\"x\" is not in 1..65535"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::feeds
