#include "feeds/sbs.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

#include "core/units.h"

namespace deconflict::feeds {
namespace {

constexpr int kMsgFieldCount = 22;

// Field indexes (0-based) of a MSG record.
enum : int {
  kFType = 1,
  kFHex = 4,
  kFDateGen = 6,
  kFTimeGen = 7,
  kFDateLog = 8,
  kFTimeLog = 9,
  kFCallsign = 10,
  kFAltitude = 11,
  kFGroundSpeed = 12,
  kFTrack = 13,
  kFLat = 14,
  kFLon = 15,
  kFVerticalRate = 16,
  kFSquawk = 17,
  kFAlert = 18,
  kFEmergency = 19,
  kFSpi = 20,
  kFOnGround = 21,
};

SbsParseResult Bad(SbsBadReason reason, int field_index) {
  SbsParseResult r;
  r.kind = SbsLineKind::kBad;
  r.reason = reason;
  r.field = field_index < 0 ? 0 : field_index + 1;
  return r;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;  // from_chars refuses a leading '+'
  auto [ptr, ec] = std::from_chars(first, last, *out);
  return ec == std::errc() && ptr == last && std::isfinite(*out);
}

// "-1" or "1" true, "0" false (dump1090 writes -1/0).
bool ParseFlag(std::string_view s, bool* out) {
  if (s == "0") {
    *out = false;
    return true;
  }
  if (s == "-1" || s == "1") {
    *out = true;
    return true;
  }
  return false;
}

bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return !s.empty();
}

// Days since 1970-01-01 of a proleptic Gregorian date: H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms", days_from_civil (http://howardhinnant.github.io/date_algorithms.html).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

const char* SbsBadReasonName(SbsBadReason reason) {
  switch (reason) {
    case SbsBadReason::kGarbage: return "garbage";
    case SbsBadReason::kTooFewFields: return "too_few_fields";
    case SbsBadReason::kTooManyFields: return "too_many_fields";
    case SbsBadReason::kBadMessageType: return "bad_message_type";
    case SbsBadReason::kBadAddress: return "bad_address";
    case SbsBadReason::kBadTime: return "bad_time";
    case SbsBadReason::kBadNumber: return "bad_number";
    case SbsBadReason::kBadCallsign: return "bad_callsign";
    case SbsBadReason::kBadSquawk: return "bad_squawk";
    case SbsBadReason::kBadFlag: return "bad_flag";
    case SbsBadReason::kLatitudeOutOfRange: return "latitude_out_of_range";
    case SbsBadReason::kLongitudeOutOfRange: return "longitude_out_of_range";
    case SbsBadReason::kHalfPosition: return "half_position";
    case SbsBadReason::kAltitudeOutOfRange: return "altitude_out_of_range";
    case SbsBadReason::kSpeedOutOfRange: return "speed_out_of_range";
    case SbsBadReason::kTrackOutOfRange: return "track_out_of_range";
    case SbsBadReason::kVerticalRateOutOfRange: return "vertical_rate_out_of_range";
    case SbsBadReason::kLineTooLong: return "line_too_long";
    case SbsBadReason::kCount: break;
  }
  return "unknown";
}

std::string DescribeBadLine(const SbsParseResult& r) {
  static constexpr const char* kFieldNames[kMsgFieldCount] = {
      "record",   "type",     "session",  "aircraft",     "hexident",      "flight",    "date_gen", "time_gen",
      "date_log", "time_log", "callsign", "altitude",     "ground_speed",  "track",     "latitude", "longitude",
      "vertical_rate", "squawk", "alert", "emergency", "spi", "is_on_ground"};
  std::string out = SbsBadReasonName(r.reason);
  if (r.field > 0) {
    out += " at field ";
    out += std::to_string(r.field);
    if (r.field <= kMsgFieldCount) {
      out += " (";
      out += kFieldNames[r.field - 1];
      out += ")";
    }
  }
  return out;
}

std::string FormatAddress(uint32_t address) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  if (address & kNonIcaoAddressBit) out.push_back('~');
  for (int shift = 20; shift >= 0; shift -= 4) out.push_back(kHex[(address >> shift) & 0xF]);
  return out;
}

