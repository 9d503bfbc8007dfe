#include "asterix/pcap.h"

#include <cmath>

namespace deconflict::asterix {
namespace {

constexpr uint32_t kMagicMicro = 0xA1B2C3D4;
constexpr uint32_t kMagicNano = 0xA1B23C4D;
constexpr uint32_t kLinkNull = 0, kLinkEthernet = 1, kLinkRaw = 101, kLinkRawAlt = 12, kLinkRawAlt2 = 14,
                   kLinkLinuxSll = 113;
constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86DD, kEtherVlan = 0x8100;
constexpr uint8_t kProtoUdp = 17;

uint32_t Le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint32_t Be32(const uint8_t* p) { return uint32_t{p[3]} | uint32_t{p[2]} << 8 | uint32_t{p[1]} << 16 | uint32_t{p[0]} << 24; }
uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// The UDP datagram inside an IP packet at `p` (n octets). False when it is not one whole UDP datagram.
bool UdpOfIp(const uint8_t* p, size_t n, UdpPacket* out) {
  if (n < 1) return false;
  const int version = p[0] >> 4;
  size_t header = 0;
  uint8_t proto = 0;
  if (version == 4) {
    if (n < 20) return false;
    header = size_t{p[0] & 0x0Fu} * 4;
    const uint16_t frag = Be16(p + 6);
    if (header < 20 || n < header || (frag & 0x3FFF) != 0) return false;  // MF or an offset: a fragment
    proto = p[9];
    out->dst_ipv4 = Be32(p + 16);
    const size_t total = Be16(p + 2);
    if (total >= header && total < n) n = total;  // Ethernet padding after the packet
  } else if (version == 6) {
    if (n < 40) return false;
    header = 40;
    proto = p[6];  // extension headers are not followed
  } else {
    return false;
  }
  if (proto != kProtoUdp || n < header + 8) return false;
  const uint8_t* u = p + header;
  const size_t len = Be16(u + 4);
  if (len < 8 || header + len > n) return false;
  out->src_port = Be16(u);
  out->dst_port = Be16(u + 2);
  out->payload.assign(u + 8, u + len);
  return true;
}

bool UdpOfFrame(uint32_t link, const uint8_t* p, size_t n, bool swapped, UdpPacket* out) {
  switch (link) {
    case kLinkEthernet: {
      size_t off = 12;
      if (n < off + 2) return false;
      uint16_t type = Be16(p + off);
      while (type == kEtherVlan && n >= off + 6) {
        off += 4;
        type = Be16(p + off);
      }
      off += 2;
      if (type != kEtherIpv4 && type != kEtherIpv6) return false;
      return n >= off && UdpOfIp(p + off, n - off, out);
    }
    case kLinkLinuxSll:
      return n >= 16 && UdpOfIp(p + 16, n - 16, out);
    case kLinkNull: {
      if (n < 4) return false;
      (void)swapped;
      return UdpOfIp(p + 4, n - 4, out);
    }
    default:  // raw IP
      return UdpOfIp(p, n, out);
  }
}

}  // namespace

Result<PcapContents> ParsePcap(const std::string& bytes, const std::string& source) {
  const auto* d = reinterpret_cast<const uint8_t*>(bytes.data());
  if (bytes.size() < 24) return Status::Invalid(source + ": not a pcap file (shorter than its 24-octet header)");
  const uint32_t magic_le = Le32(d);
  bool swapped = false, nano = false;
  if (magic_le == kMagicMicro || magic_le == kMagicNano) {
    nano = magic_le == kMagicNano;
  } else if (Be32(d) == kMagicMicro || Be32(d) == kMagicNano) {
    swapped = true;
    nano = Be32(d) == kMagicNano;
  } else {
    return Status::Invalid(source + ": not a pcap file (magic number; pcapng is not read: convert it with editcap -F pcap)");
  }
  auto u32 = [&](const uint8_t* p) { return swapped ? Be32(p) : Le32(p); };
  const uint32_t link = u32(d + 20) & 0x0FFFFFFF;
  if (link != kLinkEthernet && link != kLinkLinuxSll && link != kLinkRaw && link != kLinkRawAlt &&
      link != kLinkRawAlt2 && link != kLinkNull)
    return Status::Invalid(source + ": pcap link type " + std::to_string(link) +
                           " is not read (Ethernet, Linux cooked, raw IP, loopback)");
  PcapContents out;
  size_t pos = 24;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 16)
      return Status::Invalid(source + ": octet " + std::to_string(pos) + ": truncated packet header");
    const uint32_t sec = u32(d + pos), frac = u32(d + pos + 4), incl = u32(d + pos + 8);
    pos += 16;
    if (incl > bytes.size() - pos)
      return Status::Invalid(source + ": octet " + std::to_string(pos - 16) + ": packet of " + std::to_string(incl) +
                             " octets runs past the end of the file");
    ++out.frames;
    UdpPacket packet;
    packet.time_s = sec + frac * (nano ? 1e-9 : 1e-6);
    if (UdpOfFrame(link, d + pos, incl, swapped, &packet)) out.packets.push_back(std::move(packet));
    else ++out.skipped;
    pos += incl;
  }
  return out;
}

