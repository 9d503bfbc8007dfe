// Speed and memory of tactical detection (issue 2 targets):
//   10k uniform (500 x 500 km, 5-12 km, 150-250 m/s, 30 % vertical), 5 NM / 1000 ft / 300 s: <= 30 ms
//   100k world-like clustered traffic: <= 200 ms, detector state <= 1 KB per aircraft
//   narrow phase: >= 2e8 pair checks per second per core
// plus O(N²) baselines. Run: build/detect_bench (single-threaded; pin with taskset -c 0 if you like).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "detect/detector.h"
#include "detect/narrow_phase.h"
#include "geo/local_frame.h"
#include "sim/traffic_gen.h"

namespace {

using namespace deconflict;

const std::vector<TrackState>& Uniform10k() {
  static const std::vector<TrackState> t = [] {
    auto r = sim::GenerateTraffic(sim::UniformBenchmarkOptions(1));
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return t;
}

const std::vector<TrackState>& World100k() {
  static const std::vector<TrackState> t = [] {
    auto r = sim::GenerateTraffic(sim::WorldBenchmarkOptions(1));
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return t;
}

void Report(benchmark::State& state, const detect::DetectStats& st) {
  state.counters["aircraft"] = static_cast<double>(st.aircraft);
  state.counters["candidate_pairs"] = static_cast<double>(st.candidate_pairs);
  state.counters["filtered_pairs"] = static_cast<double>(st.filtered_pairs);
  state.counters["conflicts"] = static_cast<double>(st.conflicts);
  state.counters["state_bytes_per_aircraft"] =
      st.aircraft ? static_cast<double>(st.state_bytes) / static_cast<double>(st.aircraft) : 0;
}

void RunDetect(benchmark::State& state, const std::vector<TrackState>& tracks, detect::DetectorOptions o) {
  detect::Detector d(o);
  detect::DetectStats st;
  for (auto _ : state) {
    auto c = d.Detect(tracks, &st);
    benchmark::DoNotOptimize(c.data());
  }
  Report(state, st);
}

void BM_DetectUniform10k(benchmark::State& state) { RunDetect(state, Uniform10k(), {}); }
BENCHMARK(BM_DetectUniform10k)->Unit(benchmark::kMillisecond);

void BM_DetectUniform10kWellClear(benchmark::State& state) {
  detect::DetectorOptions o;
  o.model = detect::Model::kWellClear;
  RunDetect(state, Uniform10k(), o);
}
BENCHMARK(BM_DetectUniform10kWellClear)->Unit(benchmark::kMillisecond);

void BM_DetectWorld100k(benchmark::State& state) { RunDetect(state, World100k(), {}); }
BENCHMARK(BM_DetectWorld100k)->Unit(benchmark::kMillisecond);

// Grid tuning sweep on the 10k case (cell factor x10, band factor x10).
void BM_DetectUniform10kTuning(benchmark::State& state) {
  detect::DetectorOptions o;
  o.grid.cell_factor = static_cast<double>(state.range(0)) / 10;
  o.grid.band_factor = static_cast<double>(state.range(1)) / 10;
  RunDetect(state, Uniform10k(), o);
}
BENCHMARK(BM_DetectUniform10kTuning)
    ->ArgsProduct({{3, 5, 7, 10, 15}, {10, 20, 40}})
    ->Unit(benchmark::kMillisecond);

// Narrow phase alone: one aircraft against a contiguous block, all pairs of 4096 aircraft.
void BM_NarrowPhasePairChecks(benchmark::State& state) {
  using namespace detect::internal;
  const auto& tracks = Uniform10k();
  const size_t n = 4096;
  SoaBlock b;
  b.Resize(n);
  for (size_t k = 0; k < n; ++k) {
    const TrackState& t = tracks[k];
    const geo::LocalFrame f(47, 8);
    const auto pos = f.ToLocal(t.lat_deg, t.lon_deg, t.alt_m);
    const auto vel = f.VelocityToLocal(t.lat_deg, t.lon_deg, t.gs_mps, t.trk_deg, t.vs_mps);
    const double v[kNumFields] = {pos.east_m, pos.north_m, vel.east_m, vel.north_m, t.alt_m, t.vs_mps,
                                  t.gs_mps, static_cast<double>(k % 3), 0, 0, 0, 0};
    for (int fi = 0; fi < kNumFields; ++fi) b.field(fi)[k] = static_cast<float>(v[fi]);
  }
  FilterParams p;
  p.r2 = 9260.0f * 9260.0f + 2000.0f * 2000.0f;
  p.t = 300;
  p.h = 274.32f;
  const float key[4] = {0, 0, 0, 0};
  std::vector<int32_t> hit(n);
  int64_t pairs = 0, hits = 0;
  for (auto _ : state) {
    for (size_t i = 0; i + 1 < n; ++i) {
      FilterRow(p, b, i, i + 1, n, key, hit.data());
      pairs += static_cast<int64_t>(n - i - 1);
    }
    hits += hit[0];
    benchmark::DoNotOptimize(hit.data());
  }
  state.SetItemsProcessed(pairs);
  state.counters["pair_checks_per_s"] = benchmark::Counter(static_cast<double>(pairs), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_NarrowPhasePairChecks)->Unit(benchmark::kMillisecond);

// Baselines: the exact pair computation over all N² pairs (what the broad phase and filter avoid).
void BM_BruteForceUniform10k(benchmark::State& state) {
  detect::Detector d;
  detect::DetectStats st;
  for (auto _ : state) {
    auto c = d.DetectBruteForce(Uniform10k(), &st);
    benchmark::DoNotOptimize(c.data());
  }
  Report(state, st);
}
BENCHMARK(BM_BruteForceUniform10k)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
