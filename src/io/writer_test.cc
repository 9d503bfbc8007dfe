#include "io/writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace deconflict::io {
namespace {

std::vector<TrackState> Tracks() {
  TrackState a, b;
  a.id = "A1";
  a.party = "red";
  b.id = "B,2";  // a comma must be quoted in CSV
  b.party = "blue";
  return {a, b};
}

detect::Conflict AConflict() {
  detect::Conflict c;
  c.a = 0;
  c.b = 1;
  c.t_in_s = 42.25;
  c.t_out_s = 80;
  c.t_cpa_s = 61.5;
  c.d_cpa_m = 1234.56;
  c.dz_cpa_m = 30.04;
  c.h_dist_m = 20000;
  c.v_dist_m = 100;
  return c;
}

TEST(WriteConflicts, CsvHasTheDocumentedColumnsAndQuotes) {
  std::ostringstream out;
  WriteConflicts(out, OutputFormat::kCsv, Tracks(), {AConflict()}, {});
  EXPECT_EQ(out.str(), std::string(kConflictColumns) +
                           "\nA1,\"B,2\",red,blue,42.250,80.000,61.500,1234.6,30.0,20000.0,100.0,false,warning\n");
}

TEST(WriteConflicts, LevelFollowsTimeToLoss) {
  detect::AlertingOptions alerting;  // warning within 60 s, caution within 300 s
  detect::Conflict c = AConflict();
  c.t_in_s = 120;
  EXPECT_EQ(LevelOf(c, alerting), detect::AlertLevel::kCaution);
  c.t_in_s = 301;
  EXPECT_EQ(LevelOf(c, alerting), detect::AlertLevel::kNone);
  c.los = true;
  EXPECT_EQ(LevelOf(c, alerting), detect::AlertLevel::kWarning);
}

TEST(WriteConflicts, JsonArrayAndLinesCarryTheSameFields) {
  std::ostringstream arr, lines;
  WriteConflicts(arr, OutputFormat::kJson, Tracks(), {AConflict(), AConflict()}, {});
  WriteConflicts(lines, OutputFormat::kJsonLines, Tracks(), {AConflict()}, {});
  auto a = nlohmann::json::parse(arr.str());
  ASSERT_EQ(a.size(), 2u);
  auto l = nlohmann::json::parse(lines.str());
  EXPECT_EQ(a[0], l);
  EXPECT_EQ(l["id2"], "B,2");
  EXPECT_DOUBLE_EQ(l["t_cpa_s"].get<double>(), 61.5);
  EXPECT_EQ(l["los"], false);
  EXPECT_EQ(l["level"], "warning");
}

TEST(EventWriter, CsvHeaderEvenWithoutEventsAndJsonArrayIsValid) {
  std::ostringstream csv, json;
  EventWriter(csv, OutputFormat::kCsv).Finish();
  EXPECT_EQ(csv.str(), std::string(kEventColumns) + "\n");
  EventWriter w(json, OutputFormat::kJson);
  ReplayEvent e;
  e.event.kind = detect::AlertEvent::Kind::kEnd;
  e.event.time_s = 100;
  e.event.begin_time_s = 40;
  e.event.id_a = "a";
  e.event.id_b = "b";
  e.max_level = detect::AlertLevel::kWarning;
  e.los_seen = true;
  w.Write(e);
  w.Write(e);
  w.Finish();
  auto parsed = nlohmann::json::parse(json.str());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["event"], "end");
  EXPECT_EQ(parsed[0]["max_level"], "warning");
  EXPECT_EQ(parsed[0]["los_seen"], true);
  EXPECT_DOUBLE_EQ(parsed[0]["duration_s"].get<double>(), 60);
}

}  // namespace
}  // namespace deconflict::io
