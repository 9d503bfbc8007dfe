// Synthetic traffic for benchmarks and tests, reproducible from a seed (std::mt19937_64 with
// explicit, portable sampling; the same seed gives the same traffic on every platform).
// Models are documented in docs/detection.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/track.h"

namespace deconflict::sim {

enum class TrafficModel {
  kUniform,  // uniform in a square box around a centre (the 10k benchmark case)
  kWorld,    // clustered around real hub airports worldwide, plus en-route background
};

struct TrafficOptions {
  TrafficModel model = TrafficModel::kUniform;
  uint64_t seed = 1;
  size_t count = 10000;
  size_t parties = 4;  // ids are spread over parties "P0".."P<n-1>"; 0 = no party (empty)
  double time_s = 0;   // time of the snapshot written in every state
  // Uniform model: box of side box_m (metres along the ground) around (center_lat, center_lon).
  double center_lat_deg = 47.0;
  double center_lon_deg = 8.0;
  double box_m = 500e3;
  double min_alt_m = 5000, max_alt_m = 12000;
  double min_gs_mps = 150, max_gs_mps = 250;
  double vertical_fraction = 0.3;  // share climbing or descending
  double max_vs_mps = 12.7;        // |vs| uniform in (0, max] for those
};

// The benchmark case: 10,000 aircraft uniform over 500 × 500 km, 5–12 km, 150–250 m/s, 30 % vertical.
TrafficOptions UniformBenchmarkOptions(uint64_t seed = 1);
// The world case: 100,000 aircraft, world model.
TrafficOptions WorldBenchmarkOptions(uint64_t seed = 1);

// Generates the traffic. Errors on inconsistent options (e.g. min > max, box too large, count 0 is fine).
Result<std::vector<TrackState>> GenerateTraffic(const TrafficOptions& options);

// The states CSV header written by `deconflict gen` and WriteStatesCsv.
inline constexpr const char* kStatesCsvHeader = "id,party,time_s,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps";
// Writes states as CSV with kStatesCsvHeader (numbers with enough digits to round-trip to ~1 mm).
std::string StatesToCsv(const std::vector<TrackState>& states);

}  // namespace deconflict::sim
