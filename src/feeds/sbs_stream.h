// One SBS input stream (a TCP connection or a file): bytes -> lines -> parser -> track assembler,
// with counters by outcome and bad-line reason, and bad-line logging at a bounded rate.
// The TCP client, the file reader and the benchmark all go through this class.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/rate_limited_log.h"
#include "feeds/sbs.h"
#include "feeds/track_assembler.h"

namespace deconflict::feeds {

struct SbsCounters {
  uint64_t lines = 0;       // every line, good or bad
  uint64_t messages = 0;    // valid MSG records applied
  uint64_t keepalives = 0;  // empty lines
  uint64_t ignored = 0;     // valid non-MSG BaseStation records (SEL, ID, AIR, STA, CLK)
  uint64_t bad = 0;         // refused lines, never applied
  std::array<uint64_t, kSbsBadReasonCount> bad_by_reason{};

  void Add(const SbsCounters& other);
  // "lines=… messages=… bad=… (too_few_fields=2, bad_address=1)".
  std::string Summary() const;
};

struct SbsStreamOptions {
  std::string source = "sbs";     // named in log lines, e.g. "127.0.0.1:30003" or a file path
  SbsParseOptions parse;
  AssemblerOptions assembler;
  int bad_lines_logged_per_second = 5;  // 0 = never log bad lines (they are still counted)
};

class SbsStream {
 public:
  explicit SbsStream(SbsStreamOptions options, AssemblerCallbacks callbacks = {});

  // Parses and applies one line (terminator removed; a trailing '\r' is dropped). The returned result
  // tells what the line was; bad lines are counted and logged but never applied.
  const SbsParseResult& FeedLine(std::string_view line, double arrival_s = 0);

  // Splits `bytes` on '\n' and feeds each complete line; a partial last line is kept for the next call.
  // A line longer than parse.max_line_bytes is refused as kLineTooLong and skipped to its end.
  void FeedBytes(std::string_view bytes, double arrival_s = 0);
  // Feeds a kept partial line (end of file). A connection that drops drops its partial line instead:
  // call DiscardPartial().
  void FinishBytes(double arrival_s = 0);
  void DiscardPartial();

  TrackAssembler& assembler() { return assembler_; }
  const TrackAssembler& assembler() const { return assembler_; }
  const SbsCounters& counters() const { return counters_; }
  const SbsStreamOptions& options() const { return options_; }
  // 1-based number of the last line fed.
  uint64_t line_number() const { return counters_.lines; }
  // The first refused line, for error messages: its number (0 = none) and description.
  uint64_t first_bad_line() const { return first_bad_line_; }
  const std::string& first_bad_description() const { return first_bad_description_; }

 private:
  void CountBad(const SbsParseResult& r, std::string_view line);

  SbsStreamOptions options_;
  SbsParser parser_;
  TrackAssembler assembler_;
  SbsCounters counters_;
  RateLimitedLog log_;
  SbsParseResult result_;
  std::string partial_;
  bool overlong_ = false;  // skipping the rest of an over-long line
  uint64_t first_bad_line_ = 0;
  std::string first_bad_description_;
};

}  // namespace deconflict::feeds
