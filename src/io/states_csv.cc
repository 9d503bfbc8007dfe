// The states CSV (docs/io.md): a header naming the columns, in any order; SI units.
#include <array>

#include "io/text_fields.h"

namespace deconflict::io::internal {

namespace {

enum Column { kId, kParty, kLat, kLon, kAlt, kGs, kTrk, kVs, kTime, kCallsign, kOnGround, kColumnCount };
constexpr std::array<const char*, kColumnCount> kNames = {"id",     "party",  "lat_deg", "lon_deg",  "alt_m",
                                                          "gs_mps", "trk_deg", "vs_mps", "time_s", "callsign",
                                                          "on_ground"};
constexpr std::array<bool, kColumnCount> kRequired = {true, false, true, true, true, true, true, true,
                                                      false, false, false};

bool IsBlankOrComment(std::string_view line) {
  line = Trim(line);
  return line.empty() || line.front() == '#';
}

std::optional<FieldError> ParseBool(std::string_view text, std::string_view field, bool* out) {
  std::string t = Lower(Trim(text));
  if (t == "1" || t == "true" || t == "yes") {
    *out = true;
  } else if (t == "0" || t == "false" || t == "no" || t.empty()) {
    *out = false;
  } else {
    return FieldError{std::string(field), "not a boolean (true/false/1/0): \"" + std::string(text) + "\""};
  }
  return std::nullopt;
}

}  // namespace

Status ParseStatesCsv(std::string_view text, LineErrors& errors, ReadResult* result) {
  std::vector<std::string_view> lines = SplitLines(text);
  std::size_t header_line = 0;
  while (header_line < lines.size() && IsBlankOrComment(lines[header_line])) ++header_line;
  if (header_line == lines.size()) return errors.Fatal(1, {"header", "no header line (empty file)"});

  std::array<int, kColumnCount> index;
  index.fill(-1);
  std::vector<std::string_view> header = SplitFields(lines[header_line], ',');
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string name = Lower(header[i]);
    for (int c = 0; c < kColumnCount; ++c) {
      if (name != kNames[c]) continue;
      if (index[c] >= 0) return errors.Fatal(header_line + 1, {name, "column appears twice in the header"});
      index[c] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kColumnCount; ++c)
    if (kRequired[c] && index[c] < 0)
      return errors.Fatal(header_line + 1, {kNames[c], "missing column (the header needs id, lat_deg, lon_deg, "
                                                       "alt_m, gs_mps, trk_deg, vs_mps)"});

  for (std::size_t li = header_line + 1; li < lines.size(); ++li) {
    if (IsBlankOrComment(lines[li])) continue;
    const std::size_t line_no = li + 1;
    ++result->records;
    std::vector<std::string_view> f = SplitFields(lines[li], ',');
    if (f.size() != header.size()) {
      Status s = errors.Bad(line_no, {"line", std::to_string(f.size()) + " fields where the header has " +
                                                  std::to_string(header.size())});
      if (!s.ok()) return s;
      continue;
    }
    TrackState st;
    st.id = std::string(f[index[kId]]);
    if (index[kParty] >= 0) st.party = std::string(f[index[kParty]]);
    if (index[kCallsign] >= 0) st.callsign = std::string(f[index[kCallsign]]);
    std::optional<FieldError> err;
    struct NumberField {
      Column column;
      double* out;
    };
    const NumberField numbers[] = {{kLat, &st.lat_deg}, {kLon, &st.lon_deg}, {kAlt, &st.alt_m}, {kGs, &st.gs_mps},
                                   {kTrk, &st.trk_deg}, {kVs, &st.vs_mps},  {kTime, &st.time_s}};
    for (const auto& n : numbers) {
      if (index[n.column] < 0) continue;
      err = ParseNumber(f[index[n.column]], kNames[n.column], n.out);
      if (err) break;
    }
    if (!err && index[kOnGround] >= 0) err = ParseBool(f[index[kOnGround]], "on_ground", &st.on_ground);
    if (!err) err = CheckState(&st);
    if (err) {
      Status s = errors.Bad(line_no, *err);
      if (!s.ok()) return s;
      continue;
    }
    result->states.push_back(std::move(st));
  }
  return Status::Ok();
}

}  // namespace deconflict::io::internal
