#include "io/reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/units.h"

namespace deconflict::io {
namespace {

constexpr double kKt = units::kKnotMps;

ReadResult MustParse(std::string_view text, InputFormat format, ReadOptions options = {}) {
  auto r = ParseStates(text, "test.in", format, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ReadResult{};
}

std::string ErrorOf(std::string_view text, InputFormat format) {
  auto r = ParseStates(text, "test.in", format);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// --- states CSV ---

TEST(StatesCsv, ColumnsAreFoundByNameInAnyOrder) {
  ReadResult r = MustParse(
      "vs_mps,trk_deg,gs_mps,alt_m,lon_deg,lat_deg,party,id,time_s\n"
      "-2.5,90,200,10000,8.5,47.25,red,A1,12.5\n",
      InputFormat::kStatesCsv);
  ASSERT_EQ(r.states.size(), 1u);
  const TrackState& s = r.states[0];
  EXPECT_EQ(s.id, "A1");
  EXPECT_EQ(s.party, "red");
  EXPECT_DOUBLE_EQ(s.lat_deg, 47.25);
  EXPECT_DOUBLE_EQ(s.lon_deg, 8.5);
  EXPECT_DOUBLE_EQ(s.alt_m, 10000);
  EXPECT_DOUBLE_EQ(s.gs_mps, 200);
  EXPECT_DOUBLE_EQ(s.trk_deg, 90);
  EXPECT_DOUBLE_EQ(s.vs_mps, -2.5);
  EXPECT_DOUBLE_EQ(s.time_s, 12.5);
}

TEST(StatesCsv, WithoutPartyColumnEachAircraftIsItsOwnParty) {
  ReadResult r = MustParse("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,1,2,3,4,5,6\r\nB,1,2,3,4,365,6\r\n",
                           InputFormat::kStatesCsv);
  ASSERT_EQ(r.states.size(), 2u);
  EXPECT_TRUE(r.states[0].party.empty());
  EXPECT_DOUBLE_EQ(r.states[1].trk_deg, 5.0);  // normalised to [0, 360)
}

TEST(StatesCsv, MissingColumnIsNamed) {
  std::string e = ErrorOf("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg\nA,1,2,3,4,5\n", InputFormat::kStatesCsv);
  EXPECT_TRUE(Contains(e, "test.in:1")) << e;
  EXPECT_TRUE(Contains(e, "\"vs_mps\"")) << e;
  EXPECT_TRUE(Contains(e, "missing column")) << e;
}

TEST(StatesCsv, BadNumberNamesLineAndField) {
  std::string e = ErrorOf("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,1,2,3,4,5,6\nB,1,2,3,fast,5,6\n",
                          InputFormat::kStatesCsv);
  EXPECT_TRUE(Contains(e, "test.in:3")) << e;
  EXPECT_TRUE(Contains(e, "\"gs_mps\"")) << e;
  EXPECT_TRUE(Contains(e, "fast")) << e;
}

TEST(StatesCsv, LatitudeOutsideRangeIsRejected) {
  std::string e = ErrorOf("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,95,2,3,4,5,6\n", InputFormat::kStatesCsv);
  EXPECT_TRUE(Contains(e, "test.in:2")) << e;
  EXPECT_TRUE(Contains(e, "\"lat_deg\"")) << e;
  EXPECT_TRUE(Contains(e, "95")) << e;
}

TEST(StatesCsv, NanAndInfinityAndEmptyAreRejected) {
  for (const char* bad : {"nan", "NaN", "inf", "-inf", ""}) {
    std::string text = std::string("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,1,2,") + bad + ",4,5,6\n";
    std::string e = ErrorOf(text, InputFormat::kStatesCsv);
    EXPECT_TRUE(Contains(e, "\"alt_m\"")) << bad << ": " << e;
  }
}

TEST(StatesCsv, WrongFieldCountIsAnError) {
  std::string e = ErrorOf("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,1,2,3,4,5\n", InputFormat::kStatesCsv);
  EXPECT_TRUE(Contains(e, "test.in:2")) << e;
  EXPECT_TRUE(Contains(e, "6 fields")) << e;
}

TEST(StatesCsv, NegativeGroundSpeedIsRejected) {
  std::string e = ErrorOf("id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\nA,1,2,3,-4,5,6\n", InputFormat::kStatesCsv);
  EXPECT_TRUE(Contains(e, "\"gs_mps\"")) << e;
}

TEST(StatesCsv, SkipBadCountsSkippedLinesAndKeepsTheGoodOnes) {
  ReadOptions o;
  o.skip_bad = true;
  ReadResult r = MustParse(
      "id,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\n"
      "A,1,2,3,4,5,6\n"
      "B,91,2,3,4,5,6\n"
      "C,1,2,x,4,5,6\n"
      "D,1,2,3,4,5,6\n",
      InputFormat::kStatesCsv, o);
  ASSERT_EQ(r.states.size(), 2u);
  EXPECT_EQ(r.states[0].id, "A");
  EXPECT_EQ(r.states[1].id, "D");
  EXPECT_EQ(r.skipped, 2u);
  EXPECT_EQ(r.records, 4u);
  EXPECT_TRUE(Contains(r.first_skipped, "test.in:3")) << r.first_skipped;
}

TEST(StatesCsv, SkipBadDoesNotSkipAMissingColumn) {
  ReadOptions o;
  o.skip_bad = true;
  auto r = ParseStates("id,lat_deg\nA,1\n", "x.csv", InputFormat::kStatesCsv, o);
  EXPECT_FALSE(r.ok());
}

// --- JSON lines ---

TEST(JsonLines, ReadsTheStatesFieldNames) {
  ReadResult r = MustParse(
      R"({"id":"A","party":"blue","lat_deg":1.5,"lon_deg":2,"alt_m":3000,"gs_mps":100,"trk_deg":45,"vs_mps":0,"time_s":7})"
      "\n\n"
      R"({"id":"B","lat_deg":-1.5,"lon_deg":2,"alt_m":3000,"gs_mps":100,"trk_deg":45,"vs_mps":0,"on_ground":true})",
      InputFormat::kJsonLines);
  ASSERT_EQ(r.states.size(), 2u);
  EXPECT_EQ(r.states[0].party, "blue");
  EXPECT_DOUBLE_EQ(r.states[0].time_s, 7);
  EXPECT_DOUBLE_EQ(r.states[1].lat_deg, -1.5);
  EXPECT_TRUE(r.states[1].on_ground);
}

TEST(JsonLines, MissingFieldAndWrongTypeAreNamed) {
  std::string e = ErrorOf(R"({"id":"A","lat_deg":1,"lon_deg":2,"alt_m":3,"gs_mps":4,"trk_deg":5})",
                          InputFormat::kJsonLines);
  EXPECT_TRUE(Contains(e, "test.in:1")) << e;
  EXPECT_TRUE(Contains(e, "\"vs_mps\"")) << e;
  e = ErrorOf(R"({"id":"A","lat_deg":"1","lon_deg":2,"alt_m":3,"gs_mps":4,"trk_deg":5,"vs_mps":0})",
              InputFormat::kJsonLines);
  EXPECT_TRUE(Contains(e, "\"lat_deg\"")) << e;
}

TEST(JsonLines, InvalidJsonAndNanAreErrors) {
  std::string e = ErrorOf("{\"id\":\"A\",\"lat_deg\":NaN}", InputFormat::kJsonLines);
  EXPECT_TRUE(Contains(e, "test.in:1")) << e;
  EXPECT_TRUE(Contains(e, "not valid JSON")) << e;
}

// --- traffic JSON ---

TEST(TrafficJson, ConvertsFeetKnotsAndFeetPerMinute) {
  ReadResult r = MustParse(
      R"([{"timestamp":1533101250000,"altitude":35000.0,"callsign":"DLH8JW","groundspeed":400.0,"icao24":"3003ae",)"
      R"("latitude":45.8,"longitude":9.2,"track":324.0,"vertical_rate":1000.0}])",
      InputFormat::kTraffic);
  ASSERT_EQ(r.states.size(), 1u);
  const TrackState& s = r.states[0];
  EXPECT_EQ(s.id, "3003ae");
  EXPECT_EQ(s.callsign, "DLH8JW");
  EXPECT_DOUBLE_EQ(s.time_s, 1533101250.0);
  EXPECT_NEAR(s.alt_m, 10668.0, 1e-9);
  EXPECT_NEAR(s.gs_mps, 400 * 1852.0 / 3600, 1e-9);
  EXPECT_NEAR(s.vs_mps, 5.08, 1e-12);
}

TEST(TrafficJson, BadRecordIsNamedByIndexAndFileFieldName) {
  std::string e = ErrorOf(
      R"([{"timestamp":1,"altitude":1,"groundspeed":1,"icao24":"a","latitude":1,"longitude":1,"track":1,"vertical_rate":1},)"
      R"({"timestamp":1,"altitude":1,"groundspeed":1,"icao24":"b","latitude":-91,"longitude":1,"track":1,"vertical_rate":1}])",
      InputFormat::kTraffic);
  EXPECT_TRUE(Contains(e, "record 2")) << e;
  EXPECT_TRUE(Contains(e, "\"latitude\"")) << e;
}

TEST(TrafficJson, RealSwitzerlandDayReadsEveryPoint) {
  auto r = ReadStates(DECONFLICT_TEST_DATA "/traffic/switzerland.json.gz", InputFormat::kAuto);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->states.size(), 139098u);  // the count documented in tests/data/README.md
  EXPECT_EQ(r->skipped, 0u);
  std::set<std::string> ids;
  for (const auto& s : r->states) ids.insert(s.id);
  EXPECT_EQ(ids.size(), 842u);
}

TEST(TrafficJson, AirbornePointsWithNullsAreLeftOutAndCounted) {
  auto r = ReadStates(DECONFLICT_TEST_DATA "/traffic/zurich_airport.json.gz", InputFormat::kAuto);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 17132u);
  EXPECT_GT(r->incomplete, 0u);
  EXPECT_EQ(r->states.size() + r->incomplete, 17132u);
  std::size_t on_ground = 0;
  for (const auto& s : r->states) on_ground += s.on_ground;
  EXPECT_GT(on_ground, r->states.size() / 2);
}

// --- BlueSky .scn ---

TEST(BlueSky, CreUsesFeetFlightLevelsAndCasAsBlueSkyDoes) {
  ReadResult r = MustParse(
      "# comment\n"
      "00:00:00.00>ZONER 3\n"
      "00:00:00.00>ZONEDH 500\n"
      "00:00:00.00>DTLOOK 120\n"
      "00:00:00.00>ASAS ON\n"
      "00:00:20.00>CRE KL204,B744,52.0,4.0,90,FL100,250\n"
      "00:01:02.50>CRE MACH1 A320 52.1 4.1 180T FL370 M.8\n"
      "00:01:03.00>CRE SEA1 A320 52.1 4.1 180 0 250\n"
      "00:01:04.00>KL204 ALT FL200\n",
      InputFormat::kBlueSky);
  ASSERT_EQ(r.states.size(), 3u);
  EXPECT_EQ(r.ignored_commands, 2u);
  ASSERT_TRUE(r.scenario.horizontal_m && r.scenario.vertical_m && r.scenario.lookahead_s);
  EXPECT_DOUBLE_EQ(*r.scenario.horizontal_m, 3 * 1852.0);
  EXPECT_DOUBLE_EQ(*r.scenario.vertical_m, 500 * 0.3048);
  EXPECT_DOUBLE_EQ(*r.scenario.lookahead_s, 120);
  const TrackState& a = r.states[0];
  EXPECT_EQ(a.id, "KL204");
  EXPECT_DOUBLE_EQ(a.time_s, 20);
  EXPECT_DOUBLE_EQ(a.alt_m, 10000 * 0.3048);
  // 250 kt CAS at 10,000 ft ISA is about 288.7 kt TAS (compressible-flow conversion, ICAO ISA).
  EXPECT_NEAR(a.gs_mps / kKt, 288.7, 0.3);
  EXPECT_DOUBLE_EQ(a.trk_deg, 90);
  // Mach 0.8 at FL370, in the ISA stratosphere (216.65 K, a = 295.07 m/s) is 236.06 m/s.
  EXPECT_NEAR(r.states[1].gs_mps, 0.8 * std::sqrt(1.4 * 287.05287 * 216.65), 1e-6);
  EXPECT_DOUBLE_EQ(r.states[1].time_s, 62.5);
  // At sea level ISA, CAS equals TAS.
  EXPECT_NEAR(r.states[2].gs_mps, 250 * kKt, 1e-6);
}

TEST(BlueSky, BadCreArgumentIsNamed) {
  std::string e = ErrorOf("00:00:00.00>ASAS ON\n00:00:01.00>CRE A B 52 4 90 FL100\n", InputFormat::kBlueSky);
  EXPECT_TRUE(Contains(e, "test.in:2")) << e;
  EXPECT_TRUE(Contains(e, "\"spd\"")) << e;
  e = ErrorOf("00:00:01.00>CRE A B 95 4 90 FL100 250\n", InputFormat::kBlueSky);
  EXPECT_TRUE(Contains(e, "\"lat\"")) << e;
  e = ErrorOf("00:00:01.00>CRE A B SPY 4 90 FL100 250\n", InputFormat::kBlueSky);
  EXPECT_TRUE(Contains(e, "\"lat\"")) << e;
  e = ErrorOf("CRE A B 52 4 90 FL100 250\n", InputFormat::kBlueSky);
  EXPECT_TRUE(Contains(e, "\"time\"")) << e;
}

// --- DAIDALUS .daa ---

TEST(Daidalus, HonoursTheUnitLineAndMarksTheOwnship) {
  ReadResult r = MustParse(
      "NAME, lat, lon, alt, trk, gs, vs, time\n"
      "[none], [deg], [deg], [ft], [deg], [knot], [fpm], [s]\n"
      "Ownship, 33.9, -117.0, 17000, 0, 200, 0, 0\n"
      "Intruder, 34.5, -117.0, 17000, 180, 600, -500, 0\n"
      "Ownship, 33.91, -117.0, 17000, 0, 200, 0, 1\n"
      "Intruder, 34.49, -117.0, 17000, 180, 600, -500, 1\n",
      InputFormat::kDaidalus);
  ASSERT_EQ(r.states.size(), 4u);
  EXPECT_EQ(r.states[0].party, "ownship");
  EXPECT_EQ(r.states[1].party, "traffic");
  EXPECT_EQ(r.states[2].party, "ownship");
  EXPECT_DOUBLE_EQ(r.states[1].alt_m, 17000 * 0.3048);
  EXPECT_DOUBLE_EQ(r.states[1].gs_mps, 600 * kKt);
  EXPECT_DOUBLE_EQ(r.states[1].vs_mps, -500 * 0.3048 / 60);
  EXPECT_DOUBLE_EQ(r.states[3].time_s, 1);
}

TEST(Daidalus, CartesianVelocityAndOtherUnits) {
  ReadResult r = MustParse(
      "NAME lat lon alt vx vy vz time\n"
      "unitless [rad] [deg] [m] [m/s] [m/s] [m/s] [ms]\n"
      "own 0.5 10 3000 100 0 1 46000\n",
      InputFormat::kDaidalus);
  ASSERT_EQ(r.states.size(), 1u);
  EXPECT_NEAR(r.states[0].lat_deg, 0.5 * 180 / units::kPi, 1e-12);
  EXPECT_DOUBLE_EQ(r.states[0].trk_deg, 90);  // vx = east
  EXPECT_DOUBLE_EQ(r.states[0].gs_mps, 100);
  EXPECT_DOUBLE_EQ(r.states[0].time_s, 46);
}

TEST(Daidalus, UnknownUnitIsRejectedAndNamed) {
  std::string e = ErrorOf(
      "NAME, lat, lon, alt, trk, gs, vs, time\n"
      "[none], [deg], [deg], [furlong], [deg], [knot], [fpm], [s]\n"
      "Ownship, 33.9, -117.0, 17000, 0, 200, 0, 0\n",
      InputFormat::kDaidalus);
  EXPECT_TRUE(Contains(e, "test.in:2")) << e;
  EXPECT_TRUE(Contains(e, "\"alt\"")) << e;
  EXPECT_TRUE(Contains(e, "furlong")) << e;
}

TEST(Daidalus, BadValueNamesLineAndColumn) {
  std::string e = ErrorOf(
      "NAME, lat, lon, alt, trk, gs, vs, time\n"
      "[none], [deg], [deg], [ft], [deg], [knot], [fpm], [s]\n"
      "Ownship, 33.9, -117.0, 17000, 0, 200, 0, 0\n"
      "Intruder, 34.5, -117.0, 17000, 180, nan, -500, 0\n",
      InputFormat::kDaidalus);
  EXPECT_TRUE(Contains(e, "test.in:4")) << e;
  EXPECT_TRUE(Contains(e, "\"gs\"")) << e;
}

// --- formats and files ---

TEST(Formats, ExtensionDecidesAndGzIsIgnored) {
  EXPECT_EQ(*FormatFromPath("a/b.csv"), InputFormat::kStatesCsv);
  EXPECT_EQ(*FormatFromPath("b.CSV.gz"), InputFormat::kStatesCsv);
  EXPECT_EQ(*FormatFromPath("b.json.gz"), InputFormat::kTraffic);
  EXPECT_EQ(*FormatFromPath("b.jsonl"), InputFormat::kJsonLines);
  EXPECT_EQ(*FormatFromPath("b.scn"), InputFormat::kBlueSky);
  EXPECT_EQ(*FormatFromPath("b.daa"), InputFormat::kDaidalus);
  EXPECT_FALSE(FormatFromPath("b.txt").ok());
  EXPECT_EQ(*ParseInputFormat("DAA"), InputFormat::kDaidalus);
  EXPECT_FALSE(ParseInputFormat("xml").ok());
}

TEST(Formats, MissingFileIsAnIoErrorNamingIt) {
  auto r = ReadStates("/nonexistent/x.csv", InputFormat::kAuto);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_TRUE(Contains(r.status().message(), "/nonexistent/x.csv"));
}

}  // namespace
}  // namespace deconflict::io
