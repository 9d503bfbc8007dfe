// libFuzzer target for the SBS-1 input path: arbitrary bytes go through SbsStream (line splitting, the
// parser, the track assembler, distress detection and expiry), as they would from a hostile feed.
// Built and run by scripts/fuzz-sbs.sh (clang-14, -fsanitize=fuzzer,address,undefined); not part of dc_feeds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "feeds/sbs_stream.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deconflict;
  using namespace deconflict::feeds;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // 1. Each line alone: what the parser accepts must satisfy its documented contract.
  SbsParser parser;
  size_t start = 0;
  while (start <= bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    const SbsParseResult r = parser.Parse(bytes.substr(start, end - start), 0);
    if (r.kind == SbsLineKind::kMessage) {
      const SbsMessage& m = r.message;
      Check(m.type >= 1 && m.type <= 8);
      Check((m.address & ~(kNonIcaoAddressBit | 0xFFFFFFu)) == 0);
      Check(std::isfinite(m.time_s));
      if (m.has(kHasPosition)) Check(m.lat_deg >= -90 && m.lat_deg <= 90 && m.lon_deg >= -180 && m.lon_deg <= 180);
      if (m.has(kHasGroundSpeed)) Check(m.gs_mps >= 0 && std::isfinite(m.gs_mps));
      if (m.has(kHasAltitude)) Check(std::isfinite(m.alt_m));
      if (m.has(kHasTrack)) Check(m.trk_deg >= 0 && m.trk_deg <= 360);
      if (m.has(kHasVerticalRate)) Check(std::isfinite(m.vs_mps));
      Check(m.callsign_view().size() <= 8);
    } else if (r.kind == SbsLineKind::kBad) {
      Check(r.reason < SbsBadReason::kCount);
    }
    start = end + 1;
  }

  // 2. The whole input as a stream, split at an input-chosen point, with the assembler behind it.
  SbsStreamOptions options;
  options.bad_lines_logged_per_second = 0;
  uint64_t updates = 0;
  SbsStream stream(options, {[&](const deconflict::TrackState& t) {
                               Check(t.lat_deg >= -90 && t.lat_deg <= 90);
                               ++updates;
                             },
                             {}, {}});
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  stream.FeedBytes(bytes.substr(0, split));
  stream.FeedBytes(bytes.substr(split));
  stream.FinishBytes();
  const SbsCounters& c = stream.counters();
  Check(c.lines == c.messages + c.keepalives + c.ignored + c.bad);
  Check(stream.assembler().updates_emitted() == updates);
  stream.assembler().ExpireStale(1e12);
  Check(stream.assembler().aircraft_count() == 0);
  return 0;
}
