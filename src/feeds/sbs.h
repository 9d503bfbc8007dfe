// SBS-1 / BaseStation text lines, as dump1090, dump1090-mutability and readsb publish them on TCP port
// 30003: one comma-separated record per line (CRLF or LF), 22 fields for MSG records.
//
//   MSG,type,session,aircraft,HEXIDENT,flight,date_gen,time_gen,date_log,time_log,
//   callsign,altitude,ground_speed,track,lat,lon,vertical_rate,squawk,alert,emergency,spi,is_on_ground
//
// Field semantics follow the Kinetic BaseStation "Port 30003" description as implemented by dump1090
// (net_io.c, modesSendSBSOutput): altitude in feet (an "H" suffix marks GNSS height when --gnss is set),
// ground speed in knots, track in degrees from true north, vertical rate in ft/min, squawk as 4 octal
// digits, flags as "-1" (true) or "0" (false). An empty line is the keep-alive dump1090 sends every 60 s.
//
// The parser is pure (no I/O, no logging, no allocation on the hot path) and converts to SI at this edge.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace deconflict::feeds {

// Why a line was refused. Every bad line is counted by reason and never applied.
enum class SbsBadReason : uint8_t {
  kGarbage = 0,          // not an SBS record (unknown record type, control bytes, binary)
  kTooFewFields,         // truncated: fewer than 22 fields
  kTooManyFields,        // more than 22 fields
  kBadMessageType,       // MSG type not in 1..8
  kBadAddress,           // HEXIDENT is not 6 hex digits (optionally prefixed by '~' for non-ICAO)
  kBadTime,              // date/time fields unparsable (only checked when message time is used)
  kBadNumber,            // a numeric field is not a number
  kBadCallsign,          // callsign longer than 8 or outside A-Z 0-9 space (lower case is upper-cased)
  kBadSquawk,            // squawk is not 4 octal digits
  kBadFlag,              // a flag field is not -1, 0 or 1
  kLatitudeOutOfRange,   // |lat| > 90
  kLongitudeOutOfRange,  // |lon| > 180
  kHalfPosition,         // latitude without longitude or the reverse
  kAltitudeOutOfRange,   // outside [min_altitude_ft, max_altitude_ft]
  kSpeedOutOfRange,      // ground speed outside [0, max_ground_speed_kt]
  kTrackOutOfRange,      // track outside [0, 360]
  kVerticalRateOutOfRange,  // |vertical rate| > max_vertical_rate_fpm
  kLineTooLong,          // longer than SbsParseOptions::max_line_bytes (set by line readers)
  kCount
};
inline constexpr size_t kSbsBadReasonCount = static_cast<size_t>(SbsBadReason::kCount);

// Stable snake_case name, e.g. "too_few_fields"; used in logs, stats and docs.
const char* SbsBadReasonName(SbsBadReason reason);

// Which time an update carries.
enum class SbsTimeSource : uint8_t {
  kMessageUtc,    // the "generated" date/time fields read as UTC (files written in UTC, e.g. the shared hour)
  kMessageLocal,  // the same fields read as the local time of this process (dump1090 writes local time)
  kArrival,       // the caller's clock (SbsParser::Parse's arrival_s); date/time fields are not read
};

struct SbsParseOptions {
  SbsTimeSource time_source = SbsTimeSource::kMessageUtc;
  // Physical limits; a value outside is refused as impossible (counted, not applied).
  double min_altitude_ft = -2000;       // below the Dead Sea shore with a high QNH margin
  double max_altitude_ft = 100000;      // above any aircraft that transmits ADS-B
  double max_ground_speed_kt = 2500;    // above any aircraft that transmits ADS-B
  double max_vertical_rate_fpm = 40000; // DO-260B encodes at most ±32,608 ft/min
  size_t max_line_bytes = 512;          // a 22-field record is < 200 bytes
};

