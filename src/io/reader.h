// Reading aircraft states from files: one public entry point for every input format.
// Every field of every line is validated; a bad line is an error that names the file, the line and the
// field (e.g. `states.csv:7: field "lat_deg": latitude 95 outside [-90, 90]`), or, with
// ReadOptions::skip_bad, a skipped line that is counted. Nothing is read as a silent zero.
// Formats and columns are documented in docs/io.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/track.h"

namespace deconflict::io {

enum class InputFormat {
  kAuto,       // chosen from the file name (FormatFromPath)
  kStatesCsv,  // .csv: header with SI columns found by name, any order
  kJsonLines,  // .jsonl / .ndjson: one JSON object per line, same field names as the CSV
  kTraffic,    // .json / .json.gz: the `traffic` library's JSON array of trajectory points (ft, kt, ft/min)
  kBlueSky,    // .scn: BlueSky scenario (CRE, ZONER, ZONEDH, DTLOOK)
  kDaidalus,   // .daa: DAIDALUS encounter file (header line, units line, first aircraft is ownship)
  kSbs,        // .sbs: SBS-1/BaseStation lines. Parsed by feeds::ReadSbsFile (src/feeds), not here: the
               // commands route it there; ParseStates/ReadStates return an error naming that reader.
  kAsterix,    // .ast (raw ASTERIX data blocks) and .pcap (UDP datagrams of ASTERIX): CAT021/CAT062, read by
               // feeds::ReadAsterixFile (src/feeds), routed there like kSbs.
};

// "csv", "jsonl", "traffic", "scn", "daa", "sbs", "asterix" (case-insensitive); "auto" gives kAuto.
Result<InputFormat> ParseInputFormat(std::string_view name);
const char* InputFormatName(InputFormat format);

// By extension, ignoring a trailing ".gz": .csv, .jsonl/.ndjson, .json, .scn, .daa, .sbs, .ast/.pcap.
// Unknown extensions are an error that lists the accepted ones.
Result<InputFormat> FormatFromPath(std::string_view path);

struct ReadOptions {
  // false (default): the first bad line is an error. true: bad data lines are skipped and counted in
  // ReadResult::skipped; header errors (a missing column, an unknown unit) are errors all the same.
  bool skip_bad = false;
};

// Settings that a scenario file carries (BlueSky ZONER/ZONEDH/DTLOOK), in SI. Unset when absent.
struct ScenarioSettings {
  std::optional<double> horizontal_m;  // ZONER: protected-zone radius
  std::optional<double> vertical_m;    // ZONEDH: protected-zone half height
  std::optional<double> lookahead_s;   // DTLOOK: look-ahead time
};

struct ReadResult {
  std::vector<TrackState> states;  // in file order (not necessarily time order)
  std::size_t records = 0;         // data lines / records seen (including skipped ones)
  std::size_t skipped = 0;         // bad lines skipped under skip_bad
  std::string first_skipped;       // the error message of the first skipped line, for the report
  std::size_t incomplete = 0;      // `traffic` records with null fields, left out (never read as zero)
  std::size_t ignored_commands = 0;  // .scn commands other than CRE/ZONER/ZONEDH/DTLOOK
  ScenarioSettings scenario;
};

// Reads `path` (plain or gzip-compressed; zlib detects which) in `format` (kAuto: by extension).
// Errors: kIo when the file cannot be read; kInvalidArgument for bad content, naming file, line, field.
Result<ReadResult> ReadStates(const std::string& path, InputFormat format, const ReadOptions& options = {});

// Parses `text` as `format` (not kAuto); `source` names it in error messages (a file name).
Result<ReadResult> ParseStates(std::string_view text, std::string_view source, InputFormat format,
                               const ReadOptions& options = {});

// The whole content of `path`, gunzipped when it is gzip-compressed. Errors: kIo naming the file.
Result<std::string> ReadFileContent(const std::string& path);

}  // namespace deconflict::io
