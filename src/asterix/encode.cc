#include "asterix/encode.h"

#include <algorithm>
#include <cmath>

#include "core/units.h"

namespace deconflict::asterix {

void RecordWriter::Add(int frn, const std::vector<uint8_t>& octets) {
  fspec_bits_.push_back(frn);
  items_.insert(items_.end(), octets.begin(), octets.end());
}

std::vector<uint8_t> RecordWriter::Finish() const {
  const int last = fspec_bits_.empty() ? 1 : fspec_bits_.back();
  const size_t octets = static_cast<size_t>((last + 6) / 7);
  std::vector<uint8_t> out(octets, 0);
  for (int frn : fspec_bits_) out[static_cast<size_t>((frn - 1) / 7)] |= static_cast<uint8_t>(0x80 >> ((frn - 1) % 7));
  for (size_t i = 0; i + 1 < octets; ++i) out[i] |= 1;  // FX
  out.insert(out.end(), items_.begin(), items_.end());
  return out;
}

bool BlockWriter::Add(const std::vector<uint8_t>& record) {
  if (size() + record.size() > 0xFFFF) return false;
  body_.insert(body_.end(), record.begin(), record.end());
  ++records_;
  return true;
}

std::vector<uint8_t> BlockWriter::Finish() const {
  std::vector<uint8_t> out;
  out.reserve(size());
  out.push_back(category_);
  PutBytes(&out, static_cast<int64_t>(size()), 2);
  out.insert(out.end(), body_.begin(), body_.end());
  return out;
}

void PutBytes(std::vector<uint8_t>* out, int64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
}

int64_t Quantise(double value, double lsb, int bits, bool is_signed) {
  const double q = std::round(value / lsb);
  const double hi = is_signed ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  const double lo = is_signed ? -std::ldexp(1.0, bits - 1) : 0;
  if (!(q == q)) return 0;
  return static_cast<int64_t>(std::clamp(q, lo, hi));
}

std::vector<uint8_t> Callsign6(const std::string& callsign) {
  uint64_t bits = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = i < callsign.size() ? callsign[i] : ' ';
    unsigned code = 32;
    if (c >= 'A' && c <= 'Z') code = static_cast<unsigned>(c - 'A' + 1);
    else if (c >= 'a' && c <= 'z') code = static_cast<unsigned>(c - 'a' + 1);
    else if (c >= '0' && c <= '9') code = static_cast<unsigned>(c);
    bits = (bits << 6) | code;
  }
  std::vector<uint8_t> out;
  PutBytes(&out, static_cast<int64_t>(bits), 6);
  return out;
}

uint16_t Mode3AOf(uint16_t squawk) {
  return static_cast<uint16_t>(((squawk / 1000) % 8) << 9 | ((squawk / 100) % 10 % 8) << 6 |
                               ((squawk / 10) % 10 % 8) << 3 | (squawk % 10 % 8));
}

namespace {

constexpr double kTimeLsbS = 1.0 / 128;
constexpr double kNmPerSecondLsb = 1.0 / (1 << 14);
constexpr double kAngleLsbDeg = 360.0 / 65536;
constexpr double kQuarterFlFt = 25;
constexpr double kRateLsbFpm = 6.25;
constexpr double kVelocityLsbMps = 0.25;

std::vector<uint8_t> Octets(int64_t v, int n) {
  std::vector<uint8_t> out;
  PutBytes(&out, v, n);
  return out;
}
std::vector<uint8_t> TimeOfDay(double tod_s) { return Octets(Quantise(tod_s, kTimeLsbS, 24, false), 3); }
std::vector<uint8_t> LatLon(double lat, double lon, double lsb, int octets) {
  std::vector<uint8_t> out;
  PutBytes(&out, Quantise(lat, lsb, 8 * octets, true), octets);
  // Longitude 180° is -180°: wrap into [-180, 180) before quantising so that it stays in range.
  double l = std::fmod(lon + 180.0, 360.0);
  if (l < 0) l += 360;
  PutBytes(&out, Quantise(l - 180.0, lsb, 8 * octets, true), octets);
  return out;
}
std::vector<uint8_t> FlightLevelQuarters(double alt_m, int bits) {
  return Octets(Quantise(units::MetersToFeet(alt_m), kQuarterFlFt, bits, true), 2);
}
// I062/135: QNH bit 0 (no correction), 15-bit two's complement in 1/4 FL.
std::vector<uint8_t> Baro135(double alt_m) {
  return Octets(Quantise(units::MetersToFeet(alt_m), kQuarterFlFt, 15, true) & 0x7FFF, 2);
}
std::vector<uint8_t> GroundVector(double gs_mps, double trk_deg) {
  std::vector<uint8_t> out;
  PutBytes(&out, Quantise(units::MetersToNauticalMiles(gs_mps), kNmPerSecondLsb, 15, false), 2);
  double t = std::fmod(trk_deg, 360.0);
  if (t < 0) t += 360;
  PutBytes(&out, Quantise(t, kAngleLsbDeg, 16, false) & 0xFFFF, 2);
  return out;
}

}  // namespace