namespace {
void Put16(std::string* s, uint16_t v) { s->push_back(static_cast<char>(v >> 8)); s->push_back(static_cast<char>(v & 0xFF)); }
void PutLe32(std::string* s, uint32_t v) { for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF)); }
}  // namespace

std::string WritePcap(const std::vector<UdpPacket>& packets, uint16_t src_port, uint16_t dst_port) {
  std::string out;
  PutLe32(&out, kMagicMicro);
  out += std::string("\x02\x00\x04\x00", 4);  // version 2.4
  PutLe32(&out, 0);                             // thiszone
  PutLe32(&out, 0);                             // sigfigs
  PutLe32(&out, 65535);                         // snaplen
  PutLe32(&out, kLinkEthernet);
  for (const UdpPacket& p : packets) {
    const size_t udp_len = 8 + p.payload.size();
    const size_t ip_len = 20 + udp_len;
    const size_t frame = 14 + ip_len;
    double whole = 0;
    const double frac = std::modf(p.time_s, &whole);
    PutLe32(&out, static_cast<uint32_t>(whole));
    PutLe32(&out, static_cast<uint32_t>(std::llround(frac * 1e6)) % 1000000u);
    PutLe32(&out, static_cast<uint32_t>(frame));
    PutLe32(&out, static_cast<uint32_t>(frame));
    out += std::string(12, '\0');  // destination and source MAC
    Put16(&out, kEtherIpv4);
    std::string ip;
    ip += '\x45';
    ip += '\0';
    Put16(&ip, static_cast<uint16_t>(ip_len));
    Put16(&ip, 0);  // identification
    Put16(&ip, 0x4000);  // don't fragment
    ip += '\x40';   // TTL 64
    ip += static_cast<char>(kProtoUdp);
    Put16(&ip, 0);  // checksum, filled below
    const uint32_t src = 0x7F000001, dst = p.dst_ipv4 != 0 ? p.dst_ipv4 : 0x7F000001;
    Put16(&ip, static_cast<uint16_t>(src >> 16)); Put16(&ip, static_cast<uint16_t>(src & 0xFFFF));
    Put16(&ip, static_cast<uint16_t>(dst >> 16)); Put16(&ip, static_cast<uint16_t>(dst & 0xFFFF));
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(static_cast<uint8_t>(ip[i]) << 8 | static_cast<uint8_t>(ip[i + 1]));
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    const uint16_t checksum = static_cast<uint16_t>(~sum);
    ip[10] = static_cast<char>(checksum >> 8);
    ip[11] = static_cast<char>(checksum & 0xFF);
    out += ip;
    Put16(&out, src_port);
    Put16(&out, dst_port);
    Put16(&out, static_cast<uint16_t>(udp_len));
    Put16(&out, 0);  // UDP checksum 0: not computed (allowed over IPv4, RFC 768)
    out.append(reinterpret_cast<const char*>(p.payload.data()), p.payload.size());
  }
  return out;
}

}  // namespace deconflict::asterix
