// Internal helpers shared by the readers (not part of the public API; see reader.h):
// splitting lines and fields, checking a parsed TrackState, and turning a bad field into either an error
// that names source, line and field, or a counted skip (ReadOptions::skip_bad).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "io/reader.h"

namespace deconflict::io::internal {

// What is wrong with one field of a line.
struct FieldError {
  std::string field;
  std::string message;
};

std::string_view Trim(std::string_view s);
std::string Lower(std::string_view s);

// Lines without their terminators ("\n" or "\r\n"), numbered from 1 by position in the returned vector.
std::vector<std::string_view> SplitLines(std::string_view text);

// Fields separated by `sep` (',' for CSV), trimmed; a field in double quotes loses its quotes
// (quoted separators are not supported: ids and parties are plain tokens).
std::vector<std::string_view> SplitFields(std::string_view line, char sep);

// Fields separated by commas and/or runs of blanks (BlueSky and DAIDALUS accept both).
std::vector<std::string_view> SplitCommaOrBlank(std::string_view line);

// A finite decimal number, or a FieldError naming `field` and the text.
std::optional<FieldError> ParseNumber(std::string_view text, std::string_view field, double* out);

// Range checks of every field of a state (docs/io.md "Validation"): id non-empty, lat in [-90, 90],
// lon in [-360, 360], alt_m in [-1000, 60000], gs_mps in [0, 2000], vs_mps in [-300, 300], all finite.
// trk_deg must be finite and is normalised to [0, 360) here.
std::optional<FieldError> CheckState(TrackState* state);

// Applies the skip_bad policy to a bad line.
class LineErrors {
 public:
  LineErrors(std::string_view source, const ReadOptions& options, ReadResult* result)
      : source_(source), options_(options), result_(result) {}

  // "<source>:<line>: field \"<field>\": <message>"; with a position label "record " (JSON arrays without
  // line structure): "<source>: record <n>: field ...".
  std::string Message(std::size_t line, const FieldError& error) const;

  // With skip_bad: counts the line and returns OK (the caller drops the line). Otherwise the error.
  Status Bad(std::size_t line, const FieldError& error);

  // An error in the file's structure (header, unit line) that skip_bad cannot skip.
  Status Fatal(std::size_t line, const FieldError& error) const;

  void set_position_label(std::string label) { position_label_ = std::move(label); }

 private:
  std::string position_label_;
  std::string source_;
  ReadOptions options_;
  ReadResult* result_;
};

// One reader per format; each appends to `result`.
Status ParseStatesCsv(std::string_view text, LineErrors& errors, ReadResult* result);
Status ParseJsonLines(std::string_view text, LineErrors& errors, ReadResult* result);
Status ParseTrafficJson(std::string_view text, LineErrors& errors, ReadResult* result);
Status ParseBlueSkyScenario(std::string_view text, LineErrors& errors, ReadResult* result);
Status ParseDaidalus(std::string_view text, LineErrors& errors, ReadResult* result);

}  // namespace deconflict::io::internal
