#include "server/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace deconflict::server {
namespace {

// Writes yaml to a fresh file and loads it over the defaults.
Status Load(const std::string& yaml, ServeConfig* c) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("dc-config-test-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << yaml;
  Status s = LoadServeConfig(path.string(), c);
  std::filesystem::remove(path);
  return s;
}

// Each yaml must be refused with a message containing its reason.
void ExpectRefused(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [yaml, why] : cases) {
    ServeConfig c;
    Status s = Load(yaml, &c);
    ASSERT_FALSE(s.ok()) << yaml;
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
  }
}

TEST(ServeConfig, WriteThreadsAndStreamWindowHaveDocumentedDefaults) {
  ServeConfig c;
  ASSERT_TRUE(Load("log_level: info\n", &c).ok());
  EXPECT_EQ(c.service.write_threads, 128);
  EXPECT_EQ(c.stream.max_events, 4096u);
  EXPECT_EQ(c.stream.max_bytes, 4u << 20);
}

TEST(ServeConfig, ReadsWriteThreadsAndStreamWindow) {
  ServeConfig c;
  Status s = Load("write_threads: 48\nstream:\n  window_events: 100\n  window_bytes: 65536\n", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.service.write_threads, 48);
  EXPECT_EQ(c.stream.max_events, 100u);
  EXPECT_EQ(c.stream.max_bytes, 65536u);
}

TEST(ServeConfig, RefusesWriteThreadsOutOfRangeOrNotAnInteger) {
  ExpectRefused({
           {"write_threads: 0\n", "write_threads: 0 is out of range 1..1024"},
           {"write_threads: 5000\n", "write_threads: 5000 is out of range 1..1024"},
           {"write_threads: 2.5\n", "write_threads: expected an integer in 1..1024"},
           {"write_threads: many\n", "write_threads: expected an integer in 1..1024"},
           {"stream:\n  window_events: 0\n", "stream.window_events: 0 is out of range"},
           {"stream:\n  window_bytes: 10\n", "stream.window_bytes: 10 is out of range"},
           {"stream:\n  window: 10\n", "stream.window: unknown key"}});
  EXPECT_TRUE(CheckWriteThreads("--write-threads", 1).ok());
  EXPECT_TRUE(CheckWriteThreads("--write-threads", 1024).ok());
  EXPECT_EQ(CheckWriteThreads("--write-threads", -3).message(), "--write-threads: -3 is out of range 1..1024");
}

