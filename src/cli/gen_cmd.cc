// `deconflict gen`: synthetic traffic (states CSV) for benchmarks and tests. The models are in
// src/sim/traffic_gen.h and documented in docs/detection.md.
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "cli/command.h"
#include "core/units.h"
#include "sim/traffic_gen.h"

namespace deconflict::cli {
namespace {

struct GenArgs {
  std::string model = "uniform";
  uint64_t seed = 1;
  size_t count = 0;  // 0 = the model's benchmark count
  size_t parties = 4;
  std::string center_lat = "47", center_lon = "8", box = "500km";
  std::string min_alt = "5km", max_alt = "12km", min_gs = "150", max_gs = "250", max_vs = "12.7";
  double vertical_fraction = 0.3;
  std::string time = "0";
  std::string output = "-";
};

int Run(const GenArgs& a) {
  sim::TrafficOptions o = a.model == "world" ? sim::WorldBenchmarkOptions(a.seed) : sim::UniformBenchmarkOptions(a.seed);
  if (a.count) o.count = a.count;
  o.parties = a.parties;
  o.vertical_fraction = a.vertical_fraction;
  struct Q {
    const std::string& text;
    units::Dimension dim;
    double* out;
    const char* flag;
  };
  const Q quantities[] = {
      {a.center_lat, units::Dimension::kAngle, &o.center_lat_deg, "--center-lat"},
      {a.center_lon, units::Dimension::kAngle, &o.center_lon_deg, "--center-lon"},
      {a.box, units::Dimension::kLength, &o.box_m, "--box"},
      {a.min_alt, units::Dimension::kLength, &o.min_alt_m, "--min-alt"},
      {a.max_alt, units::Dimension::kLength, &o.max_alt_m, "--max-alt"},
      {a.min_gs, units::Dimension::kSpeed, &o.min_gs_mps, "--min-gs"},
      {a.max_gs, units::Dimension::kSpeed, &o.max_gs_mps, "--max-gs"},
      {a.max_vs, units::Dimension::kVerticalSpeed, &o.max_vs_mps, "--max-vs"},
      {a.time, units::Dimension::kTime, &o.time_s, "--time"},
  };
  for (const Q& q : quantities) {
    auto v = units::ParseQuantity(q.text, q.dim);
    if (!v.ok()) {
      std::fprintf(stderr, "deconflict gen: %s: %s\n", q.flag, v.status().message().c_str());
      return kExitUsage;
    }
    *q.out = *v;
  }
  auto traffic = sim::GenerateTraffic(o);
  if (!traffic.ok()) {
    std::fprintf(stderr, "deconflict gen: %s\n", traffic.status().message().c_str());
    return kExitUsage;
  }
  const std::string csv = sim::StatesToCsv(*traffic);
  if (a.output == "-") {
    if (std::fwrite(csv.data(), 1, csv.size(), stdout) != csv.size()) return kExitFailure;
    return kExitOk;
  }
  std::ofstream f(a.output, std::ios::binary);
  f << csv;
  f.close();
  if (!f) {
    std::fprintf(stderr, "deconflict gen: cannot write %s\n", a.output.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<GenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gen",
      "Synthetic traffic as a states CSV (id,party,time_s,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps).\n"
      "Models: uniform (a box around a centre; default: the 10,000-aircraft benchmark case, 500 x 500 km,\n"
      "5-12 km, 150-250 m/s, 30 % climbing or descending at up to 12.7 m/s) and world (100,000 aircraft\n"
      "clustered around real hub airports plus en-route traffic on great circles). Seeded: the same\n"
      "seed gives the same file on every machine. See docs/detection.md.");
  cmd->add_option("--model", args->model, "uniform | world")->check(CLI::IsMember({"uniform", "world"}));
  cmd->add_option("--seed", args->seed, "random seed (default 1)");
  cmd->add_option("--count", args->count, "number of aircraft (default 10000 uniform, 100000 world)");
  cmd->add_option("--parties", args->parties, "spread aircraft over parties P0..P<n-1>; 0 = no party (default 4)");
  cmd->add_option("--center-lat", args->center_lat, "uniform: box centre latitude, deg (default 47)");
  cmd->add_option("--center-lon", args->center_lon, "uniform: box centre longitude, deg (default 8)");
  cmd->add_option("--box", args->box, "uniform: box side, with unit (default 500km)");
  cmd->add_option("--min-alt", args->min_alt, "uniform: lowest altitude (default 5km; units m, ft, FL...)");
  cmd->add_option("--max-alt", args->max_alt, "uniform: highest altitude (default 12km)");
  cmd->add_option("--min-gs", args->min_gs, "uniform: lowest ground speed (default 150 m/s; units kt, km/h)");
  cmd->add_option("--max-gs", args->max_gs, "uniform: highest ground speed (default 250 m/s)");
  cmd->add_option("--vertical-fraction", args->vertical_fraction,
                  "uniform: share climbing or descending (default 0.3)");
  cmd->add_option("--max-vs", args->max_vs, "uniform: largest |vertical rate| (default 12.7 m/s; fpm)");
  cmd->add_option("--time", args->time, "time_s written in every row (default 0)");
  cmd->add_option("-o,--output", args->output, "output file (default - = standard output)");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace deconflict::cli
