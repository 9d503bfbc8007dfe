// Resident memory of the service under a steady mixed load, over time (docs/service.md, "Retention and
// pagination"). In this process: the service, its durable SQLite store and its detection cycle (every 200 ms),
// driven through the service's entry points (the HTTP layer adds no state that grows with uptime):
//   - three parties, 300 aircraft each, updated every tick (100 ms), far apart;
//   - one pair of aircraft per pair of parties that converges and diverges in turn (alerts open and close);
//   - every tick a notice from one party to the two others, acknowledged by both a tick later (notices settle);
//     every second each party acknowledges its alert notices.
// It reports the resident set size (VmRSS) after setup, after a warm-up (a quarter of the run, at most 120 s), in
// the middle and at the end, and the largest change relative to the warm-up value; the live state (unsettled
// notices, alerts in memory) at the end.
//
//   ./build/bench/memory_bench                    # 60 s (the default; the first 15 s are warm-up)
//   ./build/bench/memory_bench --duration_s=600   # 10 minutes; a line per 30 s on stderr
//   --window_events=N                             # per-party stream window (default 256; serve's default 4096)
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

#include "record/hash.h"
#include "server/service.h"
#include "store/open.h"

namespace {
using namespace deconflict;
using namespace deconflict::server;

double g_duration_s = 60;
// The per-party stream window (stream.window_events; its own, documented bound on memory). Small by default so that
// the windows are full after the warm-up and what the run shows is the retention of notices and alerts.
size_t g_window_events = 256;

// VmRSS of this process in MiB (Linux /proc/self/status).
double RssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

TrackState Track(const std::string& party, const std::string& id, double lat, double lon, double alt, double trk,
                 double now) {
  TrackState t;
  t.party = party;
  t.id = id;
  t.time_s = now;
  t.lat_deg = lat;
  t.lon_deg = lon;
  t.alt_m = alt;
  t.gs_mps = 200;
  t.trk_deg = trk;
  return t;
}

void BM_SteadyMixedLoad(benchmark::State& state) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("dc-memory-bench-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  for (auto _ : state) {
    auto opened = store::Open("sqlite:" + dir);
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    std::unique_ptr<store::Store> store = std::move(opened.value());
    Metrics metrics;
    EventHub hub(StreamWindow{g_window_events, 4u << 20});
    ServiceOptions o;
    o.detection_period_s = 0.2;
    o.alerting.hysteresis_s = 0;
    o.alerting.persistence_s = 0;
    o.admin_token_hash = record::TokenHashHex("admin");
    Service service(o, *store, hub, metrics);
    (void)service.Load();
    service.Start();
    const std::vector<std::string> parties{"blue", "red", "green"};
    for (const auto& p : parties) (void)service.CreateParty(p, "", "");

    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    const double warmup_s = std::min(120.0, g_duration_s / 4);  // the stream windows fill meanwhile
    const double rss_setup = RssMiB();
    double rss_start = -1, rss_mid = -1, max_change_pct = 0, next_report = 0;
    std::vector<std::pair<std::string, std::string>> to_ack;  // (party, notice) due next tick
    long notices = 0, ticks = 0;
    for (; elapsed() < g_duration_s; ++ticks) {
      const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      // Converging pairs: 4 s together (an alert), 4 s apart (resolved).
      const bool together = static_cast<long>(elapsed() / 4) % 2 == 0;
      for (size_t k = 0; k < parties.size(); ++k) {
        const std::string& p = parties[k];
        std::vector<TrackState> batch;
        for (int i = 0; i < 300; ++i)
          batch.push_back(Track(p, p + std::to_string(i), -60 + 40 * static_cast<double>(k), -170 + i * 1.1, 6000, 90, now));
        const double lat = 10 + 2 * static_cast<double>(k);
        batch.push_back(Track(p, p + "-pair", lat, 38.0, 6000, 90, now));
        (void)service.IngestTracks(p, std::move(batch), "bench");
      }
      // Each party's "-pair" aircraft meets one of the next party's, head-on at its level or 3000 m above.
      for (size_t k = 0; k < parties.size(); ++k) {
        const std::string& p = parties[(k + 1) % parties.size()];
        const double lat = 10 + 2 * static_cast<double>(k);
        (void)service.IngestTracks(p, {Track(p, p + "-x" + std::to_string(k), lat, 38.3, together ? 6000 : 9000, 270, now)},
                                   "bench");
      }
      for (const auto& [p, id] : to_ack) (void)service.Acknowledge(p, id, "");
      to_ack.clear();
      if (ticks % 10 == 0)  // each party's duty officer acknowledges its alert notices
        for (const auto& p : parties) service.AcknowledgeOlderThan(p, 1.0, {"alert"});
      const std::string& from = parties[ticks % 3];
      std::vector<std::string> to;
      for (const auto& p : parties)
        if (p != from) to.push_back(p);
      auto id = service.SendNotice(from, to, "free_text", "steady load notice " + std::to_string(ticks));
      if (id.ok()) {
        ++notices;
        for (const auto& p : to) to_ack.emplace_back(p, *id);
      }
      const double t = elapsed();
      if (rss_start < 0 && t >= warmup_s) rss_start = RssMiB();
      if (rss_mid < 0 && t >= g_duration_s / 2) rss_mid = RssMiB();
      if (rss_start > 0) max_change_pct = std::max(max_change_pct, std::abs(RssMiB() / rss_start - 1) * 100);
      if (t >= next_report) {
        std::fprintf(stderr, "memory_bench t=%.0fs rss=%.1fMiB notices_sent=%ld live_notices=%zu alerts_in_memory=%zu\n", t,
                     RssMiB(), notices, service.live_notice_count(), service.alert_count());
        next_report += 30;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (const auto& [p, id] : to_ack) (void)service.Acknowledge(p, id, "");
    const double rss_end = RssMiB();
    state.counters["rss_setup_MiB"] = rss_setup;
    state.counters["rss_start_MiB"] = rss_start;
    state.counters["rss_mid_MiB"] = rss_mid;
    state.counters["rss_end_MiB"] = rss_end;
    state.counters["rss_max_change_pct"] = max_change_pct;
    state.counters["notices_sent"] = static_cast<double>(notices);
    state.counters["live_notices_end"] = static_cast<double>(service.live_notice_count());
    state.counters["alerts_in_memory_end"] = static_cast<double>(service.alert_count());
    state.counters["alert_changes"] = metrics.Series("dc_alert_changes_total", "").load();
    service.Stop();
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SteadyMixedLoad)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  // --duration_s=N is ours; the rest goes to Google Benchmark.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--duration_s=", 0) == 0) g_duration_s = std::max(3.0, std::stod(a.substr(13)));
    else if (a.rfind("--window_events=", 0) == 0) g_window_events = std::max<size_t>(1, std::stoul(a.substr(16)));
    else rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
