// Input and replay speed on the real Switzerland day (139,098 states, 842 aircraft, 17 h):
// reading the gzipped `traffic` JSON, parsing a states CSV, and a whole-day replay at 1 s steps.
#include <benchmark/benchmark.h>

#include <string>

#include "io/reader.h"
#include "io/replay.h"

namespace {

using namespace deconflict;

const std::string kDay = DECONFLICT_TEST_DATA "/traffic/switzerland.json.gz";

void BM_ReadTrafficJsonGz(benchmark::State& state) {
  for (auto _ : state) {
    auto r = io::ReadStates(kDay, io::InputFormat::kAuto);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 139098);
}
BENCHMARK(BM_ReadTrafficJsonGz)->Unit(benchmark::kMillisecond);

void BM_ParseStatesCsv(benchmark::State& state) {
  std::string text = "id,party,time_s,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\n";
  for (int i = 0; i < 100000; ++i)
    text += "AC" + std::to_string(i) + ",p" + std::to_string(i % 7) + ",0," + std::to_string(40 + i % 100 * 0.1) +
            "," + std::to_string(5 + i % 77 * 0.1) + ",10000,220.5,123.25,-2.5\n";
  for (auto _ : state) {
    auto r = io::ParseStates(text, "bench.csv", io::InputFormat::kStatesCsv);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_ParseStatesCsv)->Unit(benchmark::kMillisecond);

void BM_ReplaySwitzerlandDay(benchmark::State& state) {
  auto day = io::ReadStates(kDay, io::InputFormat::kAuto);
  if (!day.ok()) {
    state.SkipWithError(day.status().message().c_str());
    return;
  }
  std::size_t steps = 0;
  for (auto _ : state) {
    auto s = io::Replay(day->states, {}, nullptr);
    if (!s.ok()) state.SkipWithError(s.status().message().c_str());
    else steps = s->steps;
  }
  state.counters["steps"] = static_cast<double>(steps);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(steps));
}
BENCHMARK(BM_ReplaySwitzerlandDay)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