// Presence bits of SbsMessage fields.
enum SbsField : uint16_t {
  kHasCallsign = 1 << 0,
  kHasAltitude = 1 << 1,
  kHasGroundSpeed = 1 << 2,
  kHasTrack = 1 << 3,
  kHasPosition = 1 << 4,  // latitude and longitude, always together
  kHasVerticalRate = 1 << 5,
  kHasSquawk = 1 << 6,
  kHasAlert = 1 << 7,
  kHasEmergency = 1 << 8,
  kHasSpi = 1 << 9,
  kHasOnGround = 1 << 10,
};

// Bit set in SbsMessage::address for a non-ICAO address (written "~XXXXXX" by dump1090 for TIS-B/anonymous).
inline constexpr uint32_t kNonIcaoAddressBit = 1u << 24;

// One MSG record in SI units. Only fields whose bit is set in `present` are meaningful.
struct SbsMessage {
  uint8_t type = 0;         // 1..8 (1 identification, 2 surface position, 3 airborne position, 4 velocity,
                            //       5 surveillance altitude, 6 surveillance id/squawk, 7 air-to-air, 8 all-call)
  uint32_t address = 0;     // ICAO 24-bit address, | kNonIcaoAddressBit for "~" addresses
  uint16_t present = 0;     // SbsField bits
  double time_s = 0;        // UNIX seconds (see SbsTimeSource)
  std::array<char, 9> callsign{};  // NUL-terminated, trailing spaces removed
  double alt_m = 0;         // barometric altitude (or GNSS height when alt_is_gnss)
  bool alt_is_gnss = false;
  double gs_mps = 0;        // ground speed, >= 0
  double trk_deg = 0;       // true track, [0, 360]
  double lat_deg = 0;       // [-90, 90]
  double lon_deg = 0;       // [-180, 180]
  double vs_mps = 0;        // vertical rate, positive up
  uint16_t squawk = 0;      // Mode A code as its 4 octal digits read in decimal: 7700 means squawk 7700
  bool alert = false;       // squawk changed
  bool emergency = false;   // emergency flag
  bool spi = false;         // ident
  bool on_ground = false;

  bool has(SbsField f) const { return (present & f) != 0; }
  std::string_view callsign_view() const { return std::string_view(callsign.data()); }
};

enum class SbsLineKind : uint8_t {
  kMessage,    // a valid MSG record: SbsParseResult::message
  kKeepAlive,  // an empty line (dump1090's heartbeat)
  kIgnored,    // a valid BaseStation record that carries no track data (SEL, ID, AIR, STA, CLK)
  kBad,        // refused: SbsParseResult::reason and ::field
};

struct SbsParseResult {
  SbsLineKind kind = SbsLineKind::kBad;
  SbsMessage message;                             // when kind == kMessage
  SbsBadReason reason = SbsBadReason::kGarbage;   // when kind == kBad
  int field = 0;                                  // 1-based field number of the fault, 0 = whole line
};

// "ADDRESS field 5: bad_address" style description of a refused line (for logs and errors).
std::string DescribeBadLine(const SbsParseResult& r);

// Formats an address as dump1090 does, lower case: "48520a", "~48520a".
std::string FormatAddress(uint32_t address);

// Parses SBS lines. Keeps a small cache of date/hour -> epoch conversions, so one parser per input stream.
// Not safe for concurrent use; cheap to copy.
class SbsParser {
 public:
  explicit SbsParser(SbsParseOptions options = {}) : options_(options) {}

  // Parses one line without its terminator (a trailing '\r' is accepted and dropped).
  // `arrival_s` is used as the time when options.time_source == kArrival.
  // Never throws; any byte sequence is accepted as input.
  SbsParseResult Parse(std::string_view line, double arrival_s = 0);

  const SbsParseOptions& options() const { return options_; }

 private:
  bool ParseTime(std::string_view date, std::string_view time, double* out);

  SbsParseOptions options_;
  // Cache: "YYYY/MM/DD" + hour -> UNIX seconds at the start of that hour.
  char cached_date_[10] = {};
  int cached_hour_ = -1;
  double cached_hour_epoch_ = 0;
};

}  // namespace deconflict::feeds
