// Runs the real `deconflict` binary and checks outputs, messages and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBinary = DECONFLICT_BINARY_DIR "/deconflict";
const std::string kData = DECONFLICT_TEST_DATA;
const std::string kExamples = DECONFLICT_EXAMPLES;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch directory per test, removed afterwards.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("deconflict_cli_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p) << content;
    return p.string();
  }

  Outcome Exec(const std::string& args) {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    std::string cmd = kBinary + " " + args + " > '" + out.string() + "' 2> '" + err.string() + "' < /dev/null";
    int status = std::system(cmd.c_str());
    Outcome r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  fs::path dir_;
};

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char kHeader[] = "id,party,lat_deg,lon_deg,alt_m,gs_mps,trk_deg,vs_mps\n";

// --- help ---

TEST_F(Cli, HelpOnEveryCommand) {
  for (const char* c : {"--help", "detect --help", "replay --help"}) {
    Outcome r = Exec(c);
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_TRUE(Has(r.out, "Usage")) << c << ": " << r.out;
  }
  EXPECT_TRUE(Has(Exec("detect --help").out, "--vertical-tolerance"));
  EXPECT_TRUE(Has(Exec("replay --help").out, "--stale"));
}

// --- detect ---

TEST_F(Cli, DetectCsvListsTheConflictingPairsOfTheExample) {
  Outcome r = Exec("detect " + kExamples + "/states.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0], "id1,id2,party1,party2,t_in_s,t_out_s,t_cpa_s,d_cpa_m,dz_cpa_m,h_dist_m,v_dist_m,los,level");
  // B1/R1 head-on at the same level; B3/R3 at an apparent 975 ft (1000 ft spacing read with 25 ft steps)
  // is no conflict with the default 100 ft tolerance; B4/B5 are the same party.
  EXPECT_TRUE(Has(r.out, "B1,R1,blue,red,")) << r.out;
  EXPECT_FALSE(Has(r.out, "B3,R3")) << r.out;
  EXPECT_FALSE(Has(r.out, "B4,B5")) << r.out;
}

TEST_F(Cli, DetectOptionsChangeTheResult) {
  Outcome r = Exec("detect " + kExamples + "/states.csv --same-party --vertical-tolerance 0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "B3,R3")) << r.out;  // pure cylinder: 975 ft < 1000 ft
  EXPECT_TRUE(Has(r.out, "B4,B5")) << r.out;
  r = Exec("detect " + kExamples + "/states.csv --horizontal 0.5nm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "B1,R1")) << r.out;  // exactly head-on: passes within 0.5 NM
  r = Exec("detect " + kExamples + "/states.csv --lookahead 10s");
  EXPECT_EQ(Lines(r.out).size(), 1u) << r.out;  // header only
}

TEST_F(Cli, DetectJsonAndStats) {
  Outcome r = Exec("detect " + kExamples + "/states.csv --format json --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json arr = json::parse(r.out);
  ASSERT_TRUE(arr.is_array());
  ASSERT_GE(arr.size(), 1u);
  EXPECT_EQ(arr[0]["id1"], "B1");
  EXPECT_TRUE(arr[0]["t_in_s"].is_number());
  EXPECT_TRUE(arr[0]["los"].is_boolean());
  std::vector<std::string> err = Lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;  // exactly one JSON line
  json stats = json::parse(err[0]);
  EXPECT_EQ(stats["aircraft"], 8);
  EXPECT_EQ(stats["conflicts"], arr.size());
  EXPECT_TRUE(stats["detect_ms"].is_number());
  EXPECT_GE(stats["candidate_pairs"].get<int>(), static_cast<int>(arr.size()));
}

TEST_F(Cli, DetectOnARecordingLeavesOutAircraftNotHeardRecently) {
  // The snapshot of the whole day is at the first report of its last aircraft (late evening): aircraft
  // that landed hours earlier are not dead-reckoned into it.
  Outcome r = Exec("detect " + kData + "/traffic/switzerland.json.gz --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json stats = json::parse(Lines(r.err).back());
  EXPECT_LT(stats["aircraft"].get<int>(), 60);  // at most 47 at once that day
  EXPECT_FALSE(Has(r.out, ",true,")) << r.out;  // no loss of separation in a real snapshot
  r = Exec("detect " + kData + "/traffic/switzerland.json.gz --stats --stale 1h");
  EXPECT_GT(json::parse(Lines(r.err).back())["aircraft"].get<int>(), 60);
}

TEST_F(Cli, DetectWritesToOutputFile) {
  std::string out = (dir_ / "c.jsonl").string();
  Outcome r = Exec("detect " + kExamples + "/states.csv --format jsonl --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  std::vector<std::string> lines = Lines(Slurp(out));
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(json::parse(lines[0])["id2"], "R1");
}

TEST_F(Cli, DetectScenarioTakesZoneSettingsUnlessFlagsOverride) {
  Outcome r = Exec("detect " + kExamples + "/encounter.scn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "DLH202,KLM101")) << r.out;
  EXPECT_TRUE(Has(r.err, "ignored 2 scenario commands")) << r.err;
  // A 30 s look-ahead from the command line overrides DTLOOK 300: they are minutes apart.
  r = Exec("detect " + kExamples + "/encounter.scn --lookahead 30s");
  EXPECT_FALSE(Has(r.out, "KLM101")) << r.out;
  std::string scn = Write("short.scn", "00:00:00.00>DTLOOK 30\n00:00:00.00>CRE A,B738,52.0,4.0,90,FL200,280\n"
                                       "00:00:00.00>CRE B,B738,52.0,4.8,270,FL200,280\n");
  r = Exec("detect " + scn);
  EXPECT_EQ(Lines(r.out).size(), 1u) << r.out;
  r = Exec("detect " + scn + " --lookahead 300s");
  EXPECT_EQ(Lines(r.out).size(), 2u) << r.out;
}

TEST_F(Cli, DetectDaidalusChecksOwnshipAgainstTraffic) {
  Outcome r = Exec("detect " + kExamples + "/encounter.daa --format jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  json c = json::parse(lines[0]);
  EXPECT_EQ(c["id1"], "intr1");  // id1 < id2
  EXPECT_EQ(c["party1"], "traffic");
  EXPECT_EQ(c["party2"], "ownship");
}

TEST_F(Cli, DetectWellClearModel) {
  // DO-365 well clear (DTHR 4000 ft, ZTHR 450 ft): intr1 closes head-on 300 ft above the ownship.
  Outcome r = Exec("detect " + kExamples + "/encounter.daa --model wellclear");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "intr1,ownship,traffic,ownship")) << r.out;
  // The quantisation tolerance must stay below ZTHR.
  EXPECT_EQ(Exec("detect " + kExamples + "/encounter.daa --model wellclear --vertical-tolerance 500ft").exit_code, 64);
}

TEST_F(Cli, DetectReadsDaidalusFilesWithCommaSeparatedHeaderAndMilliseconds) {
  std::string f = Write("multi.daa",
                        "NAME, lat, lon, alt, trk, gs, vs, time\n"
                        "unitless, [deg], [deg], [ft], [deg], [kn], [fpm], [ms]\n"
                        "AC0, 28.50, -80.53, 4000.0, 90.0, 170.0, 0.0, 46000.0\n"
                        "AC1, 28.50, -80.43, 4000.0, 270.0, 200.0, 0.0, 46000.0\n");
  Outcome r = Exec("detect " + f + " --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "AC0,AC1,ownship,traffic")) << r.out;
  EXPECT_TRUE(Has(r.err, "\"snapshot_time_s\":46.000")) << r.err;
}

// --- bad input: exit code 2, message names file, line and field ---

TEST_F(Cli, BadNumberIsExitCode2NamingFileLineField) {
  std::string f = Write("bad.csv", std::string(kHeader) + "A,p,47,8,10000,200,90,0\nB,q,47,8,ten,200,90,0\n");
  Outcome r = Exec("detect " + f);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, f + ":3")) << r.err;
  EXPECT_TRUE(Has(r.err, "\"alt_m\"")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;  // nothing half-written
}

TEST_F(Cli, LatitudeOutOfRangeNanMissingColumnAndUnknownUnitAreExitCode2) {
  struct Case {
    std::string name, content, where, field;
  } cases[] = {
      {"lat.csv", std::string(kHeader) + "A,p,91,8,10000,200,90,0\n", ":2", "\"lat_deg\""},
      {"nan.csv", std::string(kHeader) + "A,p,47,nan,10000,200,90,0\n", ":2", "\"lon_deg\""},
      {"col.csv", "id,party,lat_deg,lon_deg,alt_m,gs_mps,trk_deg\nA,p,47,8,1,2,3\n", ":1", "\"vs_mps\""},
      {"unit.daa", "NAME lat lon alt trk gs vs time\n[none] [deg] [deg] [cubits] [deg] [knot] [fpm] [s]\n"
                   "own 34 -117 10000 0 200 0 0\n", ":2", "\"alt\""},
      {"nan.jsonl", "{\"id\":\"A\",\"lat_deg\":1,\"lon_deg\":2,\"alt_m\":3,\"gs_mps\":4,\"trk_deg\":5,\"vs_mps\":null}\n",
       ":1", "\"vs_mps\""},
      {"cre.scn", "00:00:00.00>CRE A,B738,52.0,4.0,90,FL200,fast\n", ":1", "\"spd\""},
  };
  for (const auto& c : cases) {
    std::string f = Write(c.name, c.content);
    for (const char* cmd : {"detect ", "replay "}) {
      Outcome r = Exec(cmd + f);
      EXPECT_EQ(r.exit_code, 2) << cmd << c.name << ": " << r.err;
      EXPECT_TRUE(Has(r.err, f + c.where)) << c.name << ": " << r.err;
      EXPECT_TRUE(Has(r.err, c.field)) << c.name << ": " << r.err;
    }
  }
}

TEST_F(Cli, SkipBadContinuesAndReportsTheCount) {
  std::string f = Write("mixed.csv", std::string(kHeader) +
                                         "A,p,47,8,10000,200,90,0\n"
                                         "B,q,95,8,10000,200,90,0\n"
                                         "C,q,47,8,x,200,90,0\n"
                                         "D,q,47,8.01,10000,200,270,0\n");
  Outcome r = Exec("detect " + f + " --skip-bad --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "skipped 2 bad lines of 4")) << r.err;
  EXPECT_TRUE(Has(r.err, f + ":3")) << r.err;  // the first skipped line is named
  EXPECT_TRUE(Has(r.err, "\"skipped_lines\":2")) << r.err;
  EXPECT_TRUE(Has(r.err, "\"aircraft\":2")) << r.err;
  EXPECT_TRUE(Has(r.out, "A,D,p,q")) << r.out;
}

TEST_F(Cli, BadFlagValuesAreUsageErrors) {
  EXPECT_EQ(Exec("detect " + kExamples + "/states.csv --horizontal 5parsec").exit_code, 64);
  EXPECT_EQ(Exec("detect " + kExamples + "/states.csv --vertical-tolerance 2000ft").exit_code, 64);
  EXPECT_EQ(Exec("detect " + kExamples + "/states.csv --format xml").exit_code, 64);
  EXPECT_EQ(Exec("replay " + kExamples + "/states.csv --step 0s").exit_code, 64);
  EXPECT_EQ(Exec("detect").exit_code, 64);
  Outcome r = Exec("detect /nonexistent/file.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.err, "/nonexistent/file.csv")) << r.err;
}

// --- replay ---

TEST_F(Cli, ReplayScenarioReportsTheEncounterAsEvents) {
  Outcome r = Exec("replay " + kExamples + "/encounter.scn --format jsonl --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  json begin = json::parse(lines.front());
  json end = json::parse(lines.back());
  EXPECT_EQ(begin["event"], "begin");
  EXPECT_EQ(begin["id1"], "DLH202");
  EXPECT_EQ(end["event"], "end");
  // Nobody resolves the conflict in our replay: they fly through each other.
  EXPECT_EQ(end["los_seen"], true);
  EXPECT_EQ(end["max_level"], "warning");
  EXPECT_LT(end["min_h_dist_m"].get<double>(), 1852.0);
  json stats = json::parse(Lines(r.err).back());
  EXPECT_EQ(stats["los_alerts"], 1);
}

TEST_F(Cli, ReplayTextIsASummaryForPeople) {
  Outcome r = Exec("replay " + kExamples + "/encounter.scn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Alerts: 1")) << r.out;
  EXPECT_TRUE(Has(r.out, "LOST")) << r.out;
  EXPECT_TRUE(Has(r.out, "Summary")) << r.out;
  EXPECT_FALSE(Has(r.err, "replay [")) << "no progress bar when stderr is not a terminal";
}

TEST_F(Cli, ReplayOfTheSwitzerlandDayRaisesNoLossOfSeparation) {
  Outcome r = Exec("replay " + kData + "/traffic/switzerland.json.gz --format csv --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 1u);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_FALSE(Has(lines[i], ",true,true,")) << lines[i];
  json stats = json::parse(Lines(r.err).back());
  EXPECT_EQ(stats["aircraft"], 842);
  EXPECT_EQ(stats["los_alerts"], 0);
  EXPECT_GT(stats["steps"].get<int>(), 60000);  // 17 hours at 1 s
}

TEST_F(Cli, ReplayOfSurfaceTrafficRaisesNoAlert) {
  Outcome r = Exec("replay " + kData + "/traffic/zurich_airport.json.gz --format jsonl --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(Has(r.err, "left out")) << r.err;  // airborne points with null fields are counted, not zeroed
  json stats = json::parse(Lines(r.err).back());
  EXPECT_EQ(stats["alerts"], 0);
}

TEST_F(Cli, ReplayReadsSbsFilesThroughTheFeedsReader) {
  Outcome r = Exec("replay " + kData + "/traffic/switzerland_20180801_1200-1300Z.sbs.gz --format jsonl --stats");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json stats = json::parse(Lines(r.err).back());
  EXPECT_EQ(stats["aircraft"], 116);  // tests/data/README.md: one hour, 116 aircraft
  EXPECT_EQ(stats["los_alerts"], 0);
  EXPECT_GT(stats["steps"].get<int>(), 3500);
}

TEST_F(Cli, BadSbsLineIsExitCode2NamingFileAndLine) {
  std::string f = Write("bad.sbs",
                        "MSG,3,1,1,4B1806,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,35000,,,47.1,8.1,,,0,0,0,0\n"
                        "MSG,3,1,1,ZZZZZZ,1,2018/08/01,12:00:01.000,2018/08/01,12:00:01.000,,35000,,,47.1,8.1,,,0,0,0,0\n");
  Outcome r = Exec("replay " + f);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Has(r.err, f + ":2")) << r.err;
  r = Exec("replay " + f + " --skip-bad --format jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "skipped 1 bad line")) << r.err;
}

// `deconflict bands`: DAIDALUS kinematic bands per time step of a .daa file.
TEST_F(Cli, BandsJsonHasOneObjectPerTimeStepOfH1) {
  const std::string d = kData + "/daidalus/";
  Outcome r = Exec("bands " + d + "H1.daa --conf " + d + "DO_365B_no_SUM.conf --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  bool saw_near = false;
  while (std::getline(lines, line)) {
    json j = json::parse(line);
    ++n;
    ASSERT_EQ(j["ownship"], "Ownship");
    for (const char* dim : {"track", "ground_speed", "vertical_speed", "altitude"}) {
      const json& b = j["bands"][dim];
      ASSERT_FALSE(b["intervals"].empty()) << dim;
      // Intervals are sorted and contiguous.
      for (size_t i = 1; i < b["intervals"].size(); ++i)
        EXPECT_NEAR(b["intervals"][i]["lo"].get<double>(), b["intervals"][i - 1]["hi"].get<double>(), 1e-6);
    }
    if (j["time_s"] == 150) {
      EXPECT_EQ(j["traffic"][0]["alert_level"], 3);
      EXPECT_EQ(j["bands"]["track"]["region"], "NEAR");
      EXPECT_EQ(j["bands"]["track"]["unit"], "deg");
      saw_near = true;
    }
  }
  EXPECT_EQ(n, 230);
  EXPECT_TRUE(saw_near);
}

TEST_F(Cli, BandsTextAndThresholdsFromTheCommandLine) {
  const std::string daa = kData + "/daidalus/H1.daa";
  Outcome r = Exec("bands " + daa + " --dthr 1nm --zthr 450ft --tthr 35s --tcoa 0s --lookahead 120s");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("track [deg] current 0 "), std::string::npos);
  EXPECT_NE(r.out.find("altitude [ft] current 17000 "), std::string::npos);
  Outcome bad = Exec("bands " + daa + " --dthr 5parsec");
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("parsec"), std::string::npos);
}

TEST_F(Cli, BandsBadConfigurationNamesFileLineAndKey) {
  const std::string conf = Write("bad.conf", "lookahead_time = 180 [s]\nturn_rat = 3 [deg/s]\n");
  Outcome r = Exec("bands " + kData + "/daidalus/H1.daa --conf " + conf);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.conf:2: turn_rat"), std::string::npos) << r.err;
}

}  // namespace
