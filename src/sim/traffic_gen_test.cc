// The traffic generators: reproducible, inside their documented ranges, valid anywhere.
#include "sim/traffic_gen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include "geo/local_frame.h"

namespace deconflict::sim {
namespace {

std::vector<TrackState> Gen(TrafficOptions o) {
  auto r = GenerateTraffic(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<TrackState>{};
}

TEST(TrafficGenTest, SameSeedSameTrafficOtherSeedOtherTraffic) {
  TrafficOptions o;
  o.count = 500;
  EXPECT_EQ(StatesToCsv(Gen(o)), StatesToCsv(Gen(o)));
  TrafficOptions p = o;
  p.seed = 2;
  EXPECT_NE(StatesToCsv(Gen(o)), StatesToCsv(Gen(p)));
}

TEST(TrafficGenTest, UniformBenchmarkCaseIsInsideItsRanges) {
  const TrafficOptions o = UniformBenchmarkOptions(3);
  const auto t = Gen(o);
  ASSERT_EQ(t.size(), 10000u);
  const geo::LocalFrame f(o.center_lat_deg, o.center_lon_deg);
  size_t vertical = 0;
  std::set<std::string> ids, parties;
  for (const auto& x : t) {
    const auto p = f.ToLocal(x.lat_deg, x.lon_deg, x.alt_m);
    EXPECT_LE(std::abs(p.east_m), 250e3 + 0.01);
    EXPECT_LE(std::abs(p.north_m), 250e3 + 0.01);
    EXPECT_GE(x.alt_m, 5000);
    EXPECT_LE(x.alt_m, 12000);
    EXPECT_GE(x.gs_mps, 150);
    EXPECT_LE(x.gs_mps, 250);
    EXPECT_GE(x.trk_deg, 0);
    EXPECT_LT(x.trk_deg, 360);
    EXPECT_LE(std::abs(x.vs_mps), 12.7);
    vertical += x.vs_mps != 0;
    ids.insert(x.id);
    parties.insert(x.party);
  }
  EXPECT_EQ(ids.size(), t.size());
  EXPECT_EQ(parties, (std::set<std::string>{"P0", "P1", "P2", "P3"}));
  EXPECT_NEAR(static_cast<double>(vertical) / t.size(), 0.3, 0.02);  // ~4.6 sigma
}

TEST(TrafficGenTest, UniformBoxWorksOverThePoleAndTheAntimeridian) {
  for (auto [lat, lon] : {std::pair{90.0, 0.0}, std::pair{-89.0, 180.0}, std::pair{0.0, 180.0}}) {
    TrafficOptions o;
    o.count = 2000;
    o.center_lat_deg = lat;
    o.center_lon_deg = lon;
    o.parties = 0;
    const geo::LocalFrame f(lat, lon);
    for (const auto& x : Gen(o)) {
      EXPECT_GE(x.lat_deg, -90);
      EXPECT_LE(x.lat_deg, 90);
      EXPECT_GE(x.lon_deg, -180);
      EXPECT_LT(x.lon_deg, 180);
      EXPECT_TRUE(x.party.empty());
      const auto p = f.ToLocal(x.lat_deg, x.lon_deg, 0);
      EXPECT_LE(std::abs(p.east_m), 250e3 + 0.01);
      EXPECT_LE(std::abs(p.north_m), 250e3 + 0.01);
    }
  }
}

TEST(TrafficGenTest, WorldTrafficIsValidAndClustered) {
  TrafficOptions o = WorldBenchmarkOptions(1);
  o.count = 20000;
  const auto t = Gen(o);
  ASSERT_EQ(t.size(), 20000u);
  size_t near_hub = 0, vertical = 0;
  for (const auto& x : t) {
    ASSERT_TRUE(std::isfinite(x.lat_deg) && std::isfinite(x.lon_deg));
    EXPECT_GE(x.lat_deg, -90);
    EXPECT_LE(x.lat_deg, 90);
    EXPECT_GE(x.lon_deg, -180);
    EXPECT_LT(x.lon_deg, 180);
    EXPECT_GE(x.alt_m, -500);
    EXPECT_LE(x.alt_m, 13000);
    EXPECT_GT(x.gs_mps, 0);
    EXPECT_LE(x.gs_mps, 300);
    vertical += x.vs_mps != 0;
    // Within 300 km of Atlanta, London Heathrow or Beijing Capital (three of the heavier hubs).
    if (geo::GeodesicDistanceM(x.lat_deg, x.lon_deg, 33.64, -84.43) < 300e3 ||
        geo::GeodesicDistanceM(x.lat_deg, x.lon_deg, 51.47, -0.45) < 300e3 ||
        geo::GeodesicDistanceM(x.lat_deg, x.lon_deg, 40.08, 116.58) < 300e3)
      ++near_hub;
  }
  // Three hubs out of ~44 carry 8.5 % of the hub weight; the area within 300 km of them is 0.17 %
  // of the Earth: clustering shows as far more than 0.17 %.
  EXPECT_GT(near_hub, t.size() / 25);
  EXPECT_GT(vertical, t.size() / 10);
}

TEST(TrafficGenTest, BadOptionsAreErrors) {
  TrafficOptions o;
  o.center_lat_deg = 91;
  EXPECT_FALSE(GenerateTraffic(o).ok());
  o = {};
  o.min_alt_m = 9000;
  o.max_alt_m = 8000;
  EXPECT_NE(GenerateTraffic(o).status().message().find("altitude"), std::string::npos);
  o = {};
  o.box_m = std::nan("");
  EXPECT_FALSE(GenerateTraffic(o).ok());
  o = {};
  o.vertical_fraction = 1.5;
  EXPECT_FALSE(GenerateTraffic(o).ok());
  o = {};
  o.count = 0;
  EXPECT_TRUE(GenerateTraffic(o).ok());
}

TEST(TrafficGenTest, CsvHasTheHeaderAndOneRowPerAircraft) {
  TrafficOptions o;
  o.count = 3;
  const auto t = Gen(o);
  std::istringstream in(StatesToCsv(t));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "id,party,time_s,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps");
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string id, party;
    std::getline(row, id, ',');
    std::getline(row, party, ',');
    EXPECT_EQ(id, t[rows].id);
    EXPECT_EQ(party, t[rows].party);
    double time, lat;
    char comma;
    row >> time >> comma >> lat;
    EXPECT_NEAR(lat, t[rows].lat_deg, 1e-8);
    ++rows;
  }
  EXPECT_EQ(rows, 3u);
}

// The `deconflict gen` command, driven as a user would.
std::string RunCli(const std::string& args, int* status) {
  const std::string cmd = std::string(DECONFLICT_BINARY_DIR) + "/deconflict gen " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  *status = pclose(p.release());
  return out;
}

TEST(GenCommandTest, WritesTheSameCsvAsTheLibrary) {
  int status = -1;
  const std::string out = RunCli("--count 50 --seed 9 --parties 2", &status);
  ASSERT_EQ(status, 0);
  TrafficOptions o;
  o.count = 50;
  o.seed = 9;
  o.parties = 2;
  EXPECT_EQ(out, StatesToCsv(Gen(o)));
}

TEST(GenCommandTest, AcceptsUnitsAndTheWorldModel) {
  int status = -1;
  const std::string out = RunCli("--count 20 --box 100nm --min-alt FL200 --max-alt FL300 --max-gs 400kt", &status);
  ASSERT_EQ(status, 0);
  TrafficOptions o;
  o.count = 20;
  o.box_m = 185200;
  o.min_alt_m = 6096;
  o.max_alt_m = 9144;
  o.max_gs_mps = 400 * 1852.0 / 3600;
  EXPECT_EQ(out, StatesToCsv(Gen(o)));
  const std::string world = RunCli("--model world --count 30", &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(std::count(world.begin(), world.end(), '\n'), 31);
}

TEST(GenCommandTest, BadArgumentsExitWithUsageError) {
  int status = -1;
  RunCli("--model nope", &status);
  EXPECT_EQ(WEXITSTATUS(status), 64);
  RunCli("--box 5parsec", &status);
  EXPECT_EQ(WEXITSTATUS(status), 64);
  RunCli("--center-lat 95", &status);
  EXPECT_EQ(WEXITSTATUS(status), 64);
}

}  // namespace
}  // namespace deconflict::sim
