// SBS files (plain or gzip, read through zlib) turned into time-ordered track updates, for
// `deconflict replay` and for tests. The file's lines go through the same SbsStream as a live feed.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "feeds/sbs_stream.h"

namespace deconflict::feeds {

struct SbsFileOptions {
  SbsParseOptions parse;           // default: message times read as UTC (the shared SBS file is UTC;
                                   // use kMessageLocal for a dump1090 recording with TZ set as recorded)
  AssemblerOptions assembler;      // party / ICAO table, stale_after_s (default 60 s)
  bool strict = false;             // true: the first bad line fails the read (file:line: reason at field N)
  bool coalesce = true;            // one update per aircraft and position time (MSG,3 then MSG,4 of the
                                   // same instant give one update carrying both)
  int bad_lines_logged_per_second = 5;
};

struct SbsFileContents {
  std::vector<TrackState> updates;      // usable-track updates, sorted by time_s (stable)
  std::vector<DistressEvent> distress;  // in file order
  SbsCounters counters;                 // lines, messages, bad lines by reason
  uint64_t skipped_bad() const { return counters.bad; }
};

// Collects a file's track updates and distress events as ReadSbsFile and ReadAsterixFile give them: updates
// of one aircraft with the same position time coalesced (when `coalesce`), the file's own clock (the latest
// position time) for expiry, and a time-ordered result.
class UpdateCollector {
 public:
  explicit UpdateCollector(bool coalesce) : coalesce_(coalesce) {}
  AssemblerCallbacks Callbacks();
  double latest_s() const { return latest_s_; }
  // Sorts the updates by time (stable) and moves them and the distress events out.
  void Finish(std::vector<TrackState>* updates, std::vector<DistressEvent>* distress);

 private:
  bool coalesce_;
  std::vector<TrackState> updates_;
  std::vector<DistressEvent> distress_;
  std::unordered_map<std::string, size_t> last_update_;  // id -> index in updates_
  double latest_s_ = -1e300;
};

// Reads a whole SBS file. Errors: kIo when the file cannot be opened or read (gzip corruption included),
// kInvalidArgument when `strict` and a line is bad, or when the file holds no valid MSG record but has
// bad lines (it is not an SBS file); both name the file, line and field.
Result<SbsFileContents> ReadSbsFile(const std::string& path, const SbsFileOptions& options = {});

// Streams a file's bytes (plain or gzip) in chunks to `sink`. Errors name the file.
Status ForEachFileChunk(const std::string& path, const std::function<void(std::string_view)>& sink);

}  // namespace deconflict::feeds
