// Traffic scenarios shared by the benchmarks: generated once per program (sim/traffic_gen.h, seed 1).
#pragma once

#include <cstdlib>
#include <vector>

#include "sim/traffic_gen.h"

namespace deconflict::bench {

// 10,000 aircraft, uniform over 500 x 500 km, 5-12 km, 150-250 m/s, 30 % vertical (issue 2's benchmark).
inline const std::vector<TrackState>& Uniform10k() {
  static const std::vector<TrackState> t = [] {
    auto r = sim::GenerateTraffic(sim::UniformBenchmarkOptions(1));
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return t;
}

}  // namespace deconflict::bench
