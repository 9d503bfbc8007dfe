#include "feeds/asterix_stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>

namespace deconflict::feeds {

namespace {
// Categories that carry no aircraft track but are normal on a surveillance network: counted as ignored.
bool IsKnownNonTrackCategory(uint8_t category) {
  switch (category) {
    case 2: case 4: case 8: case 19: case 23: case 25: case 34: case 63: case 65: case 247: return true;
    default: return false;
  }
}
// kDate: a reference half a day (less a second) after midnight puts a first time of day in [0, 86400) on it.
constexpr double kFirstRecordReference = 43199.5;
}  // namespace

void AsterixCounters::Add(const AsterixCounters& o) {
  datagrams += o.datagrams;
  blocks += o.blocks;
  records += o.records;
  track_ends += o.track_ends;
  ignored_blocks += o.ignored_blocks;
  bad += o.bad;
  for (size_t i = 0; i < bad_by_reason.size(); ++i) bad_by_reason[i] += o.bad_by_reason[i];
}

std::string AsterixCounters::Summary() const {
  std::string s = fmt::format("datagrams={} blocks={} records={} track_ends={} ignored_blocks={} bad={}", datagrams,
                              blocks, records, track_ends, ignored_blocks, bad);
  std::string reasons;
  for (size_t i = 0; i < bad_by_reason.size(); ++i) {
    if (bad_by_reason[i] == 0) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons += fmt::format("{}={}", asterix::BadReasonName(static_cast<asterix::BadReason>(i)), bad_by_reason[i]);
  }
  if (!reasons.empty()) s += " (" + reasons + ")";
  return s;
}

AsterixStream::AsterixStream(AsterixStreamOptions options, AssemblerCallbacks callbacks)
    : options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      log_(options_.bad_logged_per_second),
      latest_s_(-std::numeric_limits<double>::infinity()) {}

void AsterixStream::Bad(asterix::BadReason reason, const std::string& what) {
  ++counters_.bad;
  ++counters_.bad_by_reason[static_cast<size_t>(reason)];
  if (first_bad_.empty()) first_bad_ = what;
  if (options_.bad_logged_per_second > 0) log_.Warn(options_.source + ": bad ASTERIX input, " + what);
}

void AsterixStream::FeedDatagram(asterix::Bytes datagram, double arrival_s) {
  ++counters_.datagrams;
  size_t pos = 0;
  while (pos < datagram.size()) {
    asterix::Block block;
    asterix::BadReason reason{};
    ++counters_.blocks;
    if (!asterix::ReadBlock(datagram.subspan(pos), &block, &reason)) {
      Bad(reason, fmt::format("datagram {} octet {}: block of {} octets: {}", counters_.datagrams, pos,
                              datagram.size() - pos, asterix::BadReasonName(reason)));
      return;  // the block's length cannot be trusted: the rest of the datagram is lost
    }
    FeedBlock(block, arrival_s);
    pos += block.size;
  }
}

void AsterixStream::FeedBlock(const asterix::Block& block, double arrival_s) {
  if (block.category != 21 && block.category != 62) {
    if (IsKnownNonTrackCategory(block.category)) ++counters_.ignored_blocks;
    else Bad(asterix::BadReason::kUnknownCategory, fmt::format("block {}: category {}", counters_.blocks, block.category));
    return;
  }
  asterix::Bytes rest = block.records;
  if (rest.empty()) {
    Bad(asterix::BadReason::kBadBlockLength, fmt::format("block {}: CAT{:03} block without a record", counters_.blocks,
                                                         block.category));
    return;
  }
  AsterixReport report;
  while (!rest.empty()) {
    double reference = arrival_s;
    if (options_.time == AsterixTimeReference::kDate)
      reference = latest_s_ > -std::numeric_limits<double>::infinity() ? latest_s_
                                                                       : options_.date_s + kFirstRecordReference;
    size_t consumed = 0;
    asterix::RecordError error;
    if (!DecodeAsterixRecord(options_.decode, block.category, rest, reference, &report, &consumed, &error)) {
      Bad(error.reason, fmt::format("block {} CAT{:03} record at octet {}: {}", counters_.blocks, block.category,
                                    block.records.size() - rest.size() + 3, asterix::DescribeError(error)));
      if (consumed == 0) return;  // its end is unknown: the rest of the block is lost
      rest = rest.subspan(consumed);
      continue;
    }
    rest = rest.subspan(consumed);
    ++counters_.records;
    latest_s_ = std::max(latest_s_, report.message.time_s);
    if (report.track_end) {
      ++counters_.track_ends;
      AssemblerOf(report.source).End(report.message.address);
    } else {
      AssemblerOf(report.source).Apply(report.message);
    }
  }
}

TrackAssembler& AsterixStream::AssemblerOf(int source) {
  auto it = assemblers_.find(source);
  if (it != assemblers_.end()) return it->second;
  AssemblerOptions o = options_.assembler;
  if (options_.source_parties) {
    auto p = options_.source_parties->find(source);
    if (p != options_.source_parties->end()) o.party = p->second;
  }
  return assemblers_.emplace(source, TrackAssembler(std::move(o), callbacks_)).first->second;
}

size_t AsterixStream::ExpireStale(double now_s) {
  size_t n = 0;
  for (auto& [source, a] : assemblers_) n += a.ExpireStale(now_s);
  return n;
}

size_t AsterixStream::aircraft_count() const {
  size_t n = 0;
  for (const auto& [source, a] : assemblers_) n += a.aircraft_count();
  return n;
}

size_t AsterixStream::usable_count() const {
  size_t n = 0;
  for (const auto& [source, a] : assemblers_) n += a.usable_count();
  return n;
}

uint64_t AsterixStream::updates_emitted() const {
  uint64_t n = 0;
  for (const auto& [source, a] : assemblers_) n += a.updates_emitted();
  return n;
}

std::vector<AircraftInfo> AsterixStream::Snapshot() const {
  std::vector<AircraftInfo> out;
  for (const auto& [source, a] : assemblers_) {
    auto part = a.Snapshot();
    out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  std::stable_sort(out.begin(), out.end(), [](const AircraftInfo& x, const AircraftInfo& y) { return x.id < y.id; });
  return out;
}

void AsterixStream::FeedBytes(asterix::Bytes bytes) {
  partial_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t pos = 0;
  while (partial_.size() - pos >= 3) {
    const auto* p = reinterpret_cast<const uint8_t*>(partial_.data()) + pos;
    const size_t len = (size_t{p[1]} << 8) | p[2];
    if (len < 3) {
      // Without a usable length nothing after this point can be framed: count it and drop the rest.
      ++counters_.blocks;
      Bad(asterix::BadReason::kBadBlockLength, fmt::format("block {}: LEN {} (below 3); the rest of the input is lost",
                                                           counters_.blocks, len));
      partial_.clear();
      return;
    }
    if (partial_.size() - pos < len) break;
    FeedDatagram(asterix::Bytes(p, len), 0);
    pos += len;
  }
  partial_.erase(0, pos);
}

void AsterixStream::Finish() {
  if (partial_.empty()) return;
  ++counters_.blocks;
  Bad(asterix::BadReason::kTruncatedBlock,
      fmt::format("block {}: {} octets at the end of the input, a truncated block", counters_.blocks, partial_.size()));
  partial_.clear();
}

}  // namespace deconflict::feeds
