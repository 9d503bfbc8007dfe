// Strategic deconfliction speed: one new operation checked against 100,000 active operations packed
// into one congested area. Targets (issue 3): p99 <= 1 ms per check, >= 10,000 checks/s on one core,
// index memory <= 2 KB per volume. Counters: p50_us, p99_us, max_us (per check, CPU time of the
// checking thread), wall_p99_us, conflicts_per_check, index_B_per_volume, geometry_B_per_volume;
// items_per_second is checks per second of wall time on one thread.
//
// Loads:
//  - DssCongestedArea: the InterUSS DSS benchmarker's congested-area case
//    (tests/data/interuss/dss_benchmarker_congested_area.jsonnet): every operation is the same
//    +-0.00001 deg square (~2.2 m) at 34 N 118 W, 0-20 m above 300 m W84, 5 s long; here 100,000 of them
//    from 35 parties start one every 0.864 s over 24 h (the reference spaces each user's flights 29-31 s
//    apart). Equal priorities, permitted by the default terms, so every check finds and reports the ~6
//    operations overlapping in time.
//  - CongestedCity: 100,000 operations in a 10 km x 10 km area over 24 h: quadrilaterals and circles of
//    50-400 m, 30 m altitude bands in 0-150 m, 10-60 min windows, 50 parties, priorities 0-3 (filed in
//    increasing priority so that all are accepted); queries are drawn the same way.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "plan/registry.h"

