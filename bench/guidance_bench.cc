// Guidance for every alerted aircraft of the 10,000-aircraft detection benchmark (issue 14 target: within one
// 1 s cycle on one core, together with detection). Each conflict of the cycle is an alert; each of its two
// aircraft gets the alert guidance the service serves (server::OwnAircraftGuidance: DAIDALUS kinematic bands in
// four dimensions with the alert's minima, implicit coordination, JSON), with and without the last times to
// manoeuvre. Run: build/bench/guidance_bench (single-threaded; taskset -c 0 to pin).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "detect/detector.h"
#include "server/alert_guidance.h"
#include "bench_traffic.h"
#include "sim/traffic_gen.h"

namespace {

using namespace deconflict;

using bench::Uniform10k;

// One cycle: detection, then the guidance of both aircraft of every conflict.
void BM_DetectAndGuideEveryAlert10k(benchmark::State& state) {
  const auto& tracks = Uniform10k();
  server::GuidanceOptions g;
  g.enabled = true;
  g.last_time_to_maneuver = state.range(0) != 0;
  const detect::DetectorOptions o;
  const detect::AlertingOptions alerting;
  const server::AlertMinima minima = server::MinimaOfAlert(o, "a", "b");
  detect::Detector d(o);
  size_t conflicts = 0, guided = 0;
  for (auto _ : state) {
    auto c = d.Detect(tracks, nullptr);
    conflicts = c.size();
    guided = 0;
    for (const auto& x : c) {
      for (auto [own, other] : {std::pair{x.a, x.b}, std::pair{x.b, x.a}}) {
        auto j = server::OwnAircraftGuidance(g, minima, alerting, tracks[own], tracks[other]);
        if (!j.ok()) std::abort();
        benchmark::DoNotOptimize(j->size());
        ++guided;
      }
    }
  }
  state.counters["aircraft"] = static_cast<double>(tracks.size());
  state.counters["conflicts"] = static_cast<double>(conflicts);
  state.counters["guidance_objects"] = static_cast<double>(guided);
}
BENCHMARK(BM_DetectAndGuideEveryAlert10k)->Arg(0)->Arg(1)->ArgName("last_time_to_maneuver")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
