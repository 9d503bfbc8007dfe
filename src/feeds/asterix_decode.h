// ASTERIX CAT021 (ADS-B target reports) and CAT062 (SDPS system tracks) records decoded into the feed's
// surveillance message (SbsMessage, SI units: the same type the SBS parser gives the track assembler, so
// that both sources make tracks and declare distress the same way).
//
// What is read (item names as the specifications, see asterix/uap.h for editions and sources):
//   identity  CAT021: I021/080 target address (I021/040 ATP ≠ 0: a non-ICAO address, `~` id); without it,
//             I021/161 track number. CAT062: I062/380 ADR (target address); without it, I062/040 track
//             number. A track-number identity is kNonIcaoAddressBit | SIC << 16 | number ("~" + 6 hex).
//   time      CAT021: I021/071, else I021/073, I021/075, I021/077. CAT062: I062/070. Time of day (LSB 1/128 s)
//             made a UNIX time by UnixTimeNear (the caller's reference: arrival clock or file date).
//   position  I021/131 (LSB 180/2^30°), else I021/130 (180/2^23°); I062/105 (1.x: 180/2^25°, 0.17: 180/2^23°).
//   altitude  I021/145 flight level (1/4 FL), else I021/140 geometric height (6.25 ft, GNSS);
//             I062/135 (1/4 FL), else I062/136 (1/4 FL), else I062/130 (6.25 ft, geometric).
//   velocity  I021/160 (GS 2^-14 NM/s, TA 360/2^16°); I062/185 (Vx, Vy 0.25 m/s), 0.17: I062/180
//             (2^-14 NM/s, 360/2^16°). Vertical rate I021/155, else I021/157; I062/220 (6.25 ft/min).
//   callsign  I021/170; I062/245, else I062/380 ID (8 IA-5 characters of 6 bits).
//   squawk    I021/070; I062/060 (not when garbled).
//   emergency I021/200 PS ≠ 0 or ME; I062/080 ME, or EMS ≠ 0 (1.x). Squawk 7500/7600/7700 as in SBS.
//   ground    I021/040 GBS; I062/080 SFC (1.18).
//   end       I062/080 TSE: the track ends (TrackAssembler::End).
// Values outside the SBS parser's physical limits (SbsParseOptions) are refused as kBadValue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "asterix/record.h"
#include "core/status.h"
#include "feeds/sbs.h"

namespace deconflict::feeds {

// Which edition each source sends: a default per category, and overrides per SAC/SIC.
struct AsterixEditions {
  asterix::Edition cat021 = asterix::Edition::kCat021v2_6;
  asterix::Edition cat062 = asterix::Edition::kCat062v1_18;
  // (SAC << 8 | SIC) << 8 | category -> edition
  std::unordered_map<uint32_t, asterix::Edition> per_source;

  asterix::Edition For(uint8_t category, int source) const;
  // Applies "CAT=EDITION" (a default: "21=2.4", "062=0.17") or "SAC/SIC:CAT=EDITION" ("25/100:62=0.17").
  // Errors name the spec and what is wrong.
  Status Add(std::string_view spec);
};

// The UNIX time of time-of-day `tod_s` (seconds since UTC midnight) nearest to `reference_s`: the date comes
// from the reference, and a time of day just after midnight with a reference just before it (or the reverse)
// lands on the right side of midnight. Exact for |true time − reference| < 12 h.
double UnixTimeNear(double tod_s, double reference_s);

struct AsterixReport {
  SbsMessage message;      // address, time and what the record carried (presence bits)
  int source = -1;         // SAC << 8 | SIC; -1 when the record has no I0xx/010
  double tod_s = 0;        // the record's time of day
  bool track_end = false;  // CAT062 I062/080 TSE
};

struct AsterixDecodeOptions {
  AsterixEditions editions;
  SbsParseOptions limits;  // physical limits (altitude, speed, vertical rate); time_source is not used
};

// Decodes the record at the start of `data` (the rest of a block of `category`, 21 or 62). On success,
// `*consumed` is the record's size and `reference_s` has made the time of day a UNIX time. On failure,
// `*consumed` is 0 when the record's end could not be found (the rest of the block is lost) and its size
// otherwise (a bad value: the next record can still be read).
bool DecodeAsterixRecord(const AsterixDecodeOptions& options, uint8_t category, asterix::Bytes data,
                         double reference_s, AsterixReport* out, size_t* consumed, asterix::RecordError* error);

}  // namespace deconflict::feeds