bool SbsParser::ParseTime(std::string_view date, std::string_view time, double* out) {
  // date "YYYY/MM/DD" (dump1090 also accepts "-" separators in some forks); time "HH:MM:SS[.fff]".
  if (date.size() != 10 || time.size() < 8) return false;
  if ((date[4] != '/' && date[4] != '-') || date[7] != date[4] || time[2] != ':' || time[5] != ':') return false;
  int hour, minute, second;
  if (!ParseDigits(time.substr(0, 2), &hour) || !ParseDigits(time.substr(3, 2), &minute) ||
      !ParseDigits(time.substr(6, 2), &second))
    return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  double fraction = 0;
  if (time.size() > 8) {
    if (time[8] != '.' || time.size() == 9) return false;
    double scale = 0.1;
    for (char c : time.substr(9)) {
      if (c < '0' || c > '9') return false;
      fraction += (c - '0') * scale;
      scale *= 0.1;
    }
  }
  if (hour != cached_hour_ || std::memcmp(cached_date_, date.data(), 10) != 0) {
    int year, month, day;
    if (!ParseDigits(date.substr(0, 4), &year) || !ParseDigits(date.substr(5, 2), &month) ||
        !ParseDigits(date.substr(8, 2), &day))
      return false;
    static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1]) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return false;
    double epoch;
    if (options_.time_source == SbsTimeSource::kMessageLocal) {
      std::tm tm{};
      tm.tm_year = year - 1900;
      tm.tm_mon = month - 1;
      tm.tm_mday = day;
      tm.tm_hour = hour;
      tm.tm_isdst = -1;  // let the C library decide summer time for that hour
      const std::time_t t = std::mktime(&tm);
      if (t == static_cast<std::time_t>(-1)) return false;
      epoch = static_cast<double>(t);
    } else {
      epoch = static_cast<double>(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                                      86400 +
                                  hour * 3600);
    }
    std::memcpy(cached_date_, date.data(), 10);
    cached_hour_ = hour;
    cached_hour_epoch_ = epoch;
  }
  *out = cached_hour_epoch_ + minute * 60 + second + fraction;
  return true;
}

