// AsterixStream: CAT021/CAT062 records become the feed's tracks and distress events exactly as SBS lines do;
// the tracker's track end drops the track; time of day crosses midnight; the edition follows SAC/SIC; bad
// input is counted by reason, logged at a bounded rate, and never stops the stream.
#include "feeds/asterix_stream.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "asterix/encode.h"
#include "core/units.h"

namespace deconflict::feeds {
namespace {

using asterix::Edition;
using asterix::TrackReport;

constexpr double kDate = 1533081600;  // 2018-08-01 00:00 UTC

TrackReport Report(uint32_t address, double tod_s) {
  TrackReport r;
  r.sac = 25;
  r.sic = 100;
  r.address = address;
  r.track_number = 7;
  r.tod_s = tod_s;
  r.lat_deg = 47.45;
  r.lon_deg = 8.56;
  r.alt_m = units::FeetToMeters(35000);
  r.gs_mps = units::KnotsToMps(450);
  r.trk_deg = 270;
  r.callsign = "SWR123";
  return r;
}

std::vector<uint8_t> Block(const TrackReport& r, Edition e) {
  asterix::BlockWriter w(asterix::UapOf(e).category);
  w.Add(asterix::UapOf(e).category == 21 ? asterix::EncodeCat021(r, e) : asterix::EncodeCat062(r, e));
  return w.Finish();
}

asterix::Bytes B(const std::vector<uint8_t>& v) { return asterix::Bytes(v.data(), v.size()); }

struct Recorder {
  std::vector<TrackState> tracks, expired;
  std::vector<DistressEvent> distress;
  AssemblerCallbacks Callbacks() {
    return {[this](const TrackState& t) { tracks.push_back(t); },
            [this](const DistressEvent& e) { distress.push_back(e); },
            [this](const TrackState& t) { expired.push_back(t); }};
  }
};

TEST(AsterixStream, Cat021ReportsMakeAUsableTrackInSiUnits) {
  Recorder rec;
  AsterixStreamOptions o;
  o.assembler.party = "blue";
  AsterixStream s(o, rec.Callbacks());
  s.FeedDatagram(B(Block(Report(0x4B1806, 43200), Edition::kCat021v2_6)), kDate + 43200.2);
  ASSERT_EQ(rec.tracks.size(), 1u);
  const TrackState& t = rec.tracks[0];
  EXPECT_EQ(t.id, "4b1806");
  EXPECT_EQ(t.party, "blue");
  EXPECT_EQ(t.callsign, "SWR123");
  EXPECT_DOUBLE_EQ(t.time_s, kDate + 43200);
  EXPECT_NEAR(t.lat_deg, 47.45, 1e-6);
  EXPECT_NEAR(t.lon_deg, 8.56, 1e-6);
  EXPECT_NEAR(t.alt_m, units::FeetToMeters(35000), 1e-6);
  EXPECT_NEAR(t.gs_mps, units::KnotsToMps(450), 0.06);
  EXPECT_NEAR(t.trk_deg, 270, 0.003);
  EXPECT_EQ(s.counters().records, 1u);
  EXPECT_EQ(s.counters().bad, 0u);
}

TEST(AsterixStream, EmergencySquawkAndPriorityStatusDeclareDistressAsSbsDoes) {
  Recorder rec;
  AsterixStream s({}, rec.Callbacks());
  TrackReport r = Report(0x48520A, 100);
  r.has_squawk = true;
  r.squawk = 5516;
  s.FeedDatagram(B(Block(r, Edition::kCat021v2_4)), kDate + 100);
  EXPECT_TRUE(rec.distress.empty());
  r.tod_s = 101;
  r.squawk = 7700;
  s.FeedDatagram(B(Block(r, Edition::kCat021v2_4)), kDate + 101);
  ASSERT_EQ(rec.distress.size(), 1u);
  EXPECT_EQ(rec.distress[0].kind, DistressKind::kEmergency);
  EXPECT_EQ(rec.distress[0].squawk, 7700);
  EXPECT_TRUE(rec.distress[0].has_track);
  r.tod_s = 102;
  s.FeedDatagram(B(Block(r, Edition::kCat021v2_4)), kDate + 102);
  EXPECT_EQ(rec.distress.size(), 1u) << "not repeated while unchanged";
  r.tod_s = 103;
  r.squawk = 5516;
  r.priority_status = 5;  // unlawful interference, reported by the aircraft without the code
  s.FeedDatagram(B(Block(r, Edition::kCat021v2_4)), kDate + 103);
  ASSERT_EQ(rec.distress.size(), 2u);
  EXPECT_EQ(rec.distress[1].kind, DistressKind::kEmergencyFlag);
  r.tod_s = 104;
  r.priority_status = 0;
  s.FeedDatagram(B(Block(r, Edition::kCat021v2_4)), kDate + 104);
  ASSERT_EQ(rec.distress.size(), 3u);
  EXPECT_FALSE(rec.distress[2].active);
}

TEST(AsterixStream, Cat062EmergencyStatusAndTrackEnd) {
  Recorder rec;
  AsterixStream s({}, rec.Callbacks());
  TrackReport r = Report(0x3C0A55, 500);
  r.priority_status = 4;  // I062/080 EMS: no communications
  s.FeedDatagram(B(Block(r, Edition::kCat062v1_18)), kDate + 500);
  ASSERT_EQ(rec.tracks.size(), 1u);
  ASSERT_EQ(rec.distress.size(), 1u);
  EXPECT_EQ(rec.distress[0].kind, DistressKind::kEmergencyFlag);
  r.tod_s = 504;
  r.track_end = true;
  s.FeedDatagram(B(Block(r, Edition::kCat062v1_18)), kDate + 504);
  ASSERT_EQ(rec.expired.size(), 1u);
  EXPECT_EQ(rec.expired[0].id, "3c0a55");
  EXPECT_EQ(s.aircraft_count(), 0u);
  EXPECT_EQ(s.counters().track_ends, 1u);
}

TEST(AsterixStream, TimeOfDayCrossesMidnightFromTheArrivalClockOrTheFileDate) {
  EXPECT_DOUBLE_EQ(UnixTimeNear(86399.5, kDate + 86400 + 1), kDate + 86399.5);  // sent before, arrived after
  EXPECT_DOUBLE_EQ(UnixTimeNear(0.25, kDate + 86399), kDate + 86400.25);       // the reverse
  EXPECT_DOUBLE_EQ(UnixTimeNear(43200, kDate + 43200), kDate + 43200);
  Recorder rec;
  AsterixStreamOptions o;
  o.time = AsterixTimeReference::kDate;
  o.date_s = kDate;
  AsterixStream s(o, rec.Callbacks());
  for (double tod : {86398.0, 86399.5, 0.5, 2.0}) {
    const auto bytes = Block(Report(0x4B1806, tod), Edition::kCat062v1_18);
    s.FeedBytes(B(bytes));
  }
  s.Finish();
  ASSERT_EQ(rec.tracks.size(), 4u);
  EXPECT_DOUBLE_EQ(rec.tracks[0].time_s, kDate + 86398);
  EXPECT_DOUBLE_EQ(rec.tracks[1].time_s, kDate + 86399.5);
  EXPECT_DOUBLE_EQ(rec.tracks[2].time_s, kDate + 86400.5);
  EXPECT_DOUBLE_EQ(rec.tracks[3].time_s, kDate + 86402);
}

TEST(AsterixStream, TheEditionFollowsTheSourceSacSic) {
  Recorder rec;
  AsterixStreamOptions o;
  ASSERT_TRUE(o.decode.editions.Add("25/100:62=0.17").ok());
  AsterixStream s(o, rec.Callbacks());
  const TrackReport r = Report(0x4B1806, 10);
  s.FeedDatagram(B(Block(r, Edition::kCat062v0_17)), kDate + 10);  // 25/100 sends 0.17
  EXPECT_EQ(s.counters().records, 1u);
  TrackReport other = r;
  other.sic = 101;  // 25/101 sends the default 1.18; its 0.17 record is refused
  s.FeedDatagram(B(Block(other, Edition::kCat062v0_17)), kDate + 10);
  EXPECT_EQ(s.counters().records, 1u);
  EXPECT_EQ(s.counters().bad, 1u);
  s.FeedDatagram(B(Block(other, Edition::kCat062v1_18)), kDate + 11);
  EXPECT_EQ(s.counters().records, 2u);
  EXPECT_FALSE(AsterixEditions().Add("25/300:62=1.18").ok());
  EXPECT_FALSE(AsterixEditions().Add("48=1.31").ok());
  EXPECT_FALSE(AsterixEditions().Add("21=2.5").ok());
  EXPECT_FALSE(AsterixEditions().Add("62").ok());
}

TEST(AsterixStream, BadInputIsCountedByReasonAndTheRestIsKept) {
  Recorder rec;
  AsterixStreamOptions o;
  o.bad_logged_per_second = 0;
  AsterixStream s(o, rec.Callbacks());
  const auto good = Block(Report(0x4B1806, 10), Edition::kCat021v2_6);
  auto feed = [&](std::vector<uint8_t> bytes, bool then_good) {
    if (then_good) bytes.insert(bytes.end(), good.begin(), good.end());
    s.FeedDatagram(B(bytes), kDate + 10);
  };
  feed({48, 0, 4, 0x00}, true);                       // CAT048: not read
  feed({21, 0, 2}, false);                            // LEN below 3
  feed({21, 0, 40, 0x80}, false);                     // LEN beyond the datagram
  feed({21, 0, 5, 0x81, 0x81}, true);                 // FSPEC runs past the block
  feed({21, 0, 6, 0x80, 25, 100}, true);              // no time, no address
  auto bad_callsign = good;
  bad_callsign.pop_back();                            // I021/170 is the last item: its last
  bad_callsign.push_back(0x3F);                       // character becomes 63, not an IA-5 code
  feed(bad_callsign, true);
  feed({65, 0, 4, 0x00}, true);                       // CAT065 status: ignored
  using R = asterix::BadReason;
  auto n = [&](R r) { return s.counters().bad_by_reason[static_cast<size_t>(r)]; };
  EXPECT_EQ(n(R::kUnknownCategory), 1u);
  EXPECT_EQ(n(R::kBadBlockLength), 1u);
  EXPECT_EQ(n(R::kTruncatedBlock), 1u);
  EXPECT_EQ(n(R::kFspecOverrun), 1u);
  EXPECT_EQ(n(R::kMissingItem), 1u);
  EXPECT_EQ(n(R::kBadValue), 1u);
  EXPECT_EQ(s.counters().bad, 6u);
  EXPECT_EQ(s.counters().ignored_blocks, 1u);
  EXPECT_EQ(s.counters().records, 5u) << "every good block after a bad one is read";
  EXPECT_NE(s.first_bad_description().find("category 48"), std::string::npos) << s.first_bad_description();
  EXPECT_NE(s.counters().Summary().find("bad_value=1"), std::string::npos) << s.counters().Summary();
}

TEST(AsterixStream, AFloodOfBadBlocksIsLoggedAtABoundedRate) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100000);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  AsterixStreamOptions o;
  o.source = "radar";
  o.bad_logged_per_second = 5;
  AsterixStream s(o);
  const std::vector<uint8_t> bad = {62, 0, 5, 0x81, 0x81};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) s.FeedDatagram(B(bad), 0);
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const size_t logged = sink->last_formatted().size();
  spdlog::set_default_logger(previous);
  EXPECT_EQ(s.counters().bad, 20000u);
  EXPECT_GE(logged, 5u);
  EXPECT_LE(logged, 6 * (static_cast<size_t>(elapsed_s) + 2));
  ASSERT_FALSE(sink->last_formatted().empty());
  EXPECT_NE(sink->last_formatted()[0].find("radar: bad ASTERIX input"), std::string::npos);
  EXPECT_NE(sink->last_formatted()[0].find("FSPEC"), std::string::npos) << sink->last_formatted()[0];
}

}  // namespace
}  // namespace deconflict::feeds
