#include "feeds/sbs_stream.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

namespace deconflict::feeds {
namespace {

constexpr const char* kPos =
    "MSG,3,1,1,48520A,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,38000,,,43.64421,1.23152,,,,,,0\r\n";
constexpr const char* kVel =
    "MSG,4,1,1,48520A,1,2018/08/01,12:00:00.000,2018/08/01,12:00:00.000,,,395,355,,,0,,,,,0\r\n";

SbsStreamOptions Quiet() {
  SbsStreamOptions o;
  o.bad_lines_logged_per_second = 0;
  return o;
}

TEST(SbsStreamTest, LinesSplitAcrossChunksAreReassembled) {
  int updates = 0;
  SbsStream stream(Quiet(), {[&](const TrackState&) { ++updates; }, {}, {}});
  const std::string bytes = std::string(kPos) + "\r\n" + kVel;
  // Feed one byte at a time: the worst split a TCP stream can produce.
  for (char c : bytes) stream.FeedBytes(std::string_view(&c, 1));
  EXPECT_EQ(stream.counters().lines, 3u);
  EXPECT_EQ(stream.counters().messages, 2u);
  EXPECT_EQ(stream.counters().keepalives, 1u);
  EXPECT_EQ(stream.counters().bad, 0u);
  EXPECT_EQ(updates, 1);
}

TEST(SbsStreamTest, BadLinesAreCountedByReasonAndNeverApplied) {
  SbsStream stream(Quiet());
  const std::string pos = kPos;
  stream.FeedBytes("garbage\n");
  stream.FeedBytes(pos.substr(0, 50) + "\n");                              // truncated
  stream.FeedBytes("MSG,3,1,1,ZZZZZZ" + pos.substr(16));                   // non-hex address
  std::string lat91 = pos;
  lat91.replace(lat91.find("43.64421"), 8, "91.00000");
  stream.FeedBytes(lat91);
  stream.FeedBytes(kPos);
  const SbsCounters& c = stream.counters();
  EXPECT_EQ(c.lines, 5u);
  EXPECT_EQ(c.bad, 4u);
  EXPECT_EQ(c.messages, 1u);
  EXPECT_EQ(c.bad_by_reason[static_cast<size_t>(SbsBadReason::kGarbage)], 1u);
  EXPECT_EQ(c.bad_by_reason[static_cast<size_t>(SbsBadReason::kTooFewFields)], 1u);
  EXPECT_EQ(c.bad_by_reason[static_cast<size_t>(SbsBadReason::kBadAddress)], 1u);
  EXPECT_EQ(c.bad_by_reason[static_cast<size_t>(SbsBadReason::kLatitudeOutOfRange)], 1u);
  EXPECT_EQ(stream.first_bad_line(), 1u);
  EXPECT_EQ(stream.assembler().aircraft_count(), 1u);  // ZZZZZZ never created an aircraft
  const auto snapshot = stream.assembler().Snapshot();
  EXPECT_DOUBLE_EQ(snapshot[0].state.lat_deg, 43.64421);  // latitude 91 was not applied
  EXPECT_NE(c.Summary().find("latitude_out_of_range=1"), std::string::npos) << c.Summary();
}

TEST(SbsStreamTest, OverlongLineIsSkippedToItsEnd) {
  SbsStream stream(Quiet());
  stream.FeedBytes(std::string(300, 'x'));
  stream.FeedBytes(std::string(300, 'y'));  // still the same line, over 512 bytes
  stream.FeedBytes(std::string(300, 'z') + "\n" + kPos);
  EXPECT_EQ(stream.counters().bad_by_reason[static_cast<size_t>(SbsBadReason::kLineTooLong)], 1u);
  EXPECT_EQ(stream.counters().messages, 1u);
  EXPECT_EQ(stream.counters().lines, 2u);
}

TEST(SbsStreamTest, PartialLineAtEndOfFileIsParsedAndAtDisconnectDropped) {
  SbsStream file(Quiet());
  const std::string pos = kPos;
  file.FeedBytes(pos.substr(0, pos.size() - 2));  // no line end
  EXPECT_EQ(file.counters().lines, 0u);
  file.FinishBytes();
  EXPECT_EQ(file.counters().messages, 1u);

  SbsStream socket(Quiet());
  socket.FeedBytes(pos.substr(0, 60));
  socket.DiscardPartial();
  socket.FeedBytes(pos);
  EXPECT_EQ(socket.counters().lines, 1u);
  EXPECT_EQ(socket.counters().bad, 0u);
}

TEST(SbsStreamTest, FloodOfBadLinesIsLoggedAtABoundedRate) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100000);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  SbsStreamOptions options;
  options.source = "flood";
  options.bad_lines_logged_per_second = 5;
  SbsStream stream(options);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) stream.FeedBytes("MSG,3,1,1,48520A,1,garbage\r\n");
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const size_t logged = sink->last_formatted().size();
  spdlog::set_default_logger(previous);
  EXPECT_EQ(stream.counters().bad, 20000u);
  EXPECT_EQ(stream.counters().bad_by_reason[static_cast<size_t>(SbsBadReason::kTooFewFields)], 20000u);
  // At most 5 lines per started second, plus one "not logged" summary per second.
  const size_t seconds = static_cast<size_t>(elapsed_s) + 2;
  EXPECT_GE(logged, 5u);
  EXPECT_LE(logged, 6 * seconds) << "elapsed " << elapsed_s << " s";
  ASSERT_FALSE(sink->last_formatted().empty());
  EXPECT_NE(sink->last_formatted()[0].find("flood:1: bad SBS line, too_few_fields"), std::string::npos)
      << sink->last_formatted()[0];
}

}  // namespace
}  // namespace deconflict::feeds
