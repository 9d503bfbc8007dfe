// Acceptance test of the SBS client against the real decoder: Debian's dump1090-mutability runs in
// --net-only mode on loopback ports, the real Beast capture tests/data/traffic/sample_dump1090.bin is pushed
// into its Beast input port, and our FeedManager reads its SBS output. The test fails (it does not skip)
// when the decoder is not installed: scripts/install-deps.sh installs it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "core/units.h"
#include "harness.h"
#include "feeds/feed_manager.h"

namespace deconflict::feeds {
namespace {

using namespace std::chrono_literals;
using testing::Decoder;
using testing::FindDecoder;

TEST(Dump1090Test, AircraftOfTheBeastCaptureAppearAsTracks) {
  const std::string decoder = FindDecoder();
  ASSERT_FALSE(decoder.empty()) << "dump1090-mutability is not installed; run scripts/install-deps.sh";
  setenv("TZ", "UTC", 1);  // dump1090 writes SBS times in local time; the decoder inherits this
  tzset();

  const auto frames = testing::ReadBeastFrames(DECONFLICT_TEST_DATA "/traffic/sample_dump1090.bin");
  ASSERT_EQ(frames.size(), 239u);  // the capture as documented in tests/data/README.md

  const std::string log_path =  // one per process: ctest runs tests in parallel
      (std::filesystem::temp_directory_path() / ("deconflict_dump1090_" + std::to_string(getpid()) + ".log")).string();
  Decoder dump1090(decoder, log_path);
  ASSERT_TRUE(dump1090.ok()) << "dump1090-mutability did not open its ports; see " << log_path;

  std::mutex mutex;
  std::map<std::string, TrackState> tracks;
  FeedManagerOptions options;
  options.parse.time_source = SbsTimeSource::kMessageLocal;  // exercise the local-time path with TZ=UTC
  FeedCallbacks callbacks;
  callbacks.on_track = [&](const TrackState& t) {
    std::lock_guard lock(mutex);
    tracks[t.id] = t;
  };
  FeedManager manager(options, callbacks);
  FeedEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = dump1090.sbs_port();
  endpoint.party = "toulouse";
  endpoint.name = "dump1090";
  manager.AddFeed(endpoint);
  manager.StartThread();
  const auto connect_deadline = std::chrono::steady_clock::now() + 5s;
  while (!manager.Stats()[0].connected && std::chrono::steady_clock::now() < connect_deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(manager.Stats()[0].connected);
  std::this_thread::sleep_for(100ms);  // let the decoder register its SBS client

  // Push the capture into the Beast input port, paced at 10x its recorded timing (2.4 s).
  const double wall_start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  testing::PushBeastFrames(dump1090.beast_in_port(), frames, 10);

  // 48520A is the aircraft with a position, a velocity, a callsign and a squawk in the capture.
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  auto known = [&] {
    for (const auto& a : manager.Aircraft(0))
      if (a.id == "3981e4" && a.callsign == "TJT62CB") return true;
    return false;
  };
  while (std::chrono::steady_clock::now() < deadline) {
    bool have;
    {
      std::lock_guard lock(mutex);
      have = tracks.count("48520a") && tracks["48520a"].callsign == "TRA89M";
    }
    if (have && known()) break;
    std::this_thread::sleep_for(50ms);
  }
  const FeedStats stats = manager.Stats()[0];
  const auto aircraft = manager.Aircraft(0);
  manager.Stop();

  std::lock_guard lock(mutex);
  ASSERT_TRUE(tracks.count("48520a")) << "no usable track for 48520A; lines: " << stats.counters.Summary();
  const TrackState& tra = tracks["48520a"];
  EXPECT_EQ(tra.callsign, "TRA89M");
  EXPECT_EQ(tra.party, "toulouse");
  EXPECT_NEAR(tra.alt_m, units::FeetToMeters(38000), 1e-6);  // FL380
  EXPECT_NEAR(tra.lat_deg, 43.645, 0.01);                      // near Toulouse
  EXPECT_NEAR(tra.lon_deg, 1.231, 0.01);
  EXPECT_NEAR(tra.gs_mps, units::KnotsToMps(395), 1e-6);
  EXPECT_FALSE(tra.on_ground);
  // SBS times are the decoder's local clock; read with TZ=UTC they are this machine's UTC time.
  EXPECT_NEAR(tra.time_s, wall_start, 60);
  EXPECT_EQ(tracks.size(), 1u) << "only 48520A has positions in the capture";

  // What the decoder yields for the capture: 48520A and 3981E4. It holds back each aircraft's first
  // message, and 440062 / 44CE69 send too little for it to publish anything on its SBS port.
  std::map<std::string, AircraftInfo> by_id;
  for (const auto& a : aircraft) by_id[a.id] = a;
  ASSERT_TRUE(by_id.count("48520a"));
  EXPECT_EQ(by_id["48520a"].squawk, 5516);
  ASSERT_TRUE(by_id.count("3981e4")) << "3981E4 missing; lines: " << stats.counters.Summary();
  EXPECT_EQ(by_id["3981e4"].callsign, "TJT62CB");
  EXPECT_TRUE(by_id["3981e4"].has_altitude);
  EXPECT_NEAR(by_id["3981e4"].state.alt_m, units::FeetToMeters(25000), 1e-6);
  EXPECT_EQ(by_id["3981e4"].squawk, 1000);
  EXPECT_FALSE(by_id["3981e4"].usable);  // no position in the capture
  EXPECT_EQ(by_id.size(), 2u);

  EXPECT_GT(stats.counters.messages, 100u);
  EXPECT_EQ(stats.counters.bad, 0u) << stats.counters.Summary();
}

}  // namespace
}  // namespace deconflict::feeds
