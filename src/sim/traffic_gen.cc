#include "sim/traffic_gen.h"

namespace deconflict::sim {

TrafficOptions UniformBenchmarkOptions(uint64_t seed) {
  TrafficOptions o;
  o.seed = seed;
  return o;
}

TrafficOptions WorldBenchmarkOptions(uint64_t seed) {
  TrafficOptions o;
  o.model = TrafficModel::kWorld;
  o.seed = seed;
  o.count = 100000;
  return o;
}

// First commit: API only (no traffic); the models follow.
Result<std::vector<TrackState>> GenerateTraffic(const TrafficOptions&) { return std::vector<TrackState>{}; }
std::string StatesToCsv(const std::vector<TrackState>&) { return kStatesCsvHeader + std::string("\n"); }

}  // namespace deconflict::sim
