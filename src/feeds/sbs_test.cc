#include "feeds/sbs.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "core/units.h"

namespace deconflict::feeds {
namespace {

// Lines as dump1090-mutability wrote them on its SBS port for tests/data/traffic/sample_dump1090.bin.
constexpr const char* kMsg3 =
    "MSG,3,1,1,48520A,1,2026/11/21,05:44:02.255,2026/11/21,05:44:02.255,,38000,,,43.64421,1.23152,,,,,,0\r";
constexpr const char* kMsg4 =
    "MSG,4,1,1,48520A,1,2026/11/21,05:44:01.452,2026/11/21,05:44:01.452,,,395,355,,,-64,,,,,0";
constexpr const char* kMsg5 =
    "MSG,5,1,1,3981E4,1,2026/11/21,05:44:06.370,2026/11/21,05:44:06.370,TJT62CB ,25000,,,,,,,0,,0,";
constexpr const char* kMsg6 =
    "MSG,6,1,1,3981E4,1,2026/11/21,05:44:01.252,2026/11/21,05:44:01.252,,,,,,,,1000,0,0,0,";

// A valid MSG,3 with fields replaced (0-based index -> value).
std::string Msg3With(std::initializer_list<std::pair<int, std::string>> replacements) {
  std::string fields[22] = {"MSG", "3", "1", "1", "48520A", "1", "2018/08/01", "12:00:00.000", "2018/08/01",
                            "12:00:00.000", "", "38000", "", "", "43.64421", "1.23152", "", "", "", "", "", "0"};
  for (const auto& [field, value] : replacements) fields[field] = value;
  std::string line;
  for (int i = 0; i < 22; ++i) line += (i ? "," : "") + fields[i];
  return line;
}
std::string Msg3With(int field, const std::string& value) { return Msg3With({{field, value}}); }

SbsBadReason BadReasonOf(const std::string& line) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(line);
  EXPECT_EQ(r.kind, SbsLineKind::kBad) << line;
  return r.reason;
}

TEST(SbsParserTest, AirbornePositionFromDump1090IsConvertedToSi) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(kMsg3);
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  const SbsMessage& m = r.message;
  EXPECT_EQ(m.type, 3);
  EXPECT_EQ(m.address, 0x48520Au);
  EXPECT_TRUE(m.has(kHasPosition));
  EXPECT_TRUE(m.has(kHasAltitude));
  EXPECT_FALSE(m.has(kHasGroundSpeed));
  EXPECT_DOUBLE_EQ(m.lat_deg, 43.64421);
  EXPECT_DOUBLE_EQ(m.lon_deg, 1.23152);
  EXPECT_DOUBLE_EQ(m.alt_m, 38000 * 0.3048);
  EXPECT_TRUE(m.has(kHasOnGround));
  EXPECT_FALSE(m.on_ground);
  // 2026-11-21T05:44:02.255Z read as UTC (the default).
  EXPECT_NEAR(m.time_s, 1795239842.255, 1e-6);
}

TEST(SbsParserTest, VelocityConvertsKnotsAndFeetPerMinute) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(kMsg4);
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_DOUBLE_EQ(r.message.gs_mps, 395 * 1852.0 / 3600.0);
  EXPECT_DOUBLE_EQ(r.message.trk_deg, 355);
  EXPECT_DOUBLE_EQ(r.message.vs_mps, -64 * 0.3048 / 60.0);
  EXPECT_FALSE(r.message.has(kHasPosition));
}

TEST(SbsParserTest, CallsignIsTrimmedAndSquawkReadAsOctalDigits) {
  SbsParser parser;
  SbsParseResult r = parser.Parse(kMsg5);
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_EQ(r.message.callsign_view(), "TJT62CB");
  EXPECT_FALSE(r.message.has(kHasOnGround));  // dump1090 leaves it empty on MSG,5
  r = parser.Parse(kMsg6);
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_TRUE(r.message.has(kHasSquawk));
  EXPECT_EQ(r.message.squawk, 1000);
  EXPECT_TRUE(r.message.has(kHasEmergency));
  EXPECT_FALSE(r.message.emergency);
}

TEST(SbsParserTest, EmptyLineIsKeepAlive) {
  SbsParser parser;
  EXPECT_EQ(parser.Parse("").kind, SbsLineKind::kKeepAlive);
  EXPECT_EQ(parser.Parse("\r").kind, SbsLineKind::kKeepAlive);
}