TrackReport ReportOf(const TrackState& s, uint8_t sac, uint8_t sic) {
  TrackReport r;
  r.sac = sac;
  r.sic = sic;
  uint32_t address = 0;
  bool hex = s.id.size() == 6;
  for (char c : s.id) {
    const int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) hex = false;
    address = (address << 4) | static_cast<uint32_t>(v & 0xF);
  }
  r.address = hex ? address : 0;
  constexpr double kSecondsPerDay = 86400;
  r.tod_s = std::fmod(s.time_s, kSecondsPerDay);
  if (r.tod_s < 0) r.tod_s += kSecondsPerDay;
  r.lat_deg = s.lat_deg;
  r.lon_deg = s.lon_deg;
  r.alt_m = s.alt_m;
  r.gs_mps = s.gs_mps;
  r.trk_deg = s.trk_deg;
  r.vs_mps = s.vs_mps;
  r.callsign = s.callsign;
  r.on_ground = s.on_ground;
  return r;
}

std::vector<uint8_t> EncodeCat021(const TrackReport& r, Edition edition, bool high_res) {
  (void)edition;  // 2.4 and 2.6 share the items written here
  RecordWriter w;
  w.Add(1, {r.sac, r.sic});                                                          // I021/010
  w.Add(2, {0x01, static_cast<uint8_t>(r.on_ground ? 0x40 : 0x00)});                 // I021/040 ATP=0, GBS
  w.Add(3, Octets(r.track_number & 0xFFF, 2));                                       // I021/161
  w.Add(5, TimeOfDay(r.tod_s));                                                      // I021/071
  if (high_res) w.Add(7, LatLon(r.lat_deg, r.lon_deg, 180.0 / (1 << 30), 4));       // I021/131
  else w.Add(6, LatLon(r.lat_deg, r.lon_deg, 180.0 / (1 << 23), 3));                 // I021/130
  w.Add(11, Octets(r.address & 0xFFFFFF, 3));                                        // I021/080
  if (r.has_squawk) w.Add(19, Octets(Mode3AOf(r.squawk), 2));                        // I021/070
  if (r.has_altitude) w.Add(21, FlightLevelQuarters(r.alt_m, 16));                   // I021/145
  w.Add(23, {static_cast<uint8_t>((r.priority_status & 7) << 2)});                   // I021/200 PS
  if (r.has_vertical_rate)                                                           // I021/155
    w.Add(24, Octets(Quantise(units::MpsToFpm(r.vs_mps), kRateLsbFpm, 15, true) & 0x7FFF, 2));
  if (r.has_velocity) w.Add(26, GroundVector(r.gs_mps, r.trk_deg));                  // I021/160
  if (!r.callsign.empty()) w.Add(29, Callsign6(r.callsign));                         // I021/170
  return w.Finish();
}

