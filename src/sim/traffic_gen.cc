#include "sim/traffic_gen.h"

#include <fmt/format.h>

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <cmath>
#include <iterator>
#include <random>

#include "core/units.h"
#include "geo/local_frame.h"

namespace deconflict::sim {
namespace {

// Portable sampling on top of mt19937_64 (whose output sequence the standard fixes); the standard
// distributions are implementation-defined, these are not.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  double Uniform() { return static_cast<double>(g_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  size_t Index(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }
  bool Chance(double p) { return Uniform() < p; }

 private:
  std::mt19937_64 g_;
};

// Large airports (public coordinates, degrees) and a relative traffic weight.
struct Hub {
  const char* code;
  double lat, lon, weight;
};
constexpr Hub kHubs[] = {
    {"ATL", 33.64, -84.43, 3}, {"DFW", 32.90, -97.04, 3}, {"DEN", 39.86, -104.67, 2.5}, {"ORD", 41.98, -87.90, 3},
    {"LAX", 33.94, -118.41, 2.5}, {"JFK", 40.64, -73.78, 2.5}, {"LAS", 36.08, -115.15, 1.5},
    {"MCO", 28.43, -81.31, 1.5}, {"MIA", 25.79, -80.29, 1.5}, {"SEA", 47.45, -122.31, 1.5},
    {"SFO", 37.62, -122.38, 1.5}, {"YYZ", 43.68, -79.63, 1.5}, {"MEX", 19.44, -99.07, 1.5},
    {"GRU", -23.43, -46.47, 1.5}, {"BOG", 4.70, -74.15, 1}, {"LHR", 51.47, -0.45, 2.5}, {"CDG", 49.01, 2.55, 2},
    {"AMS", 52.31, 4.76, 2}, {"FRA", 50.04, 8.56, 2}, {"IST", 41.26, 28.74, 2}, {"MAD", 40.49, -3.57, 1.5},
    {"ZRH", 47.46, 8.55, 1}, {"SVO", 55.97, 37.41, 1.5}, {"DXB", 25.25, 55.36, 2}, {"DOH", 25.27, 51.61, 1},
    {"DEL", 28.56, 77.10, 2}, {"BOM", 19.09, 72.87, 1.5}, {"PEK", 40.08, 116.58, 2}, {"PVG", 31.14, 121.81, 2},
    {"CAN", 23.39, 113.30, 2}, {"HKG", 22.31, 113.92, 1.5}, {"HND", 35.55, 139.78, 2}, {"ICN", 37.46, 126.44, 1.5},
    {"SIN", 1.36, 103.99, 1.5}, {"BKK", 13.69, 100.75, 1.5}, {"CGK", -6.13, 106.66, 1.5},
    {"SYD", -33.95, 151.18, 1.5}, {"JNB", -26.14, 28.25, 1}, {"CAI", 30.12, 31.41, 1}, {"ANC", 61.17, -149.99, 0.7},
    {"HNL", 21.32, -157.92, 0.7}, {"AKL", -37.01, 174.79, 0.7}, {"KEF", 63.99, -22.61, 0.5},
    {"MCM", -77.85, 166.67, 0.1},  // McMurdo: a little polar traffic
};

size_t PickHub(Rng& rng) {
  double total = 0;
  for (const Hub& h : kHubs) total += h.weight;
  double u = rng.Uniform(0, total);
  for (size_t i = 0; i < std::size(kHubs); ++i) {
    if (u < kHubs[i].weight) return i;
    u -= kHubs[i].weight;
  }
  return std::size(kHubs) - 1;
}

std::string PartyName(size_t i, size_t parties) { return parties == 0 ? std::string() : fmt::format("P{}", i % parties); }

double VerticalRate(Rng& rng, const TrafficOptions& o) {
  if (!rng.Chance(o.vertical_fraction)) return 0;
  const double v = o.max_vs_mps * (1 - rng.Uniform());  // (0, max]
  return rng.Chance(0.5) ? v : -v;
}

void GenerateUniform(const TrafficOptions& o, Rng& rng, std::vector<TrackState>* out) {
  const geo::LocalFrame frame(o.center_lat_deg, o.center_lon_deg);
  for (size_t i = 0; i < o.count; ++i) {
    TrackState t;
    t.id = fmt::format("u{:06d}", i);
    t.party = PartyName(i, o.parties);
    t.time_s = o.time_s;
    const double e = rng.Uniform(-o.box_m / 2, o.box_m / 2), nn = rng.Uniform(-o.box_m / 2, o.box_m / 2);
    double alt_unused;
    frame.FromLocal({e, nn, 0}, &t.lat_deg, &t.lon_deg, &alt_unused);
    t.alt_m = rng.Uniform(o.min_alt_m, o.max_alt_m);
    t.gs_mps = rng.Uniform(o.min_gs_mps, o.max_gs_mps);
    t.trk_deg = rng.Uniform(0, 360);
    t.vs_mps = VerticalRate(rng, o);
    out->push_back(std::move(t));
  }
}

// World-like traffic: 65 % around hubs (terminal areas and their surroundings, climbing and
// descending near the hub), 35 % en route on great circles between hubs at flight levels.
void GenerateWorld(const TrafficOptions& o, Rng& rng, std::vector<TrackState>* out) {
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  for (size_t i = 0; i < o.count; ++i) {
    TrackState t;
    t.id = fmt::format("w{:06d}", i);
    t.party = PartyName(i, o.parties);
    t.time_s = o.time_s;
    if (rng.Chance(0.65)) {
      const Hub& h = kHubs[PickHub(rng)];
      const double r = 300e3 * std::pow(rng.Uniform(), 0.7);  // denser near the hub
      const double bearing = rng.Uniform(-180, 180);
      double azi2;
      g.Direct(h.lat, h.lon, bearing, r, t.lat_deg, t.lon_deg, azi2);
      const bool outbound = rng.Chance(0.5);
      if (r < 60e3) {  // terminal area: climbing out or descending in
        t.alt_m = 300 + (r / 60e3) * 6000 + rng.Uniform(-300, 300);
        t.gs_mps = rng.Uniform(80, 170);
        t.vs_mps = (outbound ? 1 : -1) * rng.Uniform(3, 12.7);
        t.trk_deg = (outbound ? azi2 : azi2 + 180) + rng.Uniform(-30, 30);
      } else {
        t.alt_m = rng.Uniform(6000, 12500);
        t.gs_mps = rng.Uniform(170, 260);
        t.vs_mps = rng.Chance(0.25) ? (outbound ? 1 : -1) * rng.Uniform(2, 12.7) : 0;
        t.trk_deg = (outbound ? azi2 : azi2 + 180) + rng.Uniform(-45, 45);
      }
    } else {
      const Hub& a = kHubs[PickHub(rng)];
      const Hub& b = kHubs[PickHub(rng)];
      const GeographicLib::GeodesicLine line = g.InverseLine(a.lat, a.lon, b.lat, b.lon);
      double lat, lon, azi;
      line.Position(rng.Uniform() * line.Distance(), lat, lon, azi);
      double azi2;
      g.Direct(lat, lon, azi + 90, rng.Uniform(-30e3, 30e3), t.lat_deg, t.lon_deg, azi2);
      const bool reverse = rng.Chance(0.5);
      t.trk_deg = (reverse ? azi2 + 180 : azi2) + rng.Uniform(-5, 5);
      // Flight levels 280..410 in 1000 ft steps (as flown), plus a few metres of altimetry noise.
      t.alt_m = units::FeetToMeters(1000.0 * (28 + static_cast<double>(rng.Index(14)))) + rng.Uniform(-8, 8);
      t.gs_mps = rng.Uniform(200, 270);
      t.vs_mps = rng.Chance(0.05) ? rng.Uniform(-10, 10) : 0;
    }
    t.trk_deg = std::fmod(std::fmod(t.trk_deg, 360) + 360, 360);
    t.lon_deg = geo::NormalizeLongitudeDeg(t.lon_deg);
    out->push_back(std::move(t));
  }
}

}  // namespace

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

