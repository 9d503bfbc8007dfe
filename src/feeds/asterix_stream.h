// One ASTERIX input (a UDP socket, a .ast or .pcap file): datagrams -> data blocks -> CAT021/CAT062 records
// -> the feed's TrackAssembler, with counters by outcome and bad-input reason and bad input logged at a
// bounded rate (the RateLimitedLog of SbsStream). The live feed, the file readers, the benchmark and the fuzz
// target all go through this class.
//
// A bad block or record is counted and skipped, never applied; the rest of the stream is kept: a record
// whose end cannot be found (FSPEC or item past the block, undefined item) loses the rest of its block only;
// a record with a bad value loses itself only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "asterix/record.h"
#include "feeds/asterix_decode.h"
#include "feeds/sbs_stream.h"
#include "feeds/track_assembler.h"

namespace deconflict::feeds {

struct AsterixCounters {
  uint64_t datagrams = 0;     // FeedDatagram calls (UDP datagrams, pcap packets, .ast chunks)
  uint64_t blocks = 0;        // data blocks read (good or not)
  uint64_t records = 0;       // CAT021/CAT062 records decoded and applied
  uint64_t track_ends = 0;    // of which CAT062 track ends (TSE)
  uint64_t ignored_blocks = 0;  // blocks of categories that carry no track (CAT065 SDPS status, CAT004, CAT019..)
  uint64_t bad = 0;           // refused blocks and records
  std::array<uint64_t, asterix::kBadReasonCount> bad_by_reason{};

  void Add(const AsterixCounters& other);
  // "datagrams=… blocks=… records=… bad=… (item_overrun=2)".
  std::string Summary() const;
};

// Maps a source (SAC << 8 | SIC, the I0xx/010 of its records) to the party that owns its tracks: a radar or a
// ground station belongs to a party.
using SourcePartyTable = std::unordered_map<int, std::string>;

// How time of day becomes a UNIX time (asterix_decode.h UnixTimeNear).
enum class AsterixTimeReference : uint8_t {
  kArrival,  // nearest to the datagram's arrival time (live feeds: this machine's UTC clock; pcap: its stamps)
  kDate,     // the first record on `date_s` (UTC midnight), each next one nearest to the previous: a .ast file
             // that crosses midnight goes on to the next day
};

struct AsterixStreamOptions {
  std::string source = "asterix";   // named in log lines
  AsterixDecodeOptions decode;      // editions per SAC/SIC, physical limits
  AssemblerOptions assembler;       // party of every track (after the tables), ICAO -> party table, stale time
  std::shared_ptr<const SourcePartyTable> source_parties;  // SAC/SIC -> party, before `assembler.party`
  AsterixTimeReference time = AsterixTimeReference::kArrival;
  double date_s = 0;                // kDate: UNIX time of the UTC midnight of the first record's day
  int bad_logged_per_second = 5;    // 0 = never log (still counted)
};

class AsterixStream {
 public:
  explicit AsterixStream(AsterixStreamOptions options, AssemblerCallbacks callbacks = {});

  // Reads every block of one datagram (several blocks per datagram are allowed) and applies their records.
  void FeedDatagram(asterix::Bytes datagram, double arrival_s = 0);

  // Reads blocks from a byte stream split anywhere (a .ast file read in chunks): complete blocks are applied,
  // a partial last block is kept for the next call. Finish() counts a kept partial block as truncated.
  void FeedBytes(asterix::Bytes bytes);
  void Finish();

  // Each source (SAC/SIC) has a TrackAssembler of its own, bound to its party: source_parties[SAC/SIC], else
  // assembler.party; an ICAO table (assembler.table) still binds the aircraft it lists. Two trackers that see
  // the same aircraft give two streams of updates with the same id, as two SBS receivers do.
  size_t ExpireStale(double now_s);
  size_t aircraft_count() const;
  size_t usable_count() const;
  uint64_t updates_emitted() const;
  std::vector<AircraftInfo> Snapshot() const;  // every source's aircraft, sorted by id

  const AsterixCounters& counters() const { return counters_; }
  const AsterixStreamOptions& options() const { return options_; }
  // The latest record time applied (UNIX seconds); -inf before any.
  double latest_time_s() const { return latest_s_; }
  // The first refusal, for error messages ("" = none).
  const std::string& first_bad_description() const { return first_bad_; }

 private:
  void FeedBlock(const asterix::Block& block, double arrival_s);
  void Bad(asterix::BadReason reason, const std::string& what);
  TrackAssembler& AssemblerOf(int source);

  AsterixStreamOptions options_;
  AssemblerCallbacks callbacks_;
  std::map<int, TrackAssembler> assemblers_;  // by SAC << 8 | SIC
  AsterixCounters counters_;
  RateLimitedLog log_;
  std::string partial_;
  double latest_s_;
  std::string first_bad_;
};

}  // namespace deconflict::feeds