namespace deconflict::plan {
namespace {

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int kActive = 100000;

Volume4D DssShape(double t0) {
  Volume4D v;
  const double lat = 34, lng = -118, h = 0.00001;
  v.outline_polygon = {{lat - h, lng - h}, {lat + h, lng - h}, {lat + h, lng + h}, {lat - h, lng + h}};
  v.altitude_lower_m = 300;
  v.altitude_upper_m = 320;
  v.time_start_s = t0;
  v.time_end_s = t0 + 5;
  return v;
}

// A circle of radius r (metres) at (lat, lng), or a quadrilateral around it whose corners sit at
// r times jitter() from the centre in latitude and longitude (drawn in order SW, SE, NE, NW).
template <typename Jitter>
Volume4D ShapeAt(double lat, double lng, double r, bool circle, Jitter jitter) {
  const double dlat = r / 111195.0, dlng = dlat / std::cos(lat * M_PI / 180);
  Volume4D v;
  if (circle) {
    v.outline_circle = Circle{{lat, lng}, r};
  } else {
    v.outline_polygon = {{lat - dlat * jitter(), lng - dlng * jitter()},
                         {lat - dlat * jitter(), lng + dlng * jitter()},
                         {lat + dlat * jitter(), lng + dlng * jitter()},
                         {lat + dlat * jitter(), lng - dlng * jitter()}};
  }
  return v;
}

Volume4D CityShape(std::mt19937& rng) {
  std::uniform_real_distribution<double> pos(0, 0.09);  // ~10 km
  std::uniform_real_distribution<double> size(25, 200);  // half-size, metres
  std::uniform_real_distribution<double> jitter(0.7, 1.3);
  std::uniform_int_distribution<int> band(0, 4), kind(0, 3);
  std::uniform_real_distribution<double> start(0, 86400), dur(600, 3600);
  const double lat = 45 + pos(rng), lng = 7 + pos(rng), r = size(rng);
  const bool circle = kind(rng) == 0;
  Volume4D v = ShapeAt(lat, lng, r, circle, [&] { return jitter(rng); });
  v.altitude_lower_m = 30.0 * band(rng);
  v.altitude_upper_m = v.altitude_lower_m + 30;
  v.time_start_s = kNow + start(rng);
  v.time_end_s = v.time_start_s + dur(rng);
  return v;
}

struct Load {
  std::unique_ptr<Registry> registry;
  std::vector<Operation> queries;
};

RegistryOptions Options() {
  RegistryOptions o;
  o.default_terms.equal_priority_conflicts_allowed = true;  // everything in the load is accepted
  return o;
}

const Load& DssLoad() {
  static Load* load = [] {
    auto* l = new Load{std::make_unique<Registry>(Options()), {}};
    for (int i = 0; i < kActive; ++i) {
      Operation op;
      op.id = fmt::format("op{}", i);
      op.owner = fmt::format("uss{}", i % 35);
      op.volumes = {DssShape(kNow + i * 0.864)};
      l->registry->PutOperation(op, 0, kNow);
    }
    std::mt19937 rng(1234);
    std::uniform_real_distribution<double> t(0, 86400);
    for (int i = 0; i < 4096; ++i) {
      Operation q;
      q.id = "q";
      q.owner = "newcomer";
      q.volumes = {DssShape(kNow + t(rng))};
      l->queries.push_back(q);
    }
    return l;
  }();
  return *load;
}

const Load& CityLoad() {
  static Load* load = [] {
    auto* l = new Load{std::make_unique<Registry>(Options()), {}};
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> prio(0, 3);
    // Filed in increasing priority so that every one is accepted (a later one never meets a higher one).
    for (int i = 0; i < kActive; ++i) {
      Operation op;
      op.id = fmt::format("op{}", i);
      op.owner = fmt::format("party{}", i % 50);
      op.priority = i * 4 / kActive;
      op.volumes = {CityShape(rng)};
      l->registry->PutOperation(op, 0, kNow);
    }
    for (int i = 0; i < 4096; ++i) {
      Operation q;
      q.id = "q";
      q.owner = "newcomer";
      q.priority = prio(rng);
      q.volumes = {CityShape(rng)};
      l->queries.push_back(q);
    }
    return l;
  }();
  return *load;
}

void RunChecks(benchmark::State& state, const Load& load) {
  // Per-check latency on the checking thread's CPU clock (the machine is shared: wall time includes
  // time the thread was descheduled), and on the wall clock for comparison.
  std::vector<double> cpu_us, wall_us;
  cpu_us.reserve(1 << 20);
  wall_us.reserve(1 << 20);
  size_t i = 0, conflicts = 0;
  auto thread_cpu_us = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
  };
  for (auto _ : state) {
    const Operation& q = load.queries[i++ % load.queries.size()];
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_us();
    auto d = load.registry->CheckOperation(q, kNow);
    const double c1 = thread_cpu_us();
    const auto w1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(d);
    conflicts += d.ok() ? d->conflicts.size() : 0;
    cpu_us.push_back(c1 - c0);
    wall_us.push_back(std::chrono::duration<double, std::micro>(w1 - w0).count());
  }
  std::sort(cpu_us.begin(), cpu_us.end());
  std::sort(wall_us.begin(), wall_us.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v.empty() ? 0 : v[static_cast<size_t>(p * (v.size() - 1))];
  };
  const auto st = load.registry->GetStats();
  const std::vector<double>& us = cpu_us;
  state.counters["p50_us"] = pct(cpu_us, 0.50);
  state.counters["p99_us"] = pct(cpu_us, 0.99);
  state.counters["max_us"] = cpu_us.empty() ? 0 : cpu_us.back();
  state.counters["wall_p99_us"] = pct(wall_us, 0.99);
  state.counters["conflicts_per_check"] = us.empty() ? 0 : static_cast<double>(conflicts) / us.size();
  state.counters["active_volumes"] = static_cast<double>(st.volumes);
  state.counters["index_B_per_volume"] = static_cast<double>(st.index_bytes) / st.volumes;
  state.counters["geometry_B_per_volume"] = static_cast<double>(st.geometry_bytes) / st.volumes;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_CheckDssCongestedArea(benchmark::State& state) { RunChecks(state, DssLoad()); }
void BM_CheckCongestedCity(benchmark::State& state) { RunChecks(state, CityLoad()); }

// Writes: file a new operation (check + insert) and remove it again, against the city load.
void BM_PutRemoveCongestedCity(benchmark::State& state) {
  const Load& load = CityLoad();
  size_t i = 0;
  for (auto _ : state) {
    const Operation& q = load.queries[i++ % load.queries.size()];
    auto d = load.registry->PutOperation(q, 0, kNow);
    benchmark::DoNotOptimize(d);
    if (d.ok() && d->accepted) load.registry->RemoveOperation(q.id, q.owner, d->version);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// Tracks against zones, as the service does for every track on every detection cycle: predicted
// entry (tactical projection, 300 s look-ahead) into binding zones. A theatre: 100 or 1,000 zones (circles
// and quadrilaterals of 0.2-3 km, altitude from the ground to 300-6,000 m, all day) scattered over
// 300 km x 300 km, and tracks anywhere in it at 50-250 m/s, level, 0-6,000 m.
const std::string kTrackParty = "blue";

void BM_PredictZoneEntriesTheatre(benchmark::State& state) {
  constexpr double kSpanDeg = 2.7;  // ~300 km
  static std::map<int, Registry*> registries;
  const int n_zones = static_cast<int>(state.range(0));
  Registry*& registry = registries[n_zones];
  if (!registry) registry = [n_zones] {
    auto* r = new Registry(Options());
    std::mt19937 rng(99);
    std::uniform_real_distribution<double> pos(0, kSpanDeg), size(200, 3000), top(300, 6000);
    std::uniform_int_distribution<int> kind(0, 1);
    for (int i = 0; i < n_zones; ++i) {
      const double lat = 34 + pos(rng), lng = 36 + pos(rng), rad = size(rng);
      const bool circle = kind(rng) == 0;
      Volume4D v = ShapeAt(lat, lng, rad, circle, [] { return 1.0; });
      v.altitude_lower_m = 0;
      v.altitude_upper_m = top(rng);
      v.time_start_s = kNow;
      v.time_end_s = kNow + 86400;
      const Zone z{fmt::format("zone{}", i), "un", ZoneKind::kProtectedSite, {v}, true, {}, std::nullopt, 0, 0};
      r->PutZone(z, 0, kNow);
    }
    return r;
  }();
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> pos(0, kSpanDeg), gs(50, 250), trk(0, 360), alt(0, 6000), t(0, 86400);
  std::vector<TrackState> tracks(4096);
  for (auto& tr : tracks) {
    tr.id = fmt::format("t{}", &tr - tracks.data());
    tr.party = kTrackParty;
    tr.time_s = kNow + t(rng);
    tr.lat_deg = 34 + pos(rng);
    tr.lon_deg = 36 + pos(rng);
    tr.alt_m = alt(rng);
    tr.gs_mps = gs(rng);
    tr.trk_deg = trk(rng);
  }
  size_t i = 0, entries = 0;
  for (auto _ : state) {
    auto e = registry->PredictZoneEntries(tracks[i++ % tracks.size()]);
    entries += e.size();
    benchmark::DoNotOptimize(e);
  }
  state.counters["entries_per_track"] = static_cast<double>(entries) / std::max<int64_t>(1, state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

BENCHMARK(BM_CheckDssCongestedArea)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CheckCongestedCity)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PutRemoveCongestedCity)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PredictZoneEntriesTheatre)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace deconflict::plan

BENCHMARK_MAIN();
