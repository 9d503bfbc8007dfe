// Acceptance test of the SBS client against the real decoder: Debian's dump1090-mutability runs in
// --net-only mode on loopback ports, the real Beast capture tests/data/traffic/sample_dump1090.bin is pushed
// into its Beast input port, and our FeedManager reads its SBS output. The test fails (it does not skip)
// when the decoder is not installed: scripts/install-deps.sh installs it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "core/units.h"
#include "feeds/feed_manager.h"

extern char** environ;

namespace deconflict::feeds {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::string FindDecoder() {
  for (const char* p : {"/usr/bin/dump1090-mutability", "/usr/local/bin/dump1090-mutability"})
    if (access(p, X_OK) == 0) return p;
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      const size_t end = std::min(dirs.find(':', start), dirs.size());
      const std::string candidate = dirs.substr(start, end - start) + "/dump1090-mutability";
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

// Five loopback ports free at the time of the call (held together so that they differ).
std::vector<uint16_t> FreePorts(asio::io_context& io, int n) {
  std::vector<tcp::acceptor> held;
  std::vector<uint16_t> ports;
  for (int i = 0; i < n; ++i) {
    held.emplace_back(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    ports.push_back(held.back().local_endpoint().port());
  }
  return ports;
}

// The decoder process; killed (TERM, then KILL) and reaped when this goes out of scope, pass or fail.
class Decoder {
 public:
  Decoder(const std::string& binary, const std::vector<uint16_t>& ports, const std::string& log_path) {
    std::vector<std::string> args = {binary,
                                     "--net-only",
                                     "--net-bind-address",
                                     "127.0.0.1",
                                     "--net-ri-port",
                                     std::to_string(ports[0]),
                                     "--net-ro-port",
                                     std::to_string(ports[1]),
                                     "--net-sbs-port",
                                     std::to_string(ports[2]),
                                     "--net-bi-port",
                                     std::to_string(ports[3]),
                                     "--net-bo-port",
                                     std::to_string(ports[4]),
                                     "--quiet"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    started_ = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0;
    if (!started_) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Decoder() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 40; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(50ms);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  bool started() const { return started_; }
  bool running() {
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;  // exited and reaped
    return pid_ > 0;
  }

 private:
  pid_t pid_ = -1;
  bool started_ = false;
};

bool WaitForPort(asio::io_context& io, uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

struct BeastFrame {
  double time_s;       // 12 MHz counter / 12e6
  std::string bytes;   // the frame as captured, escapes included
};

// Splits a Mode-S Beast binary stream: 0x1a, type '1'/'2'/'3', 6-byte 12 MHz timestamp, RSSI, 2/7/14 bytes
// of message; a 0x1a inside a frame is doubled.
std::vector<BeastFrame> ReadBeastFrames(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), {});
  std::vector<BeastFrame> frames;
  size_t i = 0;
  while (i + 2 < data.size() && data[i] == 0x1a) {
    const char type = data[i + 1];
    const size_t payload = type == '1' ? 2 : type == '2' ? 7 : type == '3' ? 14 : 0;
    if (payload == 0) break;
    size_t j = i + 2;
    std::string unescaped;
    while (unescaped.size() < 6 + 1 + payload && j < data.size()) {
      unescaped.push_back(data[j]);
      j += (data[j] == 0x1a) ? 2 : 1;
    }
    uint64_t ticks = 0;
    for (int k = 0; k < 6; ++k) ticks = (ticks << 8) | static_cast<unsigned char>(unescaped[k]);
    frames.push_back({static_cast<double>(ticks) / 12e6, data.substr(i, j - i)});
    i = j;
  }
  return frames;
}

TEST(Dump1090Test, AircraftOfTheBeastCaptureAppearAsTracks) {
  const std::string decoder = FindDecoder();
  ASSERT_FALSE(decoder.empty()) << "dump1090-mutability is not installed; run scripts/install-deps.sh";
  setenv("TZ", "UTC", 1);  // dump1090 writes SBS times in local time; the decoder inherits this
  tzset();

  const auto frames = ReadBeastFrames(DECONFLICT_TEST_DATA "/traffic/sample_dump1090.bin");
  ASSERT_EQ(frames.size(), 239u);  // the capture as documented in tests/data/README.md

  asio::io_context io;
  const std::string log_path = (std::filesystem::temp_directory_path() / "deconflict_dump1090.log").string();
  std::vector<uint16_t> ports;
  std::unique_ptr<Decoder> dump1090;
  for (int attempt = 0; attempt < 3 && !(dump1090 && dump1090->running()); ++attempt) {
    ports = FreePorts(io, 5);
    dump1090 = std::make_unique<Decoder>(decoder, ports, log_path);
    ASSERT_TRUE(dump1090->started()) << "cannot start " << decoder;
    if (!WaitForPort(io, ports[2], 5s)) dump1090.reset();
  }
  ASSERT_TRUE(dump1090 && dump1090->running()) << "dump1090-mutability did not open its ports; see " << log_path;

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
  manager.AddFeed({"127.0.0.1", ports[2], "toulouse", nullptr, "dump1090"});
  manager.StartThread();
  const auto connect_deadline = std::chrono::steady_clock::now() + 5s;
  while (!manager.Stats()[0].connected && std::chrono::steady_clock::now() < connect_deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(manager.Stats()[0].connected);
  std::this_thread::sleep_for(100ms);  // let the decoder register its SBS client

  // Push the capture into the Beast input port, paced at 10x its recorded timing (2.4 s).
  const double wall_start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  {
    tcp::socket beast(io);
    beast.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ports[3]));
    const auto start = std::chrono::steady_clock::now();
    for (const BeastFrame& f : frames) {
      std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>((f.time_s - frames[0].time_s) / 10)));
      asio::write(beast, asio::buffer(f.bytes));
    }
    std::this_thread::sleep_for(200ms);
  }

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