std::vector<uint8_t> EncodeCat062(const TrackReport& r, Edition edition) {
  RecordWriter w;
  const bool v0 = edition == Edition::kCat062v0_17;
  // I062/080: MON=0 SRC=0 CNF=0 | SIM TSE TSB .. | ME .. | CST .. | SDS EMS .. | .. SFC ..
  std::vector<uint8_t> status = {0x01, static_cast<uint8_t>(r.track_end ? 0x40 : 0x00)};
  if (!v0) {
    status[1] |= 1;
    status.insert(status.end(), {0x01, 0x01, static_cast<uint8_t>((r.priority_status & 7) << 3)});
    if (edition == Edition::kCat062v1_18) {
      status.back() |= 1;
      status.push_back(r.on_ground ? 0x10 : 0x00);
    }
  }
  if (v0) {
    w.Add(1, {r.sac, r.sic});                                                        // I062/010
    w.Add(2, {0});                                                                   // I062/015
    w.Add(3, TimeOfDay(r.tod_s));                                                    // I062/070
    w.Add(4, Octets(r.track_number, 2));                                             // I062/040
    w.Add(5, LatLon(r.lat_deg, r.lon_deg, 180.0 / (1 << 23), 3));                    // I062/105
    if (r.has_squawk) w.Add(7, Octets(Mode3AOf(r.squawk), 2));                       // I062/060
    if (r.has_altitude) w.Add(9, Baro135(r.alt_m));                                  // I062/135
    if (r.has_altitude) w.Add(10, FlightLevelQuarters(r.alt_m, 16));                 // I062/136
    if (r.has_velocity) w.Add(11, GroundVector(r.gs_mps, r.trk_deg));                // I062/180
    if (r.has_vertical_rate) w.Add(13, Octets(Quantise(units::MpsToFpm(r.vs_mps), kRateLsbFpm, 16, true), 2));
    w.Add(16, status);                                                               // I062/080
    std::vector<uint8_t> i380 = {static_cast<uint8_t>(r.callsign.empty() ? 0x40 : 0x60)};  // ADR (, ID)
    PutBytes(&i380, r.address & 0xFFFFFF, 3);
    if (!r.callsign.empty()) for (uint8_t b : Callsign6(r.callsign)) i380.push_back(b);
    w.Add(19, i380);                                                                 // I062/380
    return w.Finish();
  }
  w.Add(1, {r.sac, r.sic});                                                          // I062/010
  w.Add(3, {0});                                                                     // I062/015
  w.Add(4, TimeOfDay(r.tod_s));                                                      // I062/070
  w.Add(5, LatLon(r.lat_deg, r.lon_deg, 180.0 / (1 << 25), 4));                      // I062/105
  if (r.has_velocity) {                                                              // I062/185
    const double t = r.trk_deg * units::kDegToRad;
    std::vector<uint8_t> v;
    PutBytes(&v, Quantise(r.gs_mps * std::sin(t), kVelocityLsbMps, 16, true), 2);
    PutBytes(&v, Quantise(r.gs_mps * std::cos(t), kVelocityLsbMps, 16, true), 2);
    w.Add(7, v);
  }
  if (r.has_squawk) w.Add(9, Octets(Mode3AOf(r.squawk), 2));                         // I062/060
  if (!r.callsign.empty()) {                                                         // I062/245 STI=0
    std::vector<uint8_t> id = {0};
    for (uint8_t b : Callsign6(r.callsign)) id.push_back(b);
    w.Add(10, id);
  }
  std::vector<uint8_t> i380 = {0x80};                                                // I062/380 ADR
  PutBytes(&i380, r.address & 0xFFFFFF, 3);
  w.Add(11, i380);
  w.Add(12, Octets(r.track_number, 2));                                              // I062/040
  w.Add(13, status);                                                                 // I062/080
  if (r.has_altitude) w.Add(17, FlightLevelQuarters(r.alt_m, 16));                   // I062/136
  if (r.has_altitude) w.Add(19, Baro135(r.alt_m));                                   // I062/135
  if (r.has_vertical_rate) w.Add(20, Octets(Quantise(units::MpsToFpm(r.vs_mps), kRateLsbFpm, 16, true), 2));
  return w.Finish();
}

}  // namespace deconflict::asterix
