#include "feeds/asterix_file.h"

#include <cstdio>
#include <ctime>

#include "asterix/pcap.h"

namespace deconflict::feeds {

namespace {
bool LooksLikePcap(const std::string& path, const std::string& head) {
  auto ends = [&](const char* s) {
    const std::string suffix(s);
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".pcap") || ends(".pcap.gz")) return true;
  if (head.size() < 4) return false;
  const auto* d = reinterpret_cast<const unsigned char*>(head.data());
  const uint32_t le = d[0] | d[1] << 8 | d[2] << 16 | uint32_t{d[3]} << 24;
  return le == 0xA1B2C3D4 || le == 0xD4C3B2A1 || le == 0xA1B23C4D || le == 0x4D3CB2A1;
}
}  // namespace

Result<double> ParseUtcDate(const std::string& text) {
  int y = 0, m = 0, d = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != static_cast<int>(text.size()) ||
      m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
    return Status::Invalid("\"" + text + "\" is not a date YYYY-MM-DD (UTC)");
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return static_cast<double>(timegm(&tm));
}

Result<AsterixFileContents> ReadAsterixFile(const std::string& path, const AsterixFileOptions& options) {
  std::string bytes;
  Status read = ForEachFileChunk(path, [&](std::string_view chunk) { bytes.append(chunk); });
  if (!read.ok()) return read;

  AsterixFileContents out;
  UpdateCollector collector(options.coalesce);
  AsterixStreamOptions so;
  so.source = path;
  so.decode = options.decode;
  so.assembler = options.assembler;
  so.bad_logged_per_second = options.bad_logged_per_second;
  const bool pcap = LooksLikePcap(path, bytes.substr(0, 4));
  so.time = pcap ? AsterixTimeReference::kArrival : AsterixTimeReference::kDate;
  so.date_s = options.date_s;
  AsterixStream stream(so, collector.Callbacks());
  double last_expiry_s = -1e300;
  auto expire = [&] {  // stale tracks expire by the file's own clock
    if (collector.latest_s() - last_expiry_s < 1.0) return;
    stream.ExpireStale(collector.latest_s());
    last_expiry_s = collector.latest_s();
  };
  if (pcap) {
    auto parsed = asterix::ParsePcap(bytes, path);
    if (!parsed.ok()) return parsed.status();
    out.pcap_skipped = parsed->skipped;
    for (const asterix::UdpPacket& p : parsed->packets) {
      if (options.udp_port != 0 && p.dst_port != options.udp_port) {
        ++out.pcap_skipped;
        continue;
      }
      stream.FeedDatagram(asterix::Bytes(p.payload.data(), p.payload.size()), p.time_s);
      expire();
    }
  } else {
    constexpr size_t kChunk = 1 << 16;
    for (size_t pos = 0; pos < bytes.size(); pos += kChunk) {
      const size_t n = std::min(kChunk, bytes.size() - pos);
      stream.FeedBytes(asterix::Bytes(reinterpret_cast<const uint8_t*>(bytes.data()) + pos, n));
      expire();
    }
    stream.Finish();
  }
  if (stream.counters().bad > 0 && stream.counters().records == 0)
    return Status::Invalid(path + ": bad ASTERIX input: " + stream.first_bad_description() +
                           " (no valid CAT021/CAT062 record in the file; is it ASTERIX, of these editions?)");
  collector.Finish(&out.updates, &out.distress);
  out.counters = stream.counters();
  return out;
}

}  // namespace deconflict::feeds
