#include "feeds/asterix_decode.h"

#include <cmath>
#include <cstdlib>

#include "core/units.h"

namespace deconflict::feeds {

using asterix::Bytes;
using asterix::Edition;
using asterix::ReadSigned;
using asterix::ReadUnsigned;

namespace {

constexpr double kSecondsPerDay = 86400;
constexpr double kTimeLsbS = 1.0 / 128;                    // I021/071..077, I062/070
constexpr double kLat23 = 180.0 / (1 << 23);               // I021/130, I062/105 (0.17)
constexpr double kLat25 = 180.0 / (1 << 25);               // I062/105 (1.x)
constexpr double kLat30 = 180.0 / (1 << 30);               // I021/131
constexpr double kNmPerSecondLsb = 1.0 / (1 << 14);        // I021/160 GS, I062/180 speed
constexpr double kAngleLsbDeg = 360.0 / 65536;             // I021/160 TA, I062/180 heading
constexpr double kQuarterFlFt = 25;                        // I021/145, I062/135, I062/136
constexpr double kGeometricLsbFt = 6.25;                   // I021/140, I062/130
constexpr double kRateLsbFpm = 6.25;                       // I021/155, I021/157, I062/220
constexpr double kVelocityLsbMps = 0.25;                   // I062/185

bool Fail(asterix::RecordError* e, asterix::BadReason reason, const char* item, int frn) {
  e->reason = reason;
  e->item = item;
  e->frn = frn;
  return false;
}

// 12-bit Mode 3/A code -> its four octal digits read in decimal (7700 means squawk 7700).
uint16_t SquawkOf(uint64_t code12) {
  return static_cast<uint16_t>(((code12 >> 9) & 7) * 1000 + ((code12 >> 6) & 7) * 100 + ((code12 >> 3) & 7) * 10 +
                               (code12 & 7));
}

// 8 characters of 6 bits (ICAO Annex 10 Vol IV, IA-5 subset) in 6 octets. False on a character outside the
// subset. Trailing spaces removed; all spaces = no callsign (*present false).
bool CallsignOf(const uint8_t* p, SbsMessage* m) {
  const uint64_t bits = ReadUnsigned(p, 6);
  char text[9] = {};
  for (int i = 0; i < 8; ++i) {
    const unsigned c = static_cast<unsigned>((bits >> (42 - 6 * i)) & 0x3F);
    if (c >= 1 && c <= 26) text[i] = static_cast<char>('A' + c - 1);
    else if (c == 32) text[i] = ' ';
    else if (c >= 48 && c <= 57) text[i] = static_cast<char>(c);
    else return false;
  }
  int n = 8;
  while (n > 0 && text[n - 1] == ' ') --n;
  if (n == 0) return true;
  for (int i = 0; i < n; ++i) m->callsign[static_cast<size_t>(i)] = text[i];
  m->callsign[static_cast<size_t>(n)] = '\0';
  m->present |= kHasCallsign;
  return true;
}

// Applies the physical limits shared with the SBS parser; false names nothing (the caller names the item).
bool WithinLimits(const SbsParseOptions& lim, const SbsMessage& m, const char** item) {
  if (m.has(kHasPosition) && (std::fabs(m.lat_deg) > 90 || std::fabs(m.lon_deg) > 180)) return *item = "position", false;
  if (m.has(kHasAltitude)) {
    const double ft = units::MetersToFeet(m.alt_m);
    if (ft < lim.min_altitude_ft || ft > lim.max_altitude_ft) return *item = "altitude", false;
  }
  if (m.has(kHasGroundSpeed) && units::MpsToKnots(m.gs_mps) > lim.max_ground_speed_kt)
    return *item = "ground speed", false;
  if (m.has(kHasVerticalRate) && std::fabs(units::MpsToFpm(m.vs_mps)) > lim.max_vertical_rate_fpm)
    return *item = "vertical rate", false;
  return true;
}

void SetTime(double tod_s, double reference_s, AsterixReport* out) {
  out->tod_s = tod_s;
  out->message.time_s = UnixTimeNear(tod_s, reference_s);
}

bool Decode021(const asterix::Record& r, double reference_s, AsterixReport* out, asterix::RecordError* e) {
  SbsMessage& m = out->message;
  const int time_frns[] = {5, 12, 14, 28};  // I021/071, /073, /075, /077
  const int* time_frn = nullptr;
  for (const int& f : time_frns)
    if (r.has(f)) { time_frn = &f; break; }
  if (time_frn == nullptr) return Fail(e, asterix::BadReason::kMissingItem, "I021/071", 5);
  SetTime(static_cast<double>(ReadUnsigned(r.item(*time_frn).data(), 3)) * kTimeLsbS, reference_s, out);
  if (out->message.time_s != out->message.time_s) return Fail(e, asterix::BadReason::kBadValue, "I021/071", 5);
  bool non_icao = false;
  if (r.has(2)) non_icao = ((r.item(2)[0] >> 5) & 7) != 0;  // I021/040 ATP
  if (r.has(11)) {
    m.address = static_cast<uint32_t>(ReadUnsigned(r.item(11).data(), 3)) | (non_icao ? kNonIcaoAddressBit : 0);
  } else if (r.has(3) && out->source >= 0) {
    m.address = kNonIcaoAddressBit | (uint32_t(out->source & 0xFF) << 16) | (ReadUnsigned(r.item(3).data(), 2) & 0xFFF);
  } else {
    return Fail(e, asterix::BadReason::kMissingItem, "I021/080", 11);
  }
  if (r.has(2) && r.item(2).size() >= 2) {
    m.on_ground = (r.item(2)[1] & 0x40) != 0;  // GBS
    m.present |= kHasOnGround;
  }
  if (r.has(7) || r.has(6)) {
    const bool hi = r.has(7);
    const Bytes p = r.item(hi ? 7 : 6);
    const int n = hi ? 4 : 3;
    const double lsb = hi ? kLat30 : kLat23;
    m.lat_deg = static_cast<double>(ReadSigned(p.data(), n)) * lsb;
    m.lon_deg = static_cast<double>(ReadSigned(p.data() + n, n)) * lsb;
    m.present |= kHasPosition;
  }
  if (r.has(21)) {
    m.alt_m = units::FeetToMeters(static_cast<double>(ReadSigned(r.item(21).data(), 2)) * kQuarterFlFt);
    m.present |= kHasAltitude;
  } else if (r.has(16)) {
    m.alt_m = units::FeetToMeters(static_cast<double>(ReadSigned(r.item(16).data(), 2)) * kGeometricLsbFt);
    m.alt_is_gnss = true;
    m.present |= kHasAltitude;
  }
  if (r.has(26) && (r.item(26)[0] & 0x80) == 0) {  // RE: out of range, not a value
    const Bytes v = r.item(26);
    m.gs_mps = static_cast<double>(ReadUnsigned(v.data(), 2) & 0x7FFF) * kNmPerSecondLsb * units::kNauticalMileM;
    m.trk_deg = static_cast<double>(ReadUnsigned(v.data() + 2, 2)) * kAngleLsbDeg;
    m.present |= kHasGroundSpeed | kHasTrack;
  }
  for (int f : {24, 25}) {  // I021/155 barometric, else I021/157 geometric vertical rate
    if (!r.has(f) || (r.item(f)[0] & 0x80) != 0) continue;
    m.vs_mps = static_cast<double>(asterix::SignExtend(ReadUnsigned(r.item(f).data(), 2), 15)) * kRateLsbFpm *
               units::kFeetPerMinuteMps;
    m.present |= kHasVerticalRate;
    break;
  }
  if (r.has(29) && !CallsignOf(r.item(29).data(), &m)) return Fail(e, asterix::BadReason::kBadValue, "I021/170", 29);
  if (r.has(19)) {
    m.squawk = SquawkOf(ReadUnsigned(r.item(19).data(), 2) & 0xFFF);
    m.present |= kHasSquawk;
  }
  if (r.has(23)) {
    const uint8_t s = r.item(23)[0];
    m.emergency = ((s >> 2) & 7) != 0 || (s & 0x20) != 0;  // PS, ME
    m.present |= kHasEmergency;
  }
  return true;
}

// FRNs of the items CAT062 decoding reads, per edition family.
struct Frns062 {
  int time, track_number, position, velocity, mode3a, ident245, aircraft380, status, fl136, geo130, baro135, roc;
  int adr_subfield, id_subfield;
  bool v0;
};
constexpr Frns062 kFrns062v1{4, 12, 5, 7, 9, 10, 11, 13, 17, 18, 19, 20, 0, 1, false};
constexpr Frns062 kFrns062v0{3, 4, 5, 11, 7, 0, 19, 16, 10, 8, 9, 13, 1, 2, true};

void Decode062Kinematics(const asterix::Record& r, const Frns062& f, SbsMessage& m) {
  if (r.has(f.position)) {
    const Bytes p = r.item(f.position);
    const int n = f.v0 ? 3 : 4;
    const double lsb = f.v0 ? kLat23 : kLat25;
    m.lat_deg = static_cast<double>(ReadSigned(p.data(), n)) * lsb;
    m.lon_deg = static_cast<double>(ReadSigned(p.data() + n, n)) * lsb;
    m.present |= kHasPosition;
  }
  if (r.has(f.velocity)) {
    const Bytes v = r.item(f.velocity);
    if (f.v0) {
      m.gs_mps = static_cast<double>(ReadUnsigned(v.data(), 2)) * kNmPerSecondLsb * units::kNauticalMileM;
      m.trk_deg = static_cast<double>(ReadUnsigned(v.data() + 2, 2)) * kAngleLsbDeg;
    } else {
      const double vx = static_cast<double>(ReadSigned(v.data(), 2)) * kVelocityLsbMps;
      const double vy = static_cast<double>(ReadSigned(v.data() + 2, 2)) * kVelocityLsbMps;
      m.gs_mps = std::hypot(vx, vy);
      m.trk_deg = std::atan2(vx, vy) * units::kRadToDeg;
      if (m.trk_deg < 0) m.trk_deg += 360;
    }
    m.present |= kHasGroundSpeed | kHasTrack;
  }
  if (r.has(f.baro135) || r.has(f.fl136)) {
    const Bytes a = r.item(r.has(f.baro135) ? f.baro135 : f.fl136);
    const int64_t raw = r.has(f.baro135) ? asterix::SignExtend(ReadUnsigned(a.data(), 2), 15) : ReadSigned(a.data(), 2);
    m.alt_m = units::FeetToMeters(static_cast<double>(raw) * kQuarterFlFt);
    m.present |= kHasAltitude;
  } else if (r.has(f.geo130)) {
    m.alt_m = units::FeetToMeters(static_cast<double>(ReadSigned(r.item(f.geo130).data(), 2)) * kGeometricLsbFt);
    m.alt_is_gnss = true;
    m.present |= kHasAltitude;
  }
  if (r.has(f.roc)) {
    m.vs_mps = static_cast<double>(ReadSigned(r.item(f.roc).data(), 2)) * kRateLsbFpm * units::kFeetPerMinuteMps;
    m.present |= kHasVerticalRate;
  }
}

bool Decode062(const asterix::Record& r, const asterix::Uap& uap, double reference_s, AsterixReport* out,
               asterix::RecordError* e) {
  const Frns062& f = uap.edition == Edition::kCat062v0_17 ? kFrns062v0 : kFrns062v1;
  SbsMessage& m = out->message;
  if (!r.has(f.time)) return Fail(e, asterix::BadReason::kMissingItem, "I062/070", f.time);
  SetTime(static_cast<double>(ReadUnsigned(r.item(f.time).data(), 3)) * kTimeLsbS, reference_s, out);
  const asterix::ItemSpec& spec380 = asterix::ItemAt(uap, f.aircraft380);
  const Bytes adr = r.has(f.aircraft380) ? asterix::CompoundSubfield(spec380, r.item(f.aircraft380), f.adr_subfield)
                                         : Bytes();
  if (!adr.empty()) {
    m.address = static_cast<uint32_t>(ReadUnsigned(adr.data(), 3));
  } else if (r.has(f.track_number) && out->source >= 0) {
    m.address = kNonIcaoAddressBit | (uint32_t(out->source & 0xFF) << 16) |
                static_cast<uint32_t>(ReadUnsigned(r.item(f.track_number).data(), 2));
  } else {
    return Fail(e, asterix::BadReason::kMissingItem, "I062/040", f.track_number);
  }
  Decode062Kinematics(r, f, m);
  if (f.ident245 && r.has(f.ident245)) {
    if (!CallsignOf(r.item(f.ident245).data() + 1, &m)) return Fail(e, asterix::BadReason::kBadValue, "I062/245", f.ident245);
  } else if (r.has(f.aircraft380)) {
    const Bytes id = asterix::CompoundSubfield(spec380, r.item(f.aircraft380), f.id_subfield);
    if (!id.empty() && !CallsignOf(id.data(), &m)) return Fail(e, asterix::BadReason::kBadValue, "I062/380 ID", f.aircraft380);
  }
  if (r.has(f.mode3a) && (f.v0 || (r.item(f.mode3a)[0] & 0x40) == 0)) {  // G: garbled
    m.squawk = SquawkOf(ReadUnsigned(r.item(f.mode3a).data(), 2) & 0xFFF);
    m.present |= kHasSquawk;
  }
  if (r.has(f.status)) {
    const Bytes s = r.item(f.status);
    out->track_end = s.size() >= 2 && (s[1] & 0x40) != 0;                            // TSE
    const bool me = s.size() >= 3 && (s[2] & 0x10) != 0;                             // ME
    const unsigned ems = (!f.v0 && s.size() >= 5) ? ((s[4] >> 3) & 7u) : 0u;          // EMS (1.x)
    m.emergency = me || (ems != 0 && ems != 7);
    m.present |= kHasEmergency;
    if (uap.edition == Edition::kCat062v1_18) {
      m.on_ground = s.size() >= 6 && (s[5] & 0x10) != 0;                             // SFC
      m.present |= kHasOnGround;
    }
  }
  return true;
}

}  // namespace

double UnixTimeNear(double tod_s, double reference_s) {
  const double day = std::floor((reference_s - tod_s) / kSecondsPerDay + 0.5);
  return day * kSecondsPerDay + tod_s;
}

asterix::Edition AsterixEditions::For(uint8_t category, int source) const {
  if (source >= 0 && !per_source.empty()) {
    auto it = per_source.find((static_cast<uint32_t>(source) << 8) | category);
    if (it != per_source.end()) return it->second;
  }
  return category == 21 ? cat021 : cat062;
}

Status AsterixEditions::Add(std::string_view spec) {
  const std::string what = "ASTERIX edition \"" + std::string(spec) + "\"";
  std::string_view rest = spec;
  int source = -1;
  if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string sacsic(rest.substr(0, colon));
    int sac = -1, sic = -1, used = 0;
    if (std::sscanf(sacsic.c_str(), "%d/%d%n", &sac, &sic, &used) != 2 || used != static_cast<int>(sacsic.size()) ||
        sac < 0 || sac > 255 || sic < 0 || sic > 255)
      return Status::Invalid(what + ": \"" + sacsic + "\" is not SAC/SIC (two numbers 0..255, e.g. 25/100)");
    source = (sac << 8) | sic;
    rest = rest.substr(colon + 1);
  }
  const size_t eq = rest.find('=');
  if (eq == std::string_view::npos) return Status::Invalid(what + ": expected [SAC/SIC:]CATEGORY=EDITION, e.g. 62=1.18");
  const std::string cat_text(rest.substr(0, eq));
  char* end = nullptr;
  const long cat = std::strtol(cat_text.c_str(), &end, 10);
  if (cat_text.empty() || *end != '\0' || (cat != 21 && cat != 62))
    return Status::Invalid(what + ": category \"" + cat_text + "\" is not 21 or 62");
  const auto edition = asterix::EditionOf(static_cast<int>(cat), rest.substr(eq + 1));
  if (!edition)
    return Status::Invalid(what + ": edition \"" + std::string(rest.substr(eq + 1)) + "\" of CAT0" + cat_text +
                           " is not supported (" + (cat == 21 ? "2.4, 2.6" : "0.17, 1.17, 1.18") + ")");
  if (source < 0) (cat == 21 ? cat021 : cat062) = *edition;
  else per_source[(static_cast<uint32_t>(source) << 8) | static_cast<uint32_t>(cat)] = *edition;
  return Status::Ok();
}

bool DecodeAsterixRecord(const AsterixDecodeOptions& options, uint8_t category, Bytes data, double reference_s,
                         AsterixReport* out, size_t* consumed, asterix::RecordError* error) {
  *consumed = 0;
  *out = AsterixReport{};
  out->source = asterix::SourceOf(data);
  const asterix::Uap& uap = asterix::UapOf(options.editions.For(category, out->source));
  asterix::Record record;
  if (!asterix::ReadRecord(uap, data, &record, error)) return false;
  *consumed = record.size;
  if (out->source < 0) return Fail(error, asterix::BadReason::kMissingItem, category == 21 ? "I021/010" : "I062/010", 1);
  out->message.type = 3;
  const bool ok = category == 21 ? Decode021(record, reference_s, out, error)
                                 : Decode062(record, uap, reference_s, out, error);
  if (!ok) return false;
  const char* item = "";
  if (!WithinLimits(options.limits, out->message, &item))
    return Fail(error, asterix::BadReason::kBadValue, item, 0);
  return true;
}

}  // namespace deconflict::feeds
