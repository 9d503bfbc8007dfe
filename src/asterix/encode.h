// Writing ASTERIX: records (FSPEC + items in FRN order), data blocks, and the CAT021 / CAT062 / CAT004
// records deconflict produces. Values are rounded to the nearest LSB of the item (uap.h lists the editions);
// a value outside an item's range is clamped to it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "asterix/uap.h"
#include "core/track.h"

namespace deconflict::asterix {

// One record being built. Items must be added in increasing FRN order, each once.
class RecordWriter {
 public:
  // Appends item `frn`'s octets. REQUIRES: frn > every FRN added before, frn <= 56.
  void Add(int frn, const std::vector<uint8_t>& octets);
  // FSPEC followed by the items.
  std::vector<uint8_t> Finish() const;
  bool empty() const { return fspec_bits_.empty(); }

 private:
  std::vector<int> fspec_bits_;
  std::vector<uint8_t> items_;
};

// A data block: CAT, LEN, records. Blocks hold at most 65535 octets: Add returns false when the record does not
// fit (start another block).
class BlockWriter {
 public:
  explicit BlockWriter(uint8_t category) : category_(category) {}
  bool Add(const std::vector<uint8_t>& record);
  std::vector<uint8_t> Finish() const;
  size_t records() const { return records_; }
  size_t size() const { return 3 + body_.size(); }

 private:
  uint8_t category_;
  std::vector<uint8_t> body_;
  size_t records_ = 0;
};

// Big-endian octets of the low `n` octets of `v` (two's complement for negatives).
void PutBytes(std::vector<uint8_t>* out, int64_t v, int n);
// round(value / lsb), clamped to what `bits` bits hold (signed or not).
int64_t Quantise(double value, double lsb, int bits, bool is_signed);
// 8 characters of 6 bits (IA-5 subset: A-Z, 0-9, space) in 6 octets; other characters become spaces.
std::vector<uint8_t> Callsign6(const std::string& callsign);
// A Mode 3/A code given as its octal digits read in decimal (7700) -> 12 bits.
uint16_t Mode3AOf(uint16_t squawk);

// One aircraft report to encode as CAT021 or CAT062, SI units.
struct TrackReport {
  uint8_t sac = 0, sic = 0;
  uint32_t address = 0;          // ICAO 24-bit address (I021/080, I062/380 ADR)
  uint16_t track_number = 0;     // I021/161 (12 bits), I062/040
  double tod_s = 0;              // time of day, UTC seconds since midnight
  double lat_deg = 0, lon_deg = 0;
  bool has_altitude = true;
  double alt_m = 0;              // barometric (pressure) altitude: I021/145, I062/135 and I062/136
  bool has_velocity = true;
  double gs_mps = 0, trk_deg = 0;
  bool has_vertical_rate = true;
  double vs_mps = 0;
  std::string callsign;          // empty = no I021/170 / I062/245
  bool has_squawk = false;
  uint16_t squawk = 0;           // octal digits read in decimal: 7700
  uint8_t priority_status = 0;   // I021/200 PS / I062/080 EMS: 0 none, 1 general emergency, 4 no comms, 5 unlawful
  bool on_ground = false;        // I021/040 GBS, I062/080 SFC (1.18)
  bool track_end = false;        // I062/080 TSE
};

// The report of a track: its id as the 24-bit address when it is 6 hex digits ("4b1806"; else 0), time of
// day from time_s (UNIX seconds, UTC), position, altitude, velocity, vertical rate, callsign, on_ground. The
// caller sets squawk, track number and status.
TrackReport ReportOf(const TrackState& state, uint8_t sac, uint8_t sic);

// The record of `report` in CAT021 of `edition` (2.4 or 2.6): I021/010, 040, 161, 071, 130 or 131 (high_res),
// 080, 070, 145, 200, 155, 160, 170 as present.
std::vector<uint8_t> EncodeCat021(const TrackReport& report, Edition edition, bool high_res = true);
// The record of `report` in CAT062 of `edition` (0.17, 1.17, 1.18): I062/010, 015, 070, 105, 185 (0.17: 180),
// 060, 245, 380 ADR (and ID in 0.17), 040, 080, 136, 135, 220 as present.
std::vector<uint8_t> EncodeCat062(const TrackReport& report, Edition edition);

}  // namespace deconflict::asterix