TEST(SbsParserTest, OtherBaseStationRecordsAreIgnoredNotBad) {
  SbsParser parser;
  EXPECT_EQ(parser.Parse("STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM").kind,
            SbsLineKind::kIgnored);
  EXPECT_EQ(parser.Parse("AIR,,333,1,49EF1F,10001,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153").kind,
            SbsLineKind::kIgnored);
}

TEST(SbsParserTest, NonIcaoAddressAndGnssAltitudeAreAccepted) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(Msg3With(4, "~4840D6"));
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_EQ(r.message.address, 0x4840D6u | kNonIcaoAddressBit);
  EXPECT_EQ(FormatAddress(r.message.address), "~4840d6");
  const SbsParseResult g = parser.Parse(Msg3With(11, "38125H"));
  ASSERT_EQ(g.kind, SbsLineKind::kMessage);
  EXPECT_TRUE(g.message.alt_is_gnss);
  EXPECT_DOUBLE_EQ(g.message.alt_m, 38125 * 0.3048);
}

TEST(SbsParserTest, LocalTimeFollowsTheProcessTimeZone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  setenv("TZ", "Europe/Zurich", 1);
  tzset();
  SbsParseOptions options;
  options.time_source = SbsTimeSource::kMessageLocal;
  SbsParser local(options);
  // 14:00 local summer time in Zurich is 12:00 UTC.
  const SbsParseResult r = local.Parse(Msg3With(7, "14:00:00.000"));
  if (old) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_DOUBLE_EQ(r.message.time_s, 1533124800.0);  // 2018-08-01T12:00:00Z
  SbsParser utc;
  EXPECT_DOUBLE_EQ(utc.Parse(Msg3With(7, "12:00:00.000")).message.time_s, 1533124800.0);
}

TEST(SbsParserTest, LeapDayIsAValidDate) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(Msg3With({{6, "2020/02/29"}, {7, "00:00:00"}}));
  ASSERT_EQ(r.kind, SbsLineKind::kMessage) << DescribeBadLine(r);
  EXPECT_DOUBLE_EQ(r.message.time_s, 1582934400.0);  // 2020-02-29T00:00:00Z
}

TEST(SbsParserTest, ArrivalTimeIgnoresTheDateFields) {
  SbsParseOptions options;
  options.time_source = SbsTimeSource::kArrival;
  SbsParser parser(options);
  const SbsParseResult r = parser.Parse(Msg3With(6, "garbage"), 1234.5);
  ASSERT_EQ(r.kind, SbsLineKind::kMessage);
  EXPECT_DOUBLE_EQ(r.message.time_s, 1234.5);
}

TEST(SbsParserTest, LoggedTimeIsUsedWhenGeneratedTimeIsEmpty) {
  SbsParser parser;
  const SbsParseResult r = parser.Parse(Msg3With({{6, ""}, {7, ""}}));
  ASSERT_EQ(r.kind, SbsLineKind::kMessage) << DescribeBadLine(r);
  EXPECT_DOUBLE_EQ(r.message.time_s, 1533124800.0);
}

TEST(SbsParserTest, GarbageIsRefused) {
  EXPECT_EQ(BadReasonOf("hello world"), SbsBadReason::kGarbage);
  EXPECT_EQ(BadReasonOf(std::string("MSG,3\0\x01\xff", 8)), SbsBadReason::kGarbage);
  EXPECT_EQ(BadReasonOf("{\"icao24\": \"48520a\"}"), SbsBadReason::kGarbage);
}

TEST(SbsParserTest, TruncatedLineIsTooFewFields) {
  const std::string full = Msg3With(0, "MSG");
  EXPECT_EQ(BadReasonOf(full.substr(0, 40)), SbsBadReason::kTooFewFields);
  EXPECT_EQ(BadReasonOf("MSG,3"), SbsBadReason::kTooFewFields);
}

TEST(SbsParserTest, ExtraFieldsAreTooManyFields) {
  EXPECT_EQ(BadReasonOf(Msg3With(0, "MSG") + ",0"), SbsBadReason::kTooManyFields);
  EXPECT_EQ(BadReasonOf(Msg3With(0, "MSG") + std::string(40, ',')), SbsBadReason::kTooManyFields);
}

TEST(SbsParserTest, MessageTypeOutsideOneToEightIsRefused) {
  EXPECT_EQ(BadReasonOf(Msg3With(1, "9")), SbsBadReason::kBadMessageType);
  EXPECT_EQ(BadReasonOf(Msg3With(1, "0")), SbsBadReason::kBadMessageType);
  EXPECT_EQ(BadReasonOf(Msg3With(1, "")), SbsBadReason::kBadMessageType);
}