TEST(ServeConfig, ReadsConformanceWithUnitsAndRefusesBadValues) {
  ServeConfig c;
  EXPECT_EQ(c.service.conformance.horizontal_tolerance_m, 15);
  Status s = Load("conformance:\n  horizontal_tolerance: 100ft\n  vertical_tolerance: 20m\n"
                  "  time_tolerance: 10s\n  nonconforming_after: 3s\n  conforming_after: 1min\n"
                  "  off_nominal_horizon: 60s\n", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NEAR(c.service.conformance.horizontal_tolerance_m, 30.48, 1e-9);
  EXPECT_EQ(c.service.conformance.vertical_tolerance_m, 20);
  EXPECT_EQ(c.service.conformance.time_tolerance_s, 10);
  EXPECT_EQ(c.service.nonconforming_after_s, 3);
  EXPECT_EQ(c.service.conforming_after_s, 60);
  EXPECT_EQ(c.service.off_nominal_horizon_s, 60);
  ExpectRefused({
           {"conformance:\n  horizontal_tolerance: -1m\n", "conformance.horizontal_tolerance"},
           {"conformance:\n  vertical_tolerance: 5s\n", "conformance.vertical_tolerance"},
           {"conformance:\n  hysteresis: 5s\n", "conformance.hysteresis: unknown key"}});
}

TEST(ServeConfig, ConnectionLimitsHaveDocumentedDefaultsAndAreRead) {
  ServeConfig c;
  EXPECT_EQ(c.http.max_connections, 1024);
  EXPECT_EQ(c.http.max_connections_per_client, 64);
  EXPECT_EQ(c.http.idle_timeout_s, 30);
  EXPECT_EQ(c.http.header_timeout_s, 10);
  EXPECT_EQ(c.http.body_timeout_s, 30);
  Status s = Load("limits:\n  connections: 100\n  connections_per_client: 5\n  idle_timeout: 2min\n"
                  "  header_timeout: 500ms\n  body_timeout: 5s\n  header_bytes: 4096\n", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.http.max_connections, 100);
  EXPECT_EQ(c.http.max_connections_per_client, 5);
  EXPECT_EQ(c.http.idle_timeout_s, 120);
  EXPECT_EQ(c.http.header_timeout_s, 0.5);
  EXPECT_EQ(c.http.body_timeout_s, 5);
  EXPECT_EQ(c.http.header_limit_bytes, 4096u);
  ExpectRefused({{"limits:\n  connections: 0\n", "limits.connections: 0 is out of range"},
                 {"limits:\n  connections_per_client: 2.5\n", "limits.connections_per_client: expected an integer"},
                 {"limits:\n  idle_timeout: 5m\n", "limits.idle_timeout"},
                 {"limits:\n  header_timeout: 0s\n", "limits.header_timeout: out of range"},
                 {"limits:\n  max_conn: 5\n", "limits.max_conn: unknown key"}});
}

TEST(ServeConfig, ReadsTheAlertingLogicAndRefusesBadValues) {
  ServeConfig c;
  EXPECT_EQ(c.service.alerting.persistence_s, 4);  // DO_365B_no_SUM defaults
  EXPECT_EQ(c.service.alerting.alerting_m, 2);
  EXPECT_EQ(c.service.alerting.alerting_n, 4);
  Status s = Load("detection:\n  hysteresis: 3s\n  persistence: 20s\n  alerting_m: 3\n  alerting_n: 5\n"
                  "  episode_gap: 2min\n", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.service.alerting.hysteresis_s, 3);
  EXPECT_EQ(c.service.alerting.persistence_s, 20);
  EXPECT_EQ(c.service.alerting.alerting_m, 3);
  EXPECT_EQ(c.service.alerting.alerting_n, 5);
  EXPECT_EQ(c.service.alerting.episode_gap_s, 120);
  ExpectRefused({{"detection:\n  alerting_m: 5\n", "alerting_m"},
                 {"detection:\n  alerting_n: 33\n", "detection.alerting_n"},
                 {"detection:\n  alerting_m: two\n", "detection.alerting_m"},
                 {"detection:\n  episode_gap: -1s\n", "detection.episode_gap"}});
}

TEST(ServeConfig, GuidanceSectionReadsItsDaidalusConfAndRefusesBadOnes) {
  ServeConfig c;
  ASSERT_TRUE(Load("log_level: info\n", &c).ok());
  EXPECT_FALSE(c.service.guidance.enabled);
  EXPECT_TRUE(c.service.guidance.coordination);
  EXPECT_EQ(c.service.guidance.bands.alerters.size(), guidance::Do365Config().alerters.size());
  const std::string conf = std::string(DECONFLICT_TEST_DATA) + "/daidalus/CD3D.conf";
  ASSERT_TRUE(Load("guidance:\n  enabled: true\n  conf: " + conf + "\n  coordination: false\n  cycle_budget: 50ms\n", &c).ok());
  EXPECT_DOUBLE_EQ(c.service.guidance.cycle_budget_s, 0.05);
  EXPECT_TRUE(c.service.guidance.enabled);
  EXPECT_FALSE(c.service.guidance.coordination);
  ASSERT_FALSE(c.service.guidance.bands.alerters.empty());
  EXPECT_EQ(c.service.guidance.bands.alerters[0].levels.back().detector.kind, guidance::Detector3D::Kind::kCylinder);
  ExpectRefused({{"guidance:\n  conf: /nonexistent/x.conf\n", "/nonexistent/x.conf"},
                 {"guidance:\n  enabled: maybe\n", "guidance.enabled"},
                 {"guidance:\n  bands: 3\n", "guidance.bands: unknown key"},
                 {"guidance:\n  cycle_budget: 0s\n", "guidance.cycle_budget"}});
}

}  // namespace
}  // namespace deconflict::server
