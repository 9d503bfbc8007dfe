// libFuzzer target for the ASTERIX input path: arbitrary bytes as a UDP datagram, as a .ast byte stream split
// at an input-chosen point, as one record of every table, and as a pcap file, as they would come from a
// hostile network or file. Built and run by scripts/fuzz-asterix.sh (clang-14,
// -fsanitize=fuzzer,address,undefined); not part of dc_feeds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "asterix/pcap.h"
#include "asterix/record.h"
#include "feeds/asterix_stream.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckTrack(const deconflict::TrackState& t) {
  Check(t.lat_deg >= -90 && t.lat_deg <= 90 && t.lon_deg >= -180 && t.lon_deg <= 180);
  Check(std::isfinite(t.alt_m) && std::isfinite(t.time_s) && std::isfinite(t.vs_mps));
  Check(t.gs_mps >= 0 && std::isfinite(t.gs_mps) && t.trk_deg >= 0 && t.trk_deg <= 360);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deconflict;
  using namespace deconflict::feeds;
  const asterix::Bytes bytes(data, size);

  // 1. One record of every table: a record read must lie inside the input and be made of its items.
  for (asterix::Edition e : {asterix::Edition::kCat021v2_6, asterix::Edition::kCat062v1_18,
                             asterix::Edition::kCat062v0_17, asterix::Edition::kCat004v1_12}) {
    asterix::Record r;
    asterix::RecordError error;
    if (asterix::ReadRecord(asterix::UapOf(e), bytes, &r, &error)) {
      Check(r.size <= size && r.fspec_size >= 1);
      size_t sum = r.fspec_size;
      for (int frn = 1; frn <= asterix::kMaxFrn; ++frn) sum += r.length[static_cast<size_t>(frn)];
      Check(sum == r.size);
    } else {
      Check(error.reason < asterix::BadReason::kCount);
    }
  }

  // 2. The input as one datagram (CAT062 of SAC/SIC 0/0 read as 0.17, the rest by default), then as a byte
  //    stream split where its first octet says.
  AsterixStreamOptions options;
  options.bad_logged_per_second = 0;
  if (!options.decode.editions.Add("0/0:62=0.17").ok()) std::abort();
  uint64_t updates = 0;
  AssemblerCallbacks callbacks{[&](const TrackState& t) {
                                 CheckTrack(t);
                                 ++updates;
                               },
                               {}, {}};
  AsterixStream datagram(options, callbacks);
  datagram.FeedDatagram(bytes, 1.6e9);
  const AsterixCounters& c = datagram.counters();
  Check(c.datagrams == 1 && c.blocks >= c.ignored_blocks);
  Check(datagram.updates_emitted() == updates);

  options.time = AsterixTimeReference::kDate;
  AsterixStream stream(options, callbacks);
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  stream.FeedBytes(bytes.subspan(0, split));
  stream.FeedBytes(bytes.subspan(split));
  stream.Finish();
  uint64_t by_reason = 0;
  for (uint64_t n : stream.counters().bad_by_reason) by_reason += n;
  Check(by_reason == stream.counters().bad);
  stream.ExpireStale(1e12);
  Check(stream.aircraft_count() == 0);

  // 3. As a pcap file.
  auto pcap = asterix::ParsePcap(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  if (pcap.ok()) {
    Check(pcap->packets.size() + pcap->skipped == pcap->frames);
    for (const auto& p : pcap->packets) Check(p.payload.size() <= size);
  }
  return 0;
}