SbsParseResult SbsParser::Parse(std::string_view line, double arrival_s) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    SbsParseResult r;
    r.kind = SbsLineKind::kKeepAlive;
    return r;
  }
  if (line.size() > options_.max_line_bytes) return Bad(SbsBadReason::kLineTooLong, -1);

  // Split into at most kMsgFieldCount + 1 fields (the extra one detects too many fields).
  std::string_view f[kMsgFieldCount + 1];
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      if (n == kMsgFieldCount + 1) return Bad(SbsBadReason::kTooManyFields, -1);
      f[n++] = line.substr(start, i - start);
      start = i + 1;
    } else {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      if (c < 0x20 || c >= 0x7f) return Bad(SbsBadReason::kGarbage, n);
    }
  }
  if (n > kMsgFieldCount) return Bad(SbsBadReason::kTooManyFields, -1);

  const std::string_view record = f[0];
  if (record != "MSG") {
    if (record == "SEL" || record == "ID" || record == "AIR" || record == "STA" || record == "CLK") {
      SbsParseResult r;
      r.kind = SbsLineKind::kIgnored;
      return r;
    }
    return Bad(SbsBadReason::kGarbage, 0);
  }
  if (n < kMsgFieldCount) return Bad(SbsBadReason::kTooFewFields, -1);

  SbsParseResult r;
  r.kind = SbsLineKind::kMessage;
  SbsMessage& m = r.message;

  // Message type.
  if (f[kFType].size() != 1 || f[kFType][0] < '1' || f[kFType][0] > '8') return Bad(SbsBadReason::kBadMessageType, kFType);
  m.type = static_cast<uint8_t>(f[kFType][0] - '0');

  // Address.
  std::string_view hex = f[kFHex];
  uint32_t address = 0;
  if (!hex.empty() && hex[0] == '~') {
    address = kNonIcaoAddressBit;
    hex.remove_prefix(1);
  }
  if (hex.size() != 6) return Bad(SbsBadReason::kBadAddress, kFHex);
  for (char c : hex) {
    const int d = HexDigit(c);
    if (d < 0) return Bad(SbsBadReason::kBadAddress, kFHex);
    address = (address & kNonIcaoAddressBit) | ((address << 4) & 0xFFFFFF) | static_cast<uint32_t>(d);
  }
  m.address = address;

  // Time.
  if (options_.time_source == SbsTimeSource::kArrival) {
    m.time_s = arrival_s;
  } else {
    const bool gen_empty = f[kFDateGen].empty() && f[kFTimeGen].empty();
    if (!ParseTime(gen_empty ? f[kFDateLog] : f[kFDateGen], gen_empty ? f[kFTimeLog] : f[kFTimeGen], &m.time_s))
      return Bad(SbsBadReason::kBadTime, gen_empty ? kFTimeLog : kFTimeGen);
  }

  // Callsign: up to 8 characters of the ICAO alphabet; dump1090 pads with spaces.
  std::string_view cs = f[kFCallsign];
  while (!cs.empty() && cs.back() == ' ') cs.remove_suffix(1);
  if (!cs.empty()) {
    if (cs.size() > 8) return Bad(SbsBadReason::kBadCallsign, kFCallsign);
    for (char c : cs)
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || (c >= 'a' && c <= 'z')))
        return Bad(SbsBadReason::kBadCallsign, kFCallsign);
    for (size_t i = 0; i < cs.size(); ++i)
      m.callsign[i] = (cs[i] >= 'a' && cs[i] <= 'z') ? static_cast<char>(cs[i] - 'a' + 'A') : cs[i];
    m.callsign[cs.size()] = '\0';
    m.present |= kHasCallsign;
  }

  // Altitude, feet, optional 'H' suffix for GNSS height.
  std::string_view alt = f[kFAltitude];
  if (!alt.empty()) {
    if (alt.back() == 'H') {
      m.alt_is_gnss = true;
      alt.remove_suffix(1);
    }
    double ft;
    if (!ParseDouble(alt, &ft)) return Bad(SbsBadReason::kBadNumber, kFAltitude);
    if (ft < options_.min_altitude_ft || ft > options_.max_altitude_ft)
      return Bad(SbsBadReason::kAltitudeOutOfRange, kFAltitude);
    m.alt_m = units::FeetToMeters(ft);
    m.present |= kHasAltitude;
  }

  if (!f[kFGroundSpeed].empty()) {
    double kt;
    if (!ParseDouble(f[kFGroundSpeed], &kt)) return Bad(SbsBadReason::kBadNumber, kFGroundSpeed);
    if (kt < 0 || kt > options_.max_ground_speed_kt) return Bad(SbsBadReason::kSpeedOutOfRange, kFGroundSpeed);
    m.gs_mps = units::KnotsToMps(kt);
    m.present |= kHasGroundSpeed;
  }

  if (!f[kFTrack].empty()) {
    if (!ParseDouble(f[kFTrack], &m.trk_deg)) return Bad(SbsBadReason::kBadNumber, kFTrack);
    if (m.trk_deg < 0 || m.trk_deg > 360) return Bad(SbsBadReason::kTrackOutOfRange, kFTrack);
    m.present |= kHasTrack;
  }

  const bool has_lat = !f[kFLat].empty();
  const bool has_lon = !f[kFLon].empty();
  if (has_lat != has_lon) return Bad(SbsBadReason::kHalfPosition, has_lat ? kFLon : kFLat);
  if (has_lat) {
    if (!ParseDouble(f[kFLat], &m.lat_deg)) return Bad(SbsBadReason::kBadNumber, kFLat);
    if (m.lat_deg < -90 || m.lat_deg > 90) return Bad(SbsBadReason::kLatitudeOutOfRange, kFLat);
    if (!ParseDouble(f[kFLon], &m.lon_deg)) return Bad(SbsBadReason::kBadNumber, kFLon);
    if (m.lon_deg < -180 || m.lon_deg > 180) return Bad(SbsBadReason::kLongitudeOutOfRange, kFLon);
    m.present |= kHasPosition;
  }

  if (!f[kFVerticalRate].empty()) {
    double fpm;
    if (!ParseDouble(f[kFVerticalRate], &fpm)) return Bad(SbsBadReason::kBadNumber, kFVerticalRate);
    if (std::fabs(fpm) > options_.max_vertical_rate_fpm)
      return Bad(SbsBadReason::kVerticalRateOutOfRange, kFVerticalRate);
    m.vs_mps = units::FpmToMps(fpm);
    m.present |= kHasVerticalRate;
  }

  const std::string_view sq = f[kFSquawk];
  if (!sq.empty()) {
    if (sq.size() != 4) return Bad(SbsBadReason::kBadSquawk, kFSquawk);
    int v = 0;
    for (char c : sq) {
      if (c < '0' || c > '7') return Bad(SbsBadReason::kBadSquawk, kFSquawk);
      v = v * 10 + (c - '0');
    }
    m.squawk = static_cast<uint16_t>(v);
    m.present |= kHasSquawk;
  }

  struct FlagField {
    int index;
    bool* value;
    SbsField bit;
  };
  const FlagField flags[] = {{kFAlert, &m.alert, kHasAlert},
                             {kFEmergency, &m.emergency, kHasEmergency},
                             {kFSpi, &m.spi, kHasSpi},
                             {kFOnGround, &m.on_ground, kHasOnGround}};
  for (const FlagField& flag : flags) {
    if (f[flag.index].empty()) continue;
    if (!ParseFlag(f[flag.index], flag.value)) return Bad(SbsBadReason::kBadFlag, flag.index);
    m.present |= flag.bit;
  }
  return r;
}

}  // namespace deconflict::feeds
