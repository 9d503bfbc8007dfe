// ASTERIX CAT004 safety-net messages (EUROCONTROL-SPEC-0149-17, edition 1.12), as an ATC display that shows
// STCA and area proximity warnings reads them: deconflict's alerts written as CAT004 records.
//
// Items written: I004/010 (SAC/SIC), I004/000 message type, I004/020 time of message, I004/040 alert
// identifier, I004/045 alert status, I004/030 track number 1, I004/170 AI1 (callsign, 7 ASCII characters) and
// M31 (Mode 3/A), I004/120 CN (Conflict nature: MAS, CAS, Type, Div), I004/070 conflict timing and separation
// (TC, TCA, CHS, MHS, CVS, MVS), I004/100 AN (area name, 6 characters of 6 bits), I004/035 track number 2,
// I004/171 AI2 and M32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace deconflict::asterix {

// I004/000 values used by deconflict.
enum class SafetyNetMessage : uint8_t {
  kAreaProximityWarning = 5,  // APW: an aircraft predicted inside a protected zone
  kStca = 7,                  // Short Term Conflict Alert: two aircraft predicted to lose separation
  kEndOfConflict = 17,        // EOC: the alert `alert_id` is over
};

struct SafetyNetAircraft {
  uint16_t track_number = 0;  // I004/030 (first) or I004/035 (second)
  std::string callsign;       // I004/170 AI1 / I004/171 AI2; empty = not written. ASCII, at most 7 characters
  bool has_squawk = false;
  uint16_t squawk = 0;        // I004/170 M31 / I004/171 M32, octal digits read in decimal (7700)
};

struct SafetyNetAlert {
  uint8_t sac = 0, sic = 0;
  SafetyNetMessage type = SafetyNetMessage::kStca;
  double tod_s = 0;          // I004/020, seconds since UTC midnight
  uint16_t alert_id = 0;     // I004/040: the same number from the first message of an alert to its EOC
  uint8_t status = 0;        // I004/045 STAT (implementation dependent; deconflict: 1 caution, 2 warning, 0 ended)
  SafetyNetAircraft first;
  bool has_second = false;   // STCA (and an EOC ending one): the other aircraft
  SafetyNetAircraft second;
  bool has_timing = false;   // I004/070
  double time_to_conflict_s = 0;   // TC
  double time_to_cpa_s = 0;        // TCA
  double current_horizontal_m = 0; // CHS
  double min_horizontal_m = 0;     // MHS
  double current_vertical_m = 0;   // CVS
  double min_vertical_m = 0;       // MVS
  bool loss_of_separation = false; // I004/120 CN: MAS/CAS and Type (major infringement) set when predicted
  std::string area_name;     // I004/100 AN (APW): up to 8 characters A-Z 0-9 space; empty = not written
};

// The record (FSPEC and items) of `alert`; values rounded to the nearest LSB and clamped to the item's range.
std::vector<uint8_t> EncodeCat004(const SafetyNetAlert& alert);

}  // namespace deconflict::asterix