TEST(SbsParserTest, NonHexAddressIsRefused) {
  EXPECT_EQ(BadReasonOf(Msg3With(4, "48520G")), SbsBadReason::kBadAddress);
  EXPECT_EQ(BadReasonOf(Msg3With(4, "48520")), SbsBadReason::kBadAddress);
  EXPECT_EQ(BadReasonOf(Msg3With(4, "48520A0")), SbsBadReason::kBadAddress);
  EXPECT_EQ(BadReasonOf(Msg3With(4, "")), SbsBadReason::kBadAddress);
  EXPECT_EQ(BadReasonOf(Msg3With(4, "~")), SbsBadReason::kBadAddress);
}

TEST(SbsParserTest, ImpossibleValuesAreRefused) {
  EXPECT_EQ(BadReasonOf(Msg3With(14, "91")), SbsBadReason::kLatitudeOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(14, "-90.5")), SbsBadReason::kLatitudeOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(15, "180.01")), SbsBadReason::kLongitudeOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(11, "-5000")), SbsBadReason::kAltitudeOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(11, "150000")), SbsBadReason::kAltitudeOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(12, "5000")), SbsBadReason::kSpeedOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(12, "-1")), SbsBadReason::kSpeedOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(13, "361")), SbsBadReason::kTrackOutOfRange);
  EXPECT_EQ(BadReasonOf(Msg3With(16, "99999")), SbsBadReason::kVerticalRateOutOfRange);
}

TEST(SbsParserTest, BadNumbersAndCodesAreRefusedWithTheirField) {
  SbsParser parser;
  SbsParseResult r = parser.Parse(Msg3With(14, "nan"));
  EXPECT_EQ(r.reason, SbsBadReason::kBadNumber);
  EXPECT_EQ(r.field, 15);
  EXPECT_EQ(DescribeBadLine(r), "bad_number at field 15 (latitude)");
  EXPECT_EQ(BadReasonOf(Msg3With(11, "FL380")), SbsBadReason::kBadNumber);
  EXPECT_EQ(BadReasonOf(Msg3With(11, "inf")), SbsBadReason::kBadNumber);
  EXPECT_EQ(BadReasonOf(Msg3With(15, "1.2.3")), SbsBadReason::kBadNumber);
  EXPECT_EQ(BadReasonOf(Msg3With(17, "7800")), SbsBadReason::kBadSquawk);  // 8 is not an octal digit
  EXPECT_EQ(BadReasonOf(Msg3With(17, "770")), SbsBadReason::kBadSquawk);
  EXPECT_EQ(BadReasonOf(Msg3With(19, "yes")), SbsBadReason::kBadFlag);
  EXPECT_EQ(BadReasonOf(Msg3With(10, "TOOLONGCALL")), SbsBadReason::kBadCallsign);
  EXPECT_EQ(BadReasonOf(Msg3With(10, "AB-12")), SbsBadReason::kBadCallsign);
  EXPECT_EQ(BadReasonOf(Msg3With(15, "")), SbsBadReason::kHalfPosition);
  EXPECT_EQ(BadReasonOf(Msg3With(7, "25:00:00.000")), SbsBadReason::kBadTime);
  EXPECT_EQ(BadReasonOf(Msg3With(6, "2018/13/01")), SbsBadReason::kBadTime);
  EXPECT_EQ(BadReasonOf(Msg3With(6, "2018/02/29")), SbsBadReason::kBadTime);  // not a leap year
  EXPECT_EQ(BadReasonOf(Msg3With(6, "2018/04/31")), SbsBadReason::kBadTime);
  EXPECT_EQ(BadReasonOf(Msg3With({{6, ""}, {7, ""}, {8, ""}, {9, ""}})), SbsBadReason::kBadTime);
}

TEST(SbsParserTest, OverlongLineIsRefused) {
  EXPECT_EQ(BadReasonOf(Msg3With(10, "") + std::string(600, ' ')), SbsBadReason::kLineTooLong);
}

TEST(SbsParserTest, EveryReasonHasADistinctName) {
  for (size_t i = 0; i < kSbsBadReasonCount; ++i)
    for (size_t j = i + 1; j < kSbsBadReasonCount; ++j)
      EXPECT_STRNE(SbsBadReasonName(static_cast<SbsBadReason>(i)), SbsBadReasonName(static_cast<SbsBadReason>(j)));
}

}  // namespace
}  // namespace deconflict::feeds
