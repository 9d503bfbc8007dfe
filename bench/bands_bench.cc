// Speed of the resolution guidance (issue 14 target): DAIDALUS kinematic bands for one aircraft against 50
// intruders, all four dimensions (track, ground speed, vertical speed, altitude), DO-365B configuration
// (turn 3 deg/s, 2 m/s², 0.25 g, 500 fpm): <= 2 ms on one core.
//   BM_Bands50/spread:   50 intruders uniform within 15 NM and ±3000 ft, 150–450 kt, any track, ±1000 fpm.
//   BM_Bands50/converge: 50 intruders within 8 NM and ±500 ft, all heading at the ownship (a worst case: many
//                        conflicts, recovery bands searched).
// Run: build/bands_bench (single-threaded).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "guidance/bands.h"

namespace {

using namespace deconflict;

guidance::BandsInput Scene(bool converge, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  guidance::BandsInput in;
  in.ownship.id = "own";
  in.ownship.s_m = {0, 0, units::FeetToMeters(15000)};
  in.ownship.v_mps = {0, units::KnotsToMps(250), 0};
  for (int i = 0; i < 50; ++i) {
    guidance::AircraftKinematics a;
    a.id = std::to_string(i);
    const double r = units::NauticalMilesToMeters((converge ? 8 : 15) * std::sqrt(u(rng)));
    const double b = 2 * units::kPi * u(rng);
    const double dz = units::FeetToMeters(converge ? 500 : 3000) * (2 * u(rng) - 1);
    a.s_m = {r * std::sin(b), r * std::cos(b), in.ownship.s_m.z + dz};
    const double gs = units::KnotsToMps(150 + 300 * u(rng));
    const double trk = converge ? b + units::kPi + 0.3 * (2 * u(rng) - 1) : 2 * units::kPi * u(rng);
    a.v_mps = {gs * std::sin(trk), gs * std::cos(trk), converge ? 0 : units::FpmToMps(1000 * (2 * u(rng) - 1))};
    in.traffic.push_back(a);
  }
  return in;
}

void BM_Bands50(benchmark::State& state) {
  const guidance::BandsConfig config = guidance::Do365Config();
  const guidance::BandsInput in = Scene(state.range(0) == 1, 7);
  int alerted = 0;
  for (auto _ : state) {
    guidance::Bands b = guidance::ComputeBands(config, in);
    alerted = 0;
    for (const auto& t : b.traffic) alerted += t.alert_level > 0;
    benchmark::DoNotOptimize(b);
  }
  state.counters["alerted_intruders"] = alerted;
  state.SetLabel(state.range(0) == 1 ? "converge" : "spread");
}
BENCHMARK(BM_Bands50)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
