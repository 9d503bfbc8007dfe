#include "feeds/sbs_stream.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>

namespace deconflict::feeds {
namespace {

// The line as it can be printed: control and non-ASCII bytes as \xNN, cut at 80 bytes.
std::string Printable(std::string_view line) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const size_t n = std::min<size_t>(line.size(), 80);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  if (line.size() > n) out += "...";
  return out;
}

}  // namespace

void SbsCounters::Add(const SbsCounters& o) {
  lines += o.lines;
  messages += o.messages;
  keepalives += o.keepalives;
  ignored += o.ignored;
  bad += o.bad;
  for (size_t i = 0; i < kSbsBadReasonCount; ++i) bad_by_reason[i] += o.bad_by_reason[i];
}

std::string SbsCounters::Summary() const {
  std::string out =
      fmt::format("lines={} messages={} keepalives={} ignored={} bad={}", lines, messages, keepalives, ignored, bad);
  std::string reasons;
  for (size_t i = 0; i < kSbsBadReasonCount; ++i) {
    if (bad_by_reason[i] == 0) continue;
    fmt::format_to(std::back_inserter(reasons), "{}{}={}", reasons.empty() ? "" : ", ",
                   SbsBadReasonName(static_cast<SbsBadReason>(i)), bad_by_reason[i]);
  }
  if (!reasons.empty()) fmt::format_to(std::back_inserter(out), " ({})", reasons);
  return out;
}

SbsStream::SbsStream(SbsStreamOptions options, AssemblerCallbacks callbacks)
    : options_(std::move(options)),
      parser_(options_.parse),
      assembler_(options_.assembler, std::move(callbacks)),
      log_(options_.bad_lines_logged_per_second, "bad SBS lines") {}

void SbsStream::CountBad(const SbsParseResult& r, std::string_view line) {
  ++counters_.bad;
  ++counters_.bad_by_reason[static_cast<size_t>(r.reason)];
  const std::string what = DescribeBadLine(r);
  if (first_bad_line_ == 0) {
    first_bad_line_ = counters_.lines;
    first_bad_description_ = what;
  }
  if (options_.bad_lines_logged_per_second > 0)
    log_.Warn(fmt::format("{}:{}: bad SBS line, {}: \"{}\"", options_.source, counters_.lines, what, Printable(line)));
}

const SbsParseResult& SbsStream::FeedLine(std::string_view line, double arrival_s) {
  ++counters_.lines;
  result_ = parser_.Parse(line, arrival_s);
  switch (result_.kind) {
    case SbsLineKind::kMessage:
      ++counters_.messages;
      assembler_.Apply(result_.message);
      break;
    case SbsLineKind::kKeepAlive: ++counters_.keepalives; break;
    case SbsLineKind::kIgnored: ++counters_.ignored; break;
    case SbsLineKind::kBad: CountBad(result_, line); break;
  }
  return result_;
}

void SbsStream::FeedBytes(std::string_view bytes, double arrival_s) {
  const size_t limit = options_.parse.max_line_bytes;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (overlong_) {
      // Skip to the end of the over-long line, which was already counted.
    } else if (partial_.size() + piece.size() > limit + 1) {  // +1: a '\r' before the '\n'
      ++counters_.lines;
      SbsParseResult r;
      r.reason = SbsBadReason::kLineTooLong;
      CountBad(r, partial_.empty() ? piece : std::string_view(partial_));
      partial_.clear();
      overlong_ = true;
    } else if (nl != std::string_view::npos && partial_.empty()) {
      FeedLine(piece, arrival_s);  // the common case: no copy
    } else {
      partial_.append(piece);
      if (nl != std::string_view::npos) {
        FeedLine(partial_, arrival_s);
        partial_.clear();
      }
    }
    if (nl == std::string_view::npos) break;
    overlong_ = false;
    bytes.remove_prefix(nl + 1);
  }
}

void SbsStream::FinishBytes(double arrival_s) {
  if (!partial_.empty()) FeedLine(partial_, arrival_s);
  partial_.clear();
  overlong_ = false;
}

void SbsStream::DiscardPartial() {
  partial_.clear();
  overlong_ = false;
}

}  // namespace deconflict::feeds
