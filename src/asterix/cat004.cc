#include "asterix/cat004.h"

#include "asterix/encode.h"
#include "core/units.h"

namespace deconflict::asterix {
namespace {

constexpr double kTimeLsbS = 1.0 / 128;  // I004/020, I004/070 TC and TCA
constexpr double kHorizontalLsbM = 0.5;  // I004/070 CHS, MHS
constexpr double kVerticalLsbFt = 25;    // I004/070 CVS, MVS

std::vector<uint8_t> Ascii7(const std::string& text) {
  std::vector<uint8_t> out(7, ' ');
  for (size_t i = 0; i < 7 && i < text.size(); ++i) {
    const char c = text[i];
    out[i] = (c >= 0x20 && c < 0x7F) ? static_cast<uint8_t>(c) : static_cast<uint8_t>('?');
  }
  return out;
}

// I004/170 or I004/171 with AI and M3 subfields (the first two bits of the primary subfield).
std::vector<uint8_t> Identification(const SafetyNetAircraft& a) {
  std::vector<uint8_t> out = {static_cast<uint8_t>((a.callsign.empty() ? 0 : 0x80) | (a.has_squawk ? 0x40 : 0))};
  if (!a.callsign.empty()) {
    const auto ai = Ascii7(a.callsign);
    out.insert(out.end(), ai.begin(), ai.end());
  }
  if (a.has_squawk) PutBytes(&out, Mode3AOf(a.squawk), 2);
  return out;
}

std::vector<uint8_t> Timing(const SafetyNetAlert& a) {
  std::vector<uint8_t> out = {0xFC};  // TC, TCA, CHS, MHS, CVS, MVS
  PutBytes(&out, Quantise(a.time_to_conflict_s, kTimeLsbS, 24, false), 3);
  PutBytes(&out, Quantise(a.time_to_cpa_s, kTimeLsbS, 24, false), 3);
  PutBytes(&out, Quantise(a.current_horizontal_m, kHorizontalLsbM, 24, false), 3);
  PutBytes(&out, Quantise(a.min_horizontal_m, kHorizontalLsbM, 16, false), 2);
  PutBytes(&out, Quantise(units::MetersToFeet(a.current_vertical_m), kVerticalLsbFt, 16, false), 2);
  PutBytes(&out, Quantise(units::MetersToFeet(a.min_vertical_m), kVerticalLsbFt, 16, false), 2);
  return out;
}

}  // namespace

std::vector<uint8_t> EncodeCat004(const SafetyNetAlert& a) {
  RecordWriter w;
  w.Add(1, {a.sac, a.sic});                                              // I004/010
  w.Add(2, {static_cast<uint8_t>(a.type)});                              // I004/000
  std::vector<uint8_t> tom;
  PutBytes(&tom, Quantise(a.tod_s, kTimeLsbS, 24, false), 3);
  w.Add(4, tom);                                                         // I004/020
  std::vector<uint8_t> id;
  PutBytes(&id, a.alert_id, 2);
  w.Add(5, id);                                                          // I004/040
  w.Add(6, {static_cast<uint8_t>((a.status & 7) << 1)});                 // I004/045 STAT
  std::vector<uint8_t> t1;
  PutBytes(&t1, a.first.track_number, 2);
  w.Add(8, t1);                                                          // I004/030
  if (!a.first.callsign.empty() || a.first.has_squawk) w.Add(9, Identification(a.first));  // I004/170
  if (a.type != SafetyNetMessage::kEndOfConflict) {
    // I004/120 CN: MAS and CAS (conflict predicted in the horizontal and vertical planes), Type (major).
    const uint8_t cn = a.loss_of_separation ? 0xC8 : 0x00;
    w.Add(10, {0x80, cn});                                               // I004/120
  }
  if (a.has_timing) w.Add(11, Timing(a));                                // I004/070
  if (!a.area_name.empty()) w.Add(15, [&] {                              // I004/100 AN
    std::vector<uint8_t> an = {0x80};
    const auto name = Callsign6(a.area_name.substr(0, 8));
    // AN: 8 characters of 6 bits (IA-5 subset) in 6 octets, as a callsign.
    an.insert(an.end(), name.begin(), name.end());
    return an;
  }());
  if (a.has_second) {
    std::vector<uint8_t> t2;
    PutBytes(&t2, a.second.track_number, 2);
    w.Add(16, t2);                                                       // I004/035
    if (!a.second.callsign.empty() || a.second.has_squawk) w.Add(17, Identification(a.second));  // I004/171
  }
  return w.Finish();
}

}  // namespace deconflict::asterix
