// Feed specifications of the command line and the configuration, and their party tables.
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <vector>

#include "feeds/feed_manager.h"

namespace deconflict::feeds {

namespace {

bool ParseHex24(std::string_view s, uint32_t* out) {
  if (s.size() != 6) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kAsterixScheme = "asterix+udp://";

// Calls `row(where, line)` for each line of a table file that is not blank or a '#' comment, trimmed; `where`
// is "path:LINE". Stops at the first error `row` returns.
Status ForEachTableLine(const std::string& path, const char* what,
                        const std::function<Status(const std::string&, std::string_view)>& row) {
  std::ifstream in(path);
  if (!in) return Status::Io(path + ": cannot open " + what);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view l = TrimSpaces(line);
    if (l.empty() || l[0] == '#') continue;
    if (Status s = row(path + ":" + std::to_string(number), l); !s.ok()) return s;
  }
  return Status::Ok();
}

// "SAC/SIC,party[,CAT=EDITION...]" lines: sources to parties, and the editions each source sends.
Status ReadSourceTable(const std::string& path, SourcePartyTable* parties, AsterixEditions* editions) {
  return ForEachTableLine(path, "source table", [&](const std::string& where, std::string_view l) -> Status {
    std::vector<std::string_view> fields;
    for (size_t start = 0;;) {
      const size_t comma = l.find(',', start);
      fields.push_back(TrimSpaces(l.substr(start, comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() < 2) return Status::Invalid(where + ": expected SAC/SIC,party[,CAT=EDITION...]");
    const std::string sacsic(fields[0]);
    int sac = -1, sic = -1, used = 0;
    if (std::sscanf(sacsic.c_str(), "%d/%d%n", &sac, &sic, &used) != 2 || used != static_cast<int>(sacsic.size()) ||
        sac < 0 || sac > 255 || sic < 0 || sic > 255)
      return Status::Invalid(where + ": field 1: \"" + sacsic + "\" is not SAC/SIC (two numbers 0..255, e.g. 25/100)");
    if (!fields[1].empty()) (*parties)[(sac << 8) | sic] = std::string(fields[1]);
    for (size_t i = 2; i < fields.size(); ++i) {
      Status s = editions->Add(sacsic + ":" + std::string(fields[i]));
      if (!s.ok()) return Status::Invalid(where + ": field " + std::to_string(i + 1) + ": " + s.message());
    }
    return Status::Ok();
  });
}

}  // namespace

Result<PartyTable> ReadPartyTable(const std::string& path) {
  PartyTable table;
  Status read = ForEachTableLine(path, "party table", [&](const std::string& where, std::string_view l) -> Status {
    const size_t comma = l.find(',');
    if (comma == std::string_view::npos) return Status::Invalid(where + ": expected HEXIDENT,party");
    uint32_t address;
    if (!ParseHex24(TrimSpaces(l.substr(0, comma)), &address))
      return Status::Invalid(where + ": field 1: \"" + std::string(l.substr(0, comma)) +
                             "\" is not a 6-digit hex ICAO address");
    const std::string_view party = TrimSpaces(l.substr(comma + 1));
    if (party.empty()) return Status::Invalid(where + ": field 2: empty party");
    table[address] = std::string(party);
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return table;
}

Result<FeedEndpoint> ParseFeedSpec(std::string_view spec) {
  const std::string quoted = "feed \"" + std::string(spec) + "\"";
  FeedEndpoint ep;
  if (spec.substr(0, kAsterixScheme.size()) == kAsterixScheme) {
    ep.protocol = FeedProtocol::kAsterixUdp;
    spec.remove_prefix(kAsterixScheme.size());
  } else if (spec.find("://") != std::string_view::npos) {
    return Status::Invalid(quoted + ": unknown scheme (host:port=party for SBS over TCP, asterix+udp://host:port=party)");
  }
  const size_t eq = spec.find('=');
  std::string_view address = spec.substr(0, eq);
  if (const size_t iface = address.find('@');
      ep.protocol == FeedProtocol::kAsterixUdp && iface != std::string_view::npos) {
    ep.interface_address = std::string(address.substr(0, iface));
    address.remove_prefix(iface + 1);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v4(ep.interface_address, ec);
    if (ec)
      return Status::Invalid(quoted + ": interface \"" + ep.interface_address + "\" is not an IPv4 address");
  }
  std::string_view binding = eq == std::string_view::npos ? std::string_view() : spec.substr(eq + 1);
  size_t colon;
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return Status::Invalid(quoted + ": missing ']' after IPv6 address");
    ep.host = std::string(address.substr(1, close - 1));
    colon = close + 1;
    if (colon >= address.size() || address[colon] != ':') return Status::Invalid(quoted + ": expected [host]:port");
  } else {
    colon = address.rfind(':');
    if (colon == std::string_view::npos) return Status::Invalid(quoted + ": expected host:port=party");
    ep.host = std::string(address.substr(0, colon));
  }
  if (ep.host.empty()) return Status::Invalid(quoted + ": empty host");
  const std::string_view port = address.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535)
    return Status::Invalid(quoted + ": port \"" + std::string(port) + "\" is not in 1..65535");
  ep.port = static_cast<uint16_t>(value);
  const size_t at = binding.find('@');
  ep.party = std::string(binding.substr(0, at));
  if (at != std::string_view::npos && ep.protocol == FeedProtocol::kAsterixUdp) {
    const std::string table_path(binding.substr(at + 1));
    if (table_path.empty()) return Status::Invalid(quoted + ": empty table path after '@'");
    auto parties = std::make_shared<SourcePartyTable>();
    Status read = ReadSourceTable(table_path, parties.get(), &ep.editions);
    if (!read.ok()) return Status::Invalid(quoted + ": " + read.message());
    ep.sources = std::move(parties);
  } else if (at != std::string_view::npos) {
    const std::string table_path(binding.substr(at + 1));
    if (table_path.empty()) return Status::Invalid(quoted + ": empty table path after '@'");
    auto table = ReadPartyTable(table_path);
    if (!table.ok()) return Status::Invalid(quoted + ": " + table.status().message());
    ep.table = std::make_shared<const PartyTable>(std::move(table).value());
  }
  if (ep.party.empty() && !ep.table && !(ep.sources && !ep.sources->empty()))
    return Status::Invalid(quoted + ": no party after '=' (host:port=party)");
  if (ep.protocol == FeedProtocol::kAsterixUdp) {
    boost::system::error_code ec;
    const auto group = boost::asio::ip::make_address(ep.host, ec);
    if (!ec && !ep.interface_address.empty() && !group.is_multicast())
      return Status::Invalid(quoted + ": an interface (INTERFACE@) is for a multicast group, not " + ep.host);
    if (ec) return Status::Invalid(quoted + ": \"" + ep.host + "\" is not an IP address (UDP feeds bind or join an address)");
  }
  ep.name = (ep.protocol == FeedProtocol::kAsterixUdp ? std::string(kAsterixScheme) : std::string()) +
            std::string(spec.substr(0, spec.find('=')));
  return ep;
}

}  // namespace deconflict::feeds
