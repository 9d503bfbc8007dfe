// SBS-1 parse-and-apply throughput on the real shared hour (21,172 lines, 116 aircraft), decompressed in
// memory. Target (issue 5): >= 1,000,000 lines per second on one core. Run: build/bench/sbs_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "feeds/sbs_file.h"
#include "feeds/sbs_stream.h"

namespace deconflict::feeds {
namespace {

const std::string& SharedHour() {
  static const std::string data = [] {
    std::string out;
    const Status s = ForEachFileChunk(DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz",
                                      [&](std::string_view chunk) { out.append(chunk); });
    if (!s.ok()) std::abort();
    return out;
  }();
  return data;
}

// Parse only: one SbsParser over every line.
void BM_SbsParse(benchmark::State& state) {
  const std::string& data = SharedHour();
  SbsParser parser;
  uint64_t lines = 0;
  for (auto _ : state) {
    size_t start = 0;
    while (start < data.size()) {
      size_t end = data.find('\n', start);
      if (end == std::string::npos) end = data.size();
      benchmark::DoNotOptimize(parser.Parse(std::string_view(data).substr(start, end - start)));
      ++lines;
      start = end + 1;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_SbsParse)->Unit(benchmark::kMillisecond);

// Parse and apply: bytes -> lines -> parser -> track assembler -> on_track, as a live feed does.
void BM_SbsParseAndApply(benchmark::State& state) {
  const std::string& data = SharedHour();
  uint64_t updates = 0;
  SbsStreamOptions options;
  options.bad_lines_logged_per_second = 0;
  SbsStream stream(options, {[&](const TrackState& t) { updates += t.id.size() > 0; }, {}, {}});
  for (auto _ : state) {
    stream.FeedBytes(data);
    stream.FinishBytes();
  }
  if (stream.counters().bad != 0) state.SkipWithError("bad lines in the shared hour");
  state.SetItemsProcessed(static_cast<int64_t>(stream.counters().lines));
  state.counters["updates"] = static_cast<double>(updates);
}
BENCHMARK(BM_SbsParseAndApply)->Unit(benchmark::kMillisecond);

// Reading the gzip file through zlib as well (what `deconflict replay` pays per file).
void BM_ReadSbsFile(benchmark::State& state) {
  SbsFileOptions options;
  options.bad_lines_logged_per_second = 0;
  uint64_t lines = 0;
  for (auto _ : state) {
    auto read = ReadSbsFile(DECONFLICT_TEST_DATA "/traffic/switzerland_20180801_1200-1300Z.sbs.gz", options);
    if (!read.ok()) state.SkipWithError(read.status().message().c_str());
    lines += read->counters.lines;
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_ReadSbsFile)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace deconflict::feeds

BENCHMARK_MAIN();
