// deconflict's alert events as ASTERIX CAT004 safety-net messages (asterix/cat004.h) sent over UDP, so that
// an ATC display that reads CAT004 shows them. Need-to-know: each destination belongs to a party and gets
// only the alerts that concern that party's aircraft.
//
// Mapping of a track-track alert event (detect::AlertEvent):
//   begin, level change, resume -> I004/000 = 7 (STCA); end -> 17 (End Of Conflict).
//   I004/040 alert identifier: the alert's (episode's) alert_id, from 1, wrapping after 65535.
//   I004/045 STAT: 1 caution, 2 warning, 0 ended.
//   I004/030 / I004/035 track numbers: one number per aircraft id (1, 2, ... in order of first alert);
//   I004/170 AI1 / I004/171 AI2: the callsigns when known.
//   I004/070 (begin, level): TC = t_in, TCA = t_cpa, MHS = d_cpa (the predicted minimum horizontal separation),
//   CHS and CVS = the smallest horizontal and vertical separations seen while the alert was open, MVS = CVS
//   (the tracker keeps no predicted vertical minimum).
//   I004/120 CN: MAS, CAS and Type (major infringement) when separation is lost (`los`).
//   I004/020: the event's time of day (UTC).
// Zone alerts (area proximity, I004/000 = 5 with I004/100 AN) are the service's (src/server); `replay` has none.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "asterix/cat004.h"
#include "core/status.h"
#include "io/writer.h"

namespace deconflict::io {

struct Cat004Destination {
  std::string party;  // an aircraft's party; for an aircraft that is its own party (empty party), its id
  std::string host;   // IPv4 or IPv6 address
  uint16_t port = 0;
};

// "party=ADDRESS:PORT" ("blue=127.0.0.1:8600", "4b1806=[::1]:8600"). Errors name the text.
Result<Cat004Destination> ParseCat004Destination(const std::string& text);

// Maps events to CAT004 records and keeps the alert and track numbering. Not safe for concurrent use.
class Cat004Encoder {
 public:
  Cat004Encoder(uint8_t sac, uint8_t sic) : sac_(sac), sic_(sic) {}
  asterix::SafetyNetAlert Map(const ReplayEvent& e, const std::unordered_map<std::string, std::string>& callsigns);

 private:
  uint16_t TrackNumber(const std::string& id);
  uint8_t sac_, sic_;
  std::unordered_map<std::string, uint16_t> tracks_;
};

// Sends each event, as one CAT004 block of one record in one datagram, to the destinations of the parties it
// concerns. Not safe for concurrent use.
class Cat004Sender {
 public:
  static Result<Cat004Sender> Open(std::vector<Cat004Destination> destinations, uint8_t sac = 0, uint8_t sic = 1);
  Cat004Sender(Cat004Sender&&) noexcept;
  Cat004Sender& operator=(Cat004Sender&&) noexcept;
  ~Cat004Sender();

  // Returns the number of datagrams sent; a send error is counted in errors() and not retried.
  size_t Send(const ReplayEvent& e, const std::unordered_map<std::string, std::string>& callsigns);
  uint64_t sent() const { return sent_; }
  uint64_t errors() const { return errors_; }

 private:
  Cat004Sender(std::vector<Cat004Destination> d, uint8_t sac, uint8_t sic);
  std::vector<Cat004Destination> destinations_;
  std::vector<std::vector<uint8_t>> addresses_;  // sockaddr of each destination
  int fd4_ = -1, fd6_ = -1;
  Cat004Encoder encoder_;
  uint64_t sent_ = 0, errors_ = 0;
};

}  // namespace deconflict::io
