// ASTERIX recordings turned into time-ordered track updates, for `deconflict replay` / `detect` and tests:
//   .ast  raw data blocks one after the other (plain or gzip); times of day on `date` (UTC), crossing
//         midnight onto the next day;
//   .pcap UDP datagrams captured on the feed (every UDP packet of the file, or those to `udp_port`); times
//         of day placed nearest to each packet's capture time.
// Both go through the same AsterixStream as a live feed.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "feeds/asterix_stream.h"
#include "feeds/sbs_file.h"

namespace deconflict::feeds {

struct AsterixFileOptions {
  AsterixDecodeOptions decode;     // editions (default CAT021 2.6, CAT062 1.18; per SAC/SIC), limits
  AssemblerOptions assembler;      // party / ICAO table, stale_after_s
  double date_s = 0;               // .ast: UNIX time of the UTC midnight of the first record (0 = 1970-01-01)
  int udp_port = 0;                // .pcap: only datagrams to this port (0 = every UDP datagram)
  bool coalesce = true;            // as SbsFileOptions::coalesce
  int bad_logged_per_second = 5;
};

struct AsterixFileContents {
  std::vector<TrackState> updates;      // sorted by time_s (stable)
  std::vector<DistressEvent> distress;  // in file order
  AsterixCounters counters;
  uint64_t pcap_skipped = 0;            // .pcap frames that are not UDP (or not to udp_port)
};

// Reads `path` as .pcap when its name ends in .pcap (or it starts with a pcap magic number), else as .ast.
// Errors: kIo (cannot open or read), kInvalidArgument (a broken pcap, or bad input and no valid record at
// all: not ASTERIX, or another edition), naming the file and the first refusal.
Result<AsterixFileContents> ReadAsterixFile(const std::string& path, const AsterixFileOptions& options = {});

// "2018-08-01" -> UNIX time of its UTC midnight. Errors name the text.
Result<double> ParseUtcDate(const std::string& text);

}  // namespace deconflict::feeds
