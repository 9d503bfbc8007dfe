// `deconflict plan check` on the example plans: decisions printed, GeoJSON written, bad input refused
// with exit code 2 and a message naming file, line and field.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Deconflict(const std::string& args) {
  const std::string cmd = std::string(DECONFLICT_BINARY_DIR) + "/deconflict " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kExamples = std::string(DECONFLICT_SOURCE_DIR) + "/examples/plans/";

TEST(PlanCheckCli, PrintsDecisionsAndWritesGeoJson) {
  const std::string out_path = std::string(DECONFLICT_BINARY_DIR) + "/plan_cli_test.geojson";
  std::remove(out_path.c_str());
  CliRun r = Deconflict("plan check " + kExamples + "crowded_skies.yaml " + kExamples + "truce_area.geojson --geojson " +
                     out_path);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ACCEPTED red-recce-7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REFUSED  blue-supply-3"), std::string::npos);
  EXPECT_NE(r.out.find("higher-priority"), std::string::npos);
  EXPECT_NE(r.out.find("REFUSED  blue-medevac-1"), std::string::npos);
  EXPECT_NE(r.out.find("protected-site zone hospital-al-noor"), std::string::npos);
  EXPECT_NE(r.out.find("ACCEPTED blue-survey-2"), std::string::npos);
  EXPECT_NE(r.out.find("REFUSED  red-patrol-9"), std::string::npos);
  EXPECT_NE(r.out.find("2 accepted, 3 refused, 3 conflicts"), std::string::npos);
  std::ifstream in(out_path);
  ASSERT_TRUE(in.good());
  auto fc = nlohmann::json::parse(in);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  int conflicts = 0, operations = 0, zones = 0;
  for (const auto& f : fc["features"]) {
    const std::string kind = f["properties"]["kind"];
    conflicts += kind == "conflict";
    operations += kind == "operation";
    zones += kind == "zone";
  }
  EXPECT_EQ(conflicts, 3);
  EXPECT_EQ(operations, 2);
  EXPECT_EQ(zones, 2);
  // The written file is itself a valid plan input.
  CliRun again = Deconflict("plan check " + out_path + " --now 2026-03-01T06:00:00Z");
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("2 accepted, 0 refused"), std::string::npos) << again.out;
}

TEST(PlanCheckCli, StrictExitsOneWhenRefused) {
  CliRun r = Deconflict("plan check --strict " + kExamples + "crowded_skies.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
}

TEST(PlanCheckCli, BadInputExitsTwoNamingFileLineAndField) {
  const std::string path = std::string(DECONFLICT_BINARY_DIR) + "/plan_cli_bad.yaml";
  {
    std::ofstream f(path);
    f << "operations:\n"
         "  - id: x\n"
         "    owner: blue\n"
         "    volumes:\n"
         "      - outline_polygon: [[0, 0], [0.01, 0.01], [0, 0.01], [0.01, 0]]\n"
         "        altitude_lower: 0\n"
         "        altitude_upper: 100\n"
         "        time_start: 2026-03-01T08:00:00Z\n"
         "        time_end: 2026-03-01T09:00:00Z\n";
  }
  CliRun r = Deconflict("plan check " + path + " --now 2026-03-01T06:00:00Z");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("operation x: volumes[0].outline_polygon: the outline is self-intersecting"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("operation x: operation x"), std::string::npos) << "the object is named once: " << r.out;
  {
    std::ofstream f(path);
    f << "operations:\n  - id: x\n    owner: blue\n    state: cruising\n    volumes: []\n";
  }
  CliRun s = Deconflict("plan check " + path);
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.out.find("plan_cli_bad.yaml:4: operations[0].state: unknown operation state \"cruising\""),
            std::string::npos)
      << s.out;
}

}  // namespace
