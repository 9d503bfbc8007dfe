// pcap capture files (the classic libpcap format, tcpdump's and Wireshark's default) reduced to what an
// ASTERIX feed needs: the UDP payloads and their capture times. Reading accepts both byte orders, micro- and
// nanosecond stamps, and the link types a capture on a radar LAN gives: Ethernet (with 802.1Q VLAN tags),
// Linux cooked (SLL), raw IP and BSD loopback; IPv4 (unfragmented) and IPv6. Other packets (TCP, ARP, IP
// fragments after the first) are counted and skipped. Writing gives Ethernet/IPv4/UDP frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace deconflict::asterix {

struct UdpPacket {
  double time_s = 0;              // capture time, UNIX seconds
  uint16_t src_port = 0, dst_port = 0;
  uint32_t dst_ipv4 = 0;          // host order; 0 for IPv6
  std::vector<uint8_t> payload;
};

struct PcapContents {
  std::vector<UdpPacket> packets;  // in file order
  uint64_t frames = 0;             // every frame of the file
  uint64_t skipped = 0;            // frames that are not a whole UDP datagram (TCP, ARP, fragments...)
};

// Parses a whole pcap file's bytes. Errors (kInvalidArgument) name `source` and the octet: not a pcap file,
// a record header running past the end, an unsupported link type.
Result<PcapContents> ParsePcap(const std::string& bytes, const std::string& source);

// A pcap file (Ethernet link type, microsecond stamps) of UDP datagrams from 127.0.0.1:`src_port` to
// 127.0.0.1:`dst_port` (or to packet.dst_ipv4 when not 0), one frame per packet.
std::string WritePcap(const std::vector<UdpPacket>& packets, uint16_t src_port, uint16_t dst_port);

}  // namespace deconflict::asterix
