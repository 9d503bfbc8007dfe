// Cross-check against NASA DAIDALUS v2.0.4 published outputs (tests/data/daidalus, NOSA 1.3): the region of the
// bands at values sampled inside each DAIDALUS interval, at least one band step away from its edges (the edges
// themselves depend on float details and on the Earth model of the projection: DAIDALUS projects on a sphere,
// deconflict on the WGS84 tangent plane, 0.2 % apart in distance at H1's 45 NM).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include "guidance/bands.h"
#include "guidance/from_tracks.h"
#include "io/reader.h"

namespace deconflict::guidance {
namespace {

const std::string kDir = std::string(DECONFLICT_TEST_DATA) + "/daidalus/";

struct GoldInterval {
  double lo, hi;  // display units (deg, knot, fpm, ft)
  BandsRegion region;
};
using GoldStep = std::map<int, std::vector<GoldInterval>>;  // by dimension

BandsRegion RegionFromName(const std::string& s) {
  if (s == "RECOVERY") return BandsRegion::kRecovery;
  auto r = ParseBandsRegion(s);
  return r.ok() ? *r : BandsRegion::kNone;
}

// DaidalusBatch output: "Time: t [s]" blocks with "Horizontal Direction Bands:" etc. and "  [a [u], b [u]] REGION".
std::map<double, GoldStep> ParseBatch(const std::string& text) {
  std::map<double, GoldStep> out;
  std::istringstream in(text);
  std::string line;
  double time = -1;
  int dim = -1;
  const std::pair<const char*, int> heads[] = {{"Horizontal Direction Bands:", 0}, {"Horizontal Speed Bands:", 1},
                                               {"Vertical Speed Bands:", 2}, {"Altitude Bands:", 3}};
  while (std::getline(in, line)) {
    if (line.rfind("Time: ", 0) == 0) {
      time = std::stod(line.substr(6));
      dim = -1;
      continue;
    }
    bool head = false;
    for (const auto& [h, d] : heads)
      if (line == h) {
        dim = d;
        head = true;
      }
    if (head) continue;
    if (dim >= 0 && line.rfind("  [", 0) == 0) {
      double lo = 0, hi = 0;
      char u1[16], u2[16], region[16];
      if (std::sscanf(line.c_str(), "  [%lf [%15[^]]], %lf [%15[^]]]] %15s", &lo, u1, &hi, u2, region) == 5)
        out[time][dim].push_back({lo, hi, RegionFromName(region)});
      continue;
    }
    dim = -1;
  }
  return out;
}

double ToSi(int dim, double v) {
  switch (dim) {
    case 0: return v * units::kDegToRad;
    case 1: return units::KnotsToMps(v);
    case 2: return units::FpmToMps(v);
    default: return units::FeetToMeters(v);
  }
}

// Agreement asserted per dimension (track, ground speed, vertical speed, altitude), % of samples; see
// docs/detection.md for the measured values and why they are not all 100.
// Measured (docs/detection.md): H1 98.44 / 87.72 / 98.77 / 92.08; CD3D example 99.86 / 100 / 100 / 99.90.
constexpr double kH1Threshold[kNumDimensions] = {98.0, 87.0, 98.5, 91.5};
constexpr double kCd3dThreshold[kNumDimensions] = {99.5, 100, 100, 99.5};

struct Agreement {
  long samples[kNumDimensions] = {0, 0, 0, 0};
  long same[kNumDimensions] = {0, 0, 0, 0};
  double Percent(int d) const { return samples[d] ? 100.0 * same[d] / samples[d] : 100.0; }
};

// Samples every half step inside [lo + step, hi - step] of each gold interval.
void Compare(const Bands& ours, const GoldStep& gold, const BandsConfig& c, Agreement* a, double time) {
  const double steps[kNumDimensions] = {c.step_trk_rad, c.step_gs_mps, c.step_vs_mps, c.step_alt_m};
  for (const auto& [dim, intervals] : gold) {
    for (const GoldInterval& gi : intervals) {
      const double lo = ToSi(dim, gi.lo), hi = ToSi(dim, gi.hi), step = steps[dim];
      for (double v = lo + step; v <= hi - step + 1e-9; v += 0.5 * step) {
        ++a->samples[dim];
        const BandsRegion r = ours.dims[dim].RegionOf(v);
        if (r == gi.region) {
          ++a->same[dim];
        } else if (a->samples[dim] - a->same[dim] <= 3) {
          std::printf("  t=%.0f %s at %.4g: DAIDALUS %s, deconflict %s\n", time,
                      DimensionName(static_cast<Dimension>(dim)), v, BandsRegionName(gi.region),
                      BandsRegionName(r));
        }
      }
    }
  }
}

TEST(DaidalusGold, H1WithDo365BAgreesAwayFromEdges) {
  auto conf = ReadDaidalusConf(kDir + "DO_365B_no_SUM.conf");
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  auto text = io::ReadFileContent(kDir + "DaidalusBatch-no_sum.out.gz");
  ASSERT_TRUE(text.ok());
  const auto gold = ParseBatch(*text);
  ASSERT_GE(gold.size(), 200u);
  auto states = io::ReadStates(kDir + "H1.daa", io::InputFormat::kDaidalus);
  ASSERT_TRUE(states.ok()) << states.status().message();
  Agreement a;
  size_t compared = 0;
  for (const BandsInput& in : InputsPerTime(states->states, "ownship", 1, false)) {
    auto it = gold.find(in.time_s);
    if (it == gold.end()) continue;
    ++compared;
    Compare(ComputeBands(*conf, in), it->second, *conf, &a, in.time_s);
  }
  EXPECT_GE(compared, 200u);
  for (int d = 0; d < kNumDimensions; ++d) {
    std::printf("H1 %s: %ld samples, %.2f %% same region\n", DimensionName(static_cast<Dimension>(d)),
                a.samples[d], a.Percent(d));
    EXPECT_GT(a.samples[d], 1000);
    EXPECT_GE(a.Percent(d), kH1Threshold[d]) << DimensionName(static_cast<Dimension>(d));
  }
}

// DaidalusExample output, CD3D configuration: "Heading Bands [deg,deg]" then "  NEAR:\t[0.0, 17.16]" lines.
GoldStep ParseExample(const std::string& text) {
  GoldStep out;
  std::istringstream in(text);
  std::string line;
  int dim = -1;
  const std::pair<const char*, int> heads[] = {
      {"Heading Bands", 0}, {"Airspeed Bands", 1}, {"Vertical Speed Bands", 2}, {"Altitude Bands", 3}};
  while (std::getline(in, line)) {
    bool head = false;
    for (const auto& [h, d] : heads)
      if (line.rfind(h, 0) == 0) {
        dim = d;
        head = true;
      }
    if (head) continue;
    char region[16];
    double lo = 0, hi = 0;
    if (dim >= 0 && std::sscanf(line.c_str(), " %15[A-Z]: [%lf, %lf]", region, &lo, &hi) == 3) {
      out[dim].push_back({lo, hi, RegionFromName(region)});
      continue;
    }
    dim = -1;
  }
  return out;
}

TrackState Row(const char* id, double lat, double lon, double alt_ft, double trk, double gs_kt) {
  TrackState t;
  t.id = id;
  t.lat_deg = lat;
  t.lon_deg = lon;
  t.alt_m = units::FeetToMeters(alt_ft);
  t.trk_deg = trk;
  t.gs_mps = units::KnotsToMps(gs_kt);
  return t;
}

TEST(DaidalusGold, Cd3dExampleWithWindAgreesAwayFromEdges) {
  auto conf = ReadDaidalusConf(kDir + "CD3D.conf");
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  auto text = io::ReadFileContent(kDir + "DaidalusExample-cd3d.out");
  ASSERT_TRUE(text.ok());
  const GoldStep gold = ParseExample(*text);
  ASSERT_EQ(gold.size(), 4u);
  // The two aircraft of the example (its "###" rows) and its wind: 10 kt towards 45 deg.
  const TrackState own = Row("ownship", 33.95, -96.7, 8700, 206, 151);
  const TrackState intr = Row("intruder", 33.86191658, -96.73272601, 9000, 0, 210);
  BandsInput in;
  in.ownship = ToKinematics(own, own, 1);
  in.traffic.push_back(ToKinematics(intr, own, 1));
  const double w = units::KnotsToMps(10), dir = 45 * units::kDegToRad;
  in.wind_mps = {w * std::sin(dir), w * std::cos(dir), 0};
  const Bands b = ComputeBands(*conf, in);
  // Heading and airspeed of the ownship as the example prints them: 207.16 deg, 160.49 kt.
  EXPECT_NEAR(b.dim(Dimension::kTrack).current * units::kRadToDeg, 207.16, 0.01);
  EXPECT_NEAR(units::MpsToKnots(b.dim(Dimension::kGroundSpeed).current), 160.49, 0.01);
  EXPECT_EQ(b.traffic[0].alert_level, 1);
  Agreement a;
  Compare(b, gold, *conf, &a, 0);
  for (int d = 0; d < kNumDimensions; ++d) {
    std::printf("CD3D example %s: %ld samples, %.2f %% same region\n", DimensionName(static_cast<Dimension>(d)),
                a.samples[d], a.Percent(d));
    EXPECT_GE(a.Percent(d), kCd3dThreshold[d]) << DimensionName(static_cast<Dimension>(d));
  }
}

}  // namespace
}  // namespace deconflict::guidance