Result<std::vector<TrackState>> GenerateTraffic(const TrafficOptions& o) {
  auto bad = [](const std::string& m) { return Status::Invalid("traffic options: " + m); };
  auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(o.center_lat_deg) || o.center_lat_deg < -90 || o.center_lat_deg > 90)
    return bad("centre latitude must be in [-90, 90]");
  if (!finite(o.center_lon_deg)) return bad("centre longitude must be finite");
  if (!finite(o.box_m) || o.box_m <= 0 || o.box_m > 2000e3) return bad("box size must be in (0, 2000 km]");
  if (!finite(o.min_alt_m) || !finite(o.max_alt_m) || o.min_alt_m > o.max_alt_m)
    return bad("altitude range must be finite with min <= max");
  if (!finite(o.min_gs_mps) || !finite(o.max_gs_mps) || o.min_gs_mps < 0 || o.min_gs_mps > o.max_gs_mps)
    return bad("ground speed range must be finite, >= 0, with min <= max");
  if (!(o.vertical_fraction >= 0 && o.vertical_fraction <= 1)) return bad("vertical fraction must be in [0, 1]");
  if (!finite(o.max_vs_mps) || o.max_vs_mps < 0) return bad("maximum vertical rate must be >= 0");
  if (o.count > 10'000'000) return bad("count must be <= 10,000,000");
  Rng rng(o.seed);
  std::vector<TrackState> out;
  out.reserve(o.count);
  if (o.model == TrafficModel::kUniform) {
    GenerateUniform(o, rng, &out);
  } else {
    GenerateWorld(o, rng, &out);
  }
  return out;
}

std::string StatesToCsv(const std::vector<TrackState>& states) {
  fmt::memory_buffer b;
  fmt::format_to(std::back_inserter(b), "{}\n", kStatesCsvHeader);
  for (const TrackState& t : states) {
    fmt::format_to(std::back_inserter(b), "{},{},{:.3f},{:.8f},{:.8f},{:.2f},{:.3f},{:.3f},{:.3f}\n", t.id, t.party,
                   t.time_s, t.lat_deg, t.lon_deg, t.alt_m, t.gs_mps, t.trk_deg, t.vs_mps);
  }
  return fmt::to_string(b);
}

}  // namespace deconflict::sim
