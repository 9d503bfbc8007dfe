// ASTERIX parse-and-apply throughput on the real shared hour (9,750 track updates of 116 aircraft) encoded in
// memory as CAT021 2.6 and CAT062 1.18 datagrams (2 blocks of 10 records each), as a radar LAN carries them.
// Target (issue 15): >= 1,000,000 records per second on one core. Run: build/bench/asterix_bench
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "asterix/encode.h"
#include "feeds/asterix_stream.h"
#include "feeds/sbs_file.h"

namespace deconflict::feeds {
namespace {

using asterix::Edition;

const std::vector<std::vector<uint8_t>>& Datagrams(Edition edition) {
  static std::vector<std::vector<uint8_t>> by_edition[2];
  auto& out = by_edition[edition == Edition::kCat021v2_6 ? 0 : 1];
  if (!out.empty()) return out;
  auto read = ReadSbsFile(DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz");
  if (!read.ok()) std::abort();
  const uint8_t category = asterix::UapOf(edition).category;
  size_t i = 0;
  while (i < read->updates.size()) {
    std::vector<uint8_t> datagram;
    for (int b = 0; b < 2 && i < read->updates.size(); ++b) {
      asterix::BlockWriter block(category);
      for (int r = 0; r < 10 && i < read->updates.size(); ++r, ++i) {
        asterix::TrackReport t = asterix::ReportOf(read->updates[i], 25, 100);
        t.has_squawk = true;
        t.squawk = 1000;
        block.Add(category == 21 ? asterix::EncodeCat021(t, edition) : asterix::EncodeCat062(t, edition));
      }
      const auto bytes = block.Finish();
      datagram.insert(datagram.end(), bytes.begin(), bytes.end());
    }
    out.push_back(std::move(datagram));
  }
  return out;
}

// Records read and decoded into the feed's message (no track assembly).
void BM_AsterixDecode(benchmark::State& state) {
  const Edition edition = state.range(0) == 21 ? Edition::kCat021v2_6 : Edition::kCat062v1_18;
  const auto& datagrams = Datagrams(edition);
  AsterixDecodeOptions options;
  uint64_t records = 0;
  for (auto _ : state) {
    for (const auto& d : datagrams) {
      size_t pos = 0;
      while (pos < d.size()) {
        asterix::Block block;
        asterix::BadReason why{};
        if (!asterix::ReadBlock(asterix::Bytes(d).subspan(pos), &block, &why)) std::abort();
        asterix::Bytes rest = block.records;
        while (!rest.empty()) {
          AsterixReport report;
          size_t consumed = 0;
          asterix::RecordError error;
          if (!DecodeAsterixRecord(options, block.category, rest, 1.5e9, &report, &consumed, &error)) std::abort();
          benchmark::DoNotOptimize(report);
          rest = rest.subspan(consumed);
          ++records;
        }
        pos += block.size;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_AsterixDecode)->Arg(21)->Arg(62)->Unit(benchmark::kMillisecond);

// Parse and apply: datagrams -> blocks -> records -> track assembler -> on_track, as a live feed does.
void BM_AsterixParseAndApply(benchmark::State& state) {
  const Edition edition = state.range(0) == 21 ? Edition::kCat021v2_6 : Edition::kCat062v1_18;
  const auto& datagrams = Datagrams(edition);
  uint64_t updates = 0;
  AsterixStreamOptions options;
  options.bad_logged_per_second = 0;
  AsterixStream stream(options, {[&](const TrackState& t) { updates += t.id.size() > 0; }, {}, {}});
  for (auto _ : state)
    for (const auto& d : datagrams) stream.FeedDatagram(asterix::Bytes(d), 1533124800);
  if (stream.counters().bad != 0) state.SkipWithError("bad records");
  state.SetItemsProcessed(static_cast<int64_t>(stream.counters().records));
  state.counters["updates"] = static_cast<double>(updates);
}
BENCHMARK(BM_AsterixParseAndApply)->Arg(21)->Arg(62)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace deconflict::feeds

BENCHMARK_MAIN();
