#include "io/cat004_output.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "asterix/encode.h"

namespace deconflict::io {

namespace {
constexpr double kSecondsPerDay = 86400;

uint8_t StatusOf(detect::AlertLevel level) {
  switch (level) {
    case detect::AlertLevel::kWarning: return 2;
    case detect::AlertLevel::kCaution: return 1;
    default: return 0;
  }
}

// The party an alert concerns through aircraft `id` of party `party` (empty: the aircraft is its own party).
const std::string& PartyOf(const std::string& party, const std::string& id) { return party.empty() ? id : party; }
}  // namespace

Result<Cat004Destination> ParseCat004Destination(const std::string& text) {
  const std::string what = "CAT004 destination \"" + text + "\"";
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return Status::Invalid(what + ": expected party=ADDRESS:PORT");
  Cat004Destination d;
  d.party = text.substr(0, eq);
  std::string address = text.substr(eq + 1);
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Status::Invalid(what + ": expected party=ADDRESS:PORT");
  d.host = address.substr(0, colon);
  if (d.host.size() >= 2 && d.host.front() == '[' && d.host.back() == ']') d.host = d.host.substr(1, d.host.size() - 2);
  const std::string port = address.substr(colon + 1);
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 1 || p > 65535)
    return Status::Invalid(what + ": port \"" + port + "\" is not in 1..65535");
  d.port = static_cast<uint16_t>(p);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, d.host.c_str(), &a4) != 1 && inet_pton(AF_INET6, d.host.c_str(), &a6) != 1)
    return Status::Invalid(what + ": \"" + d.host + "\" is not an IP address");
  return d;
}

uint16_t Cat004Encoder::TrackNumber(const std::string& id) {
  auto [it, added] = tracks_.try_emplace(id, static_cast<uint16_t>(tracks_.size() % 65535 + 1));
  return it->second;
}

asterix::SafetyNetAlert Cat004Encoder::Map(const ReplayEvent& re,
                                           const std::unordered_map<std::string, std::string>& callsigns) {
  const detect::AlertEvent& e = re.event;
  asterix::SafetyNetAlert a;
  a.sac = sac_;
  a.sic = sic_;
  const bool end = e.kind == detect::AlertEvent::Kind::kEnd;
  a.type = end ? asterix::SafetyNetMessage::kEndOfConflict : asterix::SafetyNetMessage::kStca;
  a.tod_s = std::fmod(e.time_s, kSecondsPerDay);
  if (a.tod_s < 0) a.tod_s += kSecondsPerDay;
  a.alert_id = static_cast<uint16_t>((e.alert_id == 0 ? 0 : e.alert_id - 1) % 65535 + 1);  // 1..65535
  a.status = end ? 0 : StatusOf(e.level);
  auto aircraft = [&](const std::string& id) {
    asterix::SafetyNetAircraft x;
    x.track_number = TrackNumber(id);
    auto cs = callsigns.find(id);
    if (cs != callsigns.end()) x.callsign = cs->second;
    return x;
  };
  a.first = aircraft(e.id_a);
  a.has_second = true;
  a.second = aircraft(e.id_b);
  if (!end) {
    a.has_timing = true;
    a.time_to_conflict_s = e.t_in_s;
    a.time_to_cpa_s = e.t_cpa_s;
    a.min_horizontal_m = e.d_cpa_m;
    a.current_horizontal_m = e.min_h_dist_m;
    a.current_vertical_m = e.min_v_dist_m;
    a.min_vertical_m = e.min_v_dist_m;
    a.loss_of_separation = e.los;
  }
  return a;
}

Cat004Sender::Cat004Sender(std::vector<Cat004Destination> d, uint8_t sac, uint8_t sic)
    : destinations_(std::move(d)), encoder_(sac, sic) {}

Cat004Sender::Cat004Sender(Cat004Sender&& o) noexcept
    : destinations_(std::move(o.destinations_)),
      addresses_(std::move(o.addresses_)),
      fd4_(std::exchange(o.fd4_, -1)),
      fd6_(std::exchange(o.fd6_, -1)),
      encoder_(std::move(o.encoder_)),
      sent_(o.sent_),
      errors_(o.errors_) {}

Cat004Sender& Cat004Sender::operator=(Cat004Sender&& o) noexcept {
  if (this != &o) {
    if (fd4_ >= 0) close(fd4_);
    if (fd6_ >= 0) close(fd6_);
    destinations_ = std::move(o.destinations_);
    addresses_ = std::move(o.addresses_);
    fd4_ = std::exchange(o.fd4_, -1);
    fd6_ = std::exchange(o.fd6_, -1);
    encoder_ = std::move(o.encoder_);
    sent_ = o.sent_;
    errors_ = o.errors_;
  }
  return *this;
}

Cat004Sender::~Cat004Sender() {
  if (fd4_ >= 0) close(fd4_);
  if (fd6_ >= 0) close(fd6_);
}

Result<Cat004Sender> Cat004Sender::Open(std::vector<Cat004Destination> destinations, uint8_t sac, uint8_t sic) {
  Cat004Sender s(std::move(destinations), sac, sic);
  for (const Cat004Destination& d : s.destinations_) {
    std::vector<uint8_t> addr;
    in_addr a4{};
    in6_addr a6{};
    if (inet_pton(AF_INET, d.host.c_str(), &a4) == 1) {
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(d.port);
      sa.sin_addr = a4;
      addr.assign(reinterpret_cast<uint8_t*>(&sa), reinterpret_cast<uint8_t*>(&sa) + sizeof sa);
      if (s.fd4_ < 0 && (s.fd4_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return Status::Io(std::string("CAT004 output: cannot open a UDP socket: ") + std::strerror(errno));
    } else if (inet_pton(AF_INET6, d.host.c_str(), &a6) == 1) {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      sa.sin6_port = htons(d.port);
      sa.sin6_addr = a6;
      addr.assign(reinterpret_cast<uint8_t*>(&sa), reinterpret_cast<uint8_t*>(&sa) + sizeof sa);
      if (s.fd6_ < 0 && (s.fd6_ = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return Status::Io(std::string("CAT004 output: cannot open a UDP socket: ") + std::strerror(errno));
    } else {
      return Status::Invalid("CAT004 destination " + d.host + " is not an IP address");
    }
    s.addresses_.push_back(std::move(addr));
  }
  return s;
}

size_t Cat004Sender::Send(const ReplayEvent& e, const std::unordered_map<std::string, std::string>& callsigns) {
  asterix::BlockWriter block(4);
  block.Add(asterix::EncodeCat004(encoder_.Map(e, callsigns)));
  const std::vector<uint8_t> datagram = block.Finish();
  const std::string& p1 = PartyOf(e.event.party_a, e.event.id_a);
  const std::string& p2 = PartyOf(e.event.party_b, e.event.id_b);
  size_t n = 0;
  for (size_t i = 0; i < destinations_.size(); ++i) {
    if (destinations_[i].party != p1 && destinations_[i].party != p2) continue;  // need-to-know
    const auto& addr = addresses_[i];
    const int fd = addr.size() == sizeof(sockaddr_in) ? fd4_ : fd6_;
    if (sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(addr.data()),
               static_cast<socklen_t>(addr.size())) == static_cast<ssize_t>(datagram.size())) {
      ++sent_;
      ++n;
    } else {
      ++errors_;
    }
  }
  return n;
}

}  // namespace deconflict::io
