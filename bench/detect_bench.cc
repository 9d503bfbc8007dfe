// Speed and memory of tactical detection (issue 2 targets):
//   10k uniform (500 x 500 km, 5-12 km, 150-250 m/s, 30 % vertical), 5 NM / 1000 ft / 300 s: <= 30 ms
//   100k world-like clustered traffic: <= 200 ms, detector state <= 1 KB per aircraft
//   narrow phase: >= 2e8 pair checks per second per core
// plus O(N²) baselines. Run: build/detect_bench (single-threaded; pin with taskset -c 0 if you like).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "detect/alerting.h"
#include "detect/detector.h"
#include "detect/narrow_phase.h"
#include "geo/local_frame.h"
#include "bench_traffic.h"
#include "sim/traffic_gen.h"

namespace {

using namespace deconflict;

using bench::Uniform10k;

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

// Alerting over time: one AlertTracker step (1 s) on the 10k uniform case's conflicts, all pairs' alerts open,
// each pair through its M-of-N / persistence filter. Compare with the detection of the same step.
void BM_AlertTrackerUniform10k(benchmark::State& state) {
  detect::Detector d{detect::DetectorOptions{}};
  const auto conflicts = d.Detect(Uniform10k());
  detect::AlertTracker tracker;
  double t = 0;
  tracker.Update(t, Uniform10k(), conflicts);
  for (auto _ : state) {
    t += 1;
    auto events = tracker.Update(t, Uniform10k(), conflicts);
    benchmark::DoNotOptimize(events.data());
  }
  state.counters["conflicts"] = static_cast<double>(conflicts.size());
  state.counters["open_alerts"] = static_cast<double>(tracker.open_alerts());
}
BENCHMARK(BM_AlertTrackerUniform10k)->Unit(benchmark::kMillisecond);

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

// One block of the first n aircraft of the 10k case in the tangent plane at the box centre.
detect::internal::SoaBlock UniformBlock(size_t n) {
  using namespace detect::internal;
  const auto& tracks = Uniform10k();
  SoaBlock b;
  b.Resize(n);
  const geo::LocalFrame f(47, 8);
  for (size_t k = 0; k < n; ++k) {
    const TrackState& t = tracks[k];
    const auto pos = f.ToLocal(t.lat_deg, t.lon_deg, t.alt_m);
    const auto vel = f.VelocityToLocal(t.lat_deg, t.lon_deg, t.gs_mps, t.trk_deg, t.vs_mps);
    const double v[kNumFields] = {pos.east_m, pos.north_m, vel.east_m, vel.north_m, t.alt_m, t.vs_mps, t.gs_mps};
    for (int fi = 0; fi < kNumFields; ++fi) b.field(fi)[k] = static_cast<float>(v[fi]);
    b.party()[k] = static_cast<int32_t>(k % 4);
    b.corner()[k] = kAllCorners;
  }
  return b;
}

detect::internal::FilterParams CylinderFilter() {
  detect::internal::FilterParams p;
  p.r2 = 9260.0f * 9260.0f + 2000.0f * 2000.0f;  // 5 NM and the curvature bound mu
  p.t = 300;
  p.h = 274.32f;  // 1000 ft - 100 ft tolerance
  return p;
}

// Narrow phase alone: each aircraft against a contiguous block (with the cell de-duplication test),
// all pairs of 4096 aircraft.
void BM_NarrowPhasePairChecks(benchmark::State& state) {
  using namespace detect::internal;
  const size_t n = 4096;
  const SoaBlock b = UniformBlock(n);
  const FilterParams p = CylinderFilter();
  std::vector<int32_t> hit(n);
  int64_t pairs = 0;
  size_t hits = 0;
  for (auto _ : state) {
    for (size_t i = 0; i + 1 < n; ++i) {
      hits += FilterRow(p, b, i, i + 1, n, /*dedup=*/true, hit.data());
      pairs += static_cast<int64_t>(n - i - 1);
    }
    benchmark::DoNotOptimize(hit.data());
  }
  state.SetItemsProcessed(pairs);
  state.counters["pair_checks_per_s"] = benchmark::Counter(static_cast<double>(pairs), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_NarrowPhasePairChecks)->Unit(benchmark::kMillisecond);

// Baseline: the vectorised filter over all N² / 2 pairs of the 10k case, no broad phase (a plain
// O(N²) loop at the arithmetic limit; the survivors would still need the exact stage).
void BM_FilterAllPairsUniform10k(benchmark::State& state) {
  using namespace detect::internal;
  const size_t n = Uniform10k().size();
  const SoaBlock b = UniformBlock(n);
  const FilterParams p = CylinderFilter();
  std::vector<int32_t> hit(n);
  size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (size_t i = 0; i + 1 < n; ++i) hits += FilterRow(p, b, i, i + 1, n, /*dedup=*/false, hit.data());
    benchmark::DoNotOptimize(hit.data());
  }
  state.counters["filtered_pairs"] = static_cast<double>(hits);
}
BENCHMARK(BM_FilterAllPairsUniform10k)->Unit(benchmark::kMillisecond);

// Baseline: the exact pair computation over all N² pairs (what the broad phase and filter avoid).
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
