#include "io/text_fields.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/units.h"

namespace deconflict::io::internal {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> SplitFields(std::string_view line, char sep) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(sep, start);
    std::string_view f = Trim(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
    fields.push_back(f);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

std::vector<std::string_view> SplitCommaOrBlank(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  auto is_sep = [](char c) { return c == ',' || std::isspace(static_cast<unsigned char>(c)); };
  while (i < line.size()) {
    // Skip blanks; one comma ends a field, so ",," is an empty field.
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::size_t start = i;
    while (i < line.size() && !is_sep(line[i])) ++i;
    fields.push_back(line.substr(start, i - start));
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i < line.size() && line[i] == ',') ++i;
  }
  return fields;
}

std::optional<FieldError> ParseNumber(std::string_view text, std::string_view field, double* out) {
  auto n = units::ParseFiniteNumber(text);
  if (!n.ok()) {
    if (Trim(text).empty()) return FieldError{std::string(field), "empty value"};
    return FieldError{std::string(field), "not a finite number: \"" + std::string(text) + "\""};
  }
  *out = *n;
  return std::nullopt;
}

namespace {
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}
std::optional<FieldError> Range(std::string_view field, double v, double lo, double hi, const char* what) {
  if (!std::isfinite(v)) return FieldError{std::string(field), std::string(what) + " is not finite"};
  if (v < lo || v > hi)
    return FieldError{std::string(field), std::string(what) + " " + Num(v) + " outside [" + Num(lo) + ", " + Num(hi) + "]"};
  return std::nullopt;
}
}  // namespace

std::optional<FieldError> CheckState(TrackState* s) {
  if (s->id.empty()) return FieldError{"id", "empty aircraft id"};
  if (!std::isfinite(s->time_s)) return FieldError{"time_s", "time is not finite"};
  if (auto e = Range("lat_deg", s->lat_deg, -90, 90, "latitude")) return e;
  if (auto e = Range("lon_deg", s->lon_deg, -360, 360, "longitude")) return e;
  if (auto e = Range("alt_m", s->alt_m, -1000, 60000, "altitude (m)")) return e;
  if (auto e = Range("gs_mps", s->gs_mps, 0, 2000, "ground speed (m/s)")) return e;
  if (auto e = Range("vs_mps", s->vs_mps, -300, 300, "vertical rate (m/s)")) return e;
  if (!std::isfinite(s->trk_deg)) return FieldError{"trk_deg", "track angle is not finite"};
  double trk = std::fmod(s->trk_deg, 360.0);
  if (trk < 0) trk += 360.0;
  if (trk >= 360.0) trk = 0.0;
  s->trk_deg = trk;
  return std::nullopt;
}

std::string LineErrors::Message(std::size_t line, const FieldError& error) const {
  std::string where = position_label_.empty() ? source_ + ":" + std::to_string(line)
                                              : source_ + ": " + position_label_ + std::to_string(line);
  return where + ": field \"" + error.field + "\": " + error.message;
}

Status LineErrors::Bad(std::size_t line, const FieldError& error) {
  if (!options_.skip_bad) return Status::Invalid(Message(line, error));
  if (result_->skipped == 0) result_->first_skipped = Message(line, error);
  ++result_->skipped;
  return Status::Ok();
}

Status LineErrors::Fatal(std::size_t line, const FieldError& error) const {
  return Status::Invalid(Message(line, error));
}

}  // namespace deconflict::io::internal
