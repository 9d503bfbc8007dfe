#include "feeds/sbs_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace deconflict::feeds {
namespace {

const std::string kHour = DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz";

std::string TempFile(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("deconflict_feeds_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(SbsFileTest, SharedHourGivesTimeOrderedUpdatesOfEveryAircraft) {
  SbsFileOptions options;
  options.bad_lines_logged_per_second = 0;
  auto read = ReadSbsFile(kHour, options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const SbsFileContents& c = *read;
  EXPECT_EQ(c.counters.lines, 21172u);
  EXPECT_EQ(c.counters.messages, 21172u);
  EXPECT_EQ(c.skipped_bad(), 0u);
  std::set<std::string> ids;
  for (const TrackState& t : c.updates) ids.insert(t.id);
  EXPECT_EQ(ids.size(), 116u);  // the 116 aircraft of the hour (data README)
  for (size_t i = 1; i < c.updates.size(); ++i) ASSERT_LE(c.updates[i - 1].time_s, c.updates[i].time_s);
  EXPECT_GE(c.updates.front().time_s, 1533124800.0);  // 2018-08-01T12:00Z
  EXPECT_LE(c.updates.back().time_s, 1533128400.0);   // 13:00Z
  // Coalesced: each MSG,3 is followed by the MSG,4 of the same instant, which gives one update per MSG,3
  // (the file has 9750 MSG,3, 9750 MSG,4 and 1672 MSG,1 lines).
  EXPECT_EQ(c.updates.size(), 9750u);
  // The first aircraft of the file, from its first three lines: TAR745 at 35000 ft, 427 kt, track 174.
  const auto first = std::find_if(c.updates.begin(), c.updates.end(), [](const TrackState& t) { return t.id == "02a18f"; });
  ASSERT_NE(first, c.updates.end());
  EXPECT_EQ(first->callsign, "TAR745");
  EXPECT_DOUBLE_EQ(first->time_s, 1533124800.0);
  EXPECT_DOUBLE_EQ(first->alt_m, 35000 * 0.3048);
  EXPECT_DOUBLE_EQ(first->gs_mps, 427 * 1852.0 / 3600.0);
  EXPECT_DOUBLE_EQ(first->trk_deg, 174);
  EXPECT_DOUBLE_EQ(first->lat_deg, 47.43947);
}

TEST(SbsFileTest, PlainFileWithBadLinesIsReadAndBadLinesSkipped) {
  const std::string path = TempFile("plain.sbs",
      "MSG,3,1,1,48520A,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,38000,,,43.6,1.2,,,,,,0\n"
      "MSG,3,1,1,48520A,1,2018/08/01,12:00:01.000,2018/08/01,12:00:01.000,,-5000,,,43.6,1.2,,,,,,0\n"
      "MSG,4,1,1,48520A,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,,395,355,,,0,,,,,0\n"
      "MSG,4,1,1,48520A\n");
  auto read = ReadSbsFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->skipped_bad(), 2u);
  ASSERT_EQ(read->updates.size(), 1u);
  EXPECT_DOUBLE_EQ(read->updates[0].alt_m, 38000 * 0.3048);  // -5000 ft never applied
  std::remove(path.c_str());
}

TEST(SbsFileTest, StrictModeNamesFileLineAndField) {
  const std::string path = TempFile("strict.sbs",
      "MSG,3,1,1,48520A,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,38000,,,43.6,1.2,,,,,,0\n"
      "MSG,3,1,1,48520A,1,2018/08/01,12:00:01.000,2018/08/01,12:00:01.000,,38000,,,91,1.2,,,,,,0\n");
  SbsFileOptions options;
  options.strict = true;
  auto read = ReadSbsFile(path, options);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(read.status().message(), path + ":2: bad SBS line: latitude_out_of_range at field 15 (latitude)");
  std::remove(path.c_str());
}

TEST(SbsFileTest, FileWithoutAnySbsRecordIsRefused) {
  auto read = ReadSbsFile(DECONFLICT_TEST_DATA "/traffic/LFBOTMA.json");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("LFBOTMA.json:1: bad SBS line"), std::string::npos)
      << read.status().message();
}

TEST(SbsFileTest, MissingFileIsAnIoError) {
  auto read = ReadSbsFile("/nonexistent/x.sbs");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kIo);
  EXPECT_NE(read.status().message().find("/nonexistent/x.sbs"), std::string::npos);
}

TEST(SbsFileTest, CorruptGzipIsAnIoError) {
  std::string bytes;
  {
    std::ifstream in(kHour, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes.resize(bytes.size() / 2);  // cut the gzip stream in the middle
  for (size_t i = 2000; i < 2100; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  const std::string path = TempFile("corrupt.sbs.gz", bytes);
  auto read = ReadSbsFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kIo) << read.status().ToString();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace deconflict::feeds
