#include "io/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "io/text_fields.h"

namespace deconflict::io {

using detect::AlertLevel;
using detect::AlertLevelName;

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string n = internal::Lower(name);
  if (n == "csv") return OutputFormat::kCsv;
  if (n == "json") return OutputFormat::kJson;
  if (n == "jsonl" || n == "ndjson") return OutputFormat::kJsonLines;
  return Status::Invalid("unknown output format \"" + std::string(name) + "\" (expected csv, json or jsonl)");
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

// Fixed decimals keep the output stable and readable: times to the millisecond, distances to the decimetre.
// Values that round to zero are written as 0, never as "-0.000".
std::string Seconds(double v) { return fmt::format("{:.3f}", std::abs(v) < 0.0005 ? 0.0 : v); }
std::string Metres(double v) { return fmt::format("{:.1f}", std::abs(v) < 0.05 ? 0.0 : v); }

nlohmann::json ConflictJson(std::span<const TrackState> tracks, const detect::Conflict& c,
                            const detect::AlertingOptions& alerting) {
  return {{"id1", tracks[c.a].id},      {"id2", tracks[c.b].id},         {"party1", tracks[c.a].party},
          {"party2", tracks[c.b].party}, {"t_in_s", c.t_in_s},            {"t_out_s", c.t_out_s},
          {"t_cpa_s", c.t_cpa_s},        {"d_cpa_m", c.d_cpa_m},          {"dz_cpa_m", c.dz_cpa_m},
          {"h_dist_m", c.h_dist_m},      {"v_dist_m", c.v_dist_m},        {"los", c.los},
          {"level", AlertLevelName(LevelOf(c, alerting))}};
}

nlohmann::json EventJson(const ReplayEvent& r) {
  const detect::AlertEvent& e = r.event;
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : e.history) history.push_back({{"time_s", h.time_s}, {"level", AlertLevelName(h.level)}});
  return {{"event", detect::AlertEventKindName(e.kind)},
          {"time_s", e.time_s},
          {"id1", e.id_a},
          {"id2", e.id_b},
          {"party1", e.party_a},
          {"party2", e.party_b},
          {"level", AlertLevelName(e.level)},
          {"previous_level", AlertLevelName(e.previous_level)},
          {"max_level", AlertLevelName(r.max_level)},
          {"t_in_s", e.t_in_s},
          {"t_cpa_s", e.t_cpa_s},
          {"d_cpa_m", e.d_cpa_m},
          {"los", e.los},
          {"los_seen", r.los_seen},
          {"min_h_dist_m", e.min_h_dist_m},
          {"min_v_dist_m", e.min_v_dist_m},
          {"begin_time_s", e.begin_time_s},
          {"duration_s", e.time_s - e.begin_time_s},
          {"alert_id", e.alert_id},
          {"notify", e.notify},
          {"history", std::move(history)}};
}

}  // namespace

void WriteConflicts(std::ostream& out, OutputFormat format, std::span<const TrackState> tracks,
                    const std::vector<detect::Conflict>& unordered, const detect::AlertingOptions& alerting) {
  // Stable output whatever the input order: id1 < id2 in each row, rows sorted by (id1, id2).
  std::vector<detect::Conflict> conflicts = unordered;
  for (auto& c : conflicts)
    if (tracks[c.b].id < tracks[c.a].id) std::swap(c.a, c.b);
  std::sort(conflicts.begin(), conflicts.end(), [&](const detect::Conflict& x, const detect::Conflict& y) {
    if (tracks[x.a].id != tracks[y.a].id) return tracks[x.a].id < tracks[y.a].id;
    return tracks[x.b].id < tracks[y.b].id;
  });
  switch (format) {
    case OutputFormat::kCsv:
      out << kConflictColumns << '\n';
      for (const auto& c : conflicts) {
        const TrackState& a = tracks[c.a];
        const TrackState& b = tracks[c.b];
        out << CsvField(a.id) << ',' << CsvField(b.id) << ',' << CsvField(a.party) << ',' << CsvField(b.party) << ','
            << Seconds(c.t_in_s) << ',' << Seconds(c.t_out_s) << ',' << Seconds(c.t_cpa_s) << ','
            << Metres(c.d_cpa_m) << ',' << Metres(c.dz_cpa_m) << ',' << Metres(c.h_dist_m) << ','
            << Metres(c.v_dist_m) << ',' << (c.los ? "true" : "false") << ','
            << AlertLevelName(LevelOf(c, alerting)) << '\n';
      }
      break;
    case OutputFormat::kJson: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& c : conflicts) arr.push_back(ConflictJson(tracks, c, alerting));
      out << arr.dump(1) << '\n';
      break;
    }
    case OutputFormat::kJsonLines:
      for (const auto& c : conflicts) out << ConflictJson(tracks, c, alerting).dump() << '\n';
      break;
  }
}

void EventWriter::Start() {
  if (started_) return;
  started_ = true;
  if (format_ == OutputFormat::kCsv) out_ << kEventColumns << '\n';
  if (format_ == OutputFormat::kJson) out_ << "[";
}

void EventWriter::Write(const ReplayEvent& r) {
  Start();
  const detect::AlertEvent& e = r.event;
  switch (format_) {
    case OutputFormat::kCsv:
      out_ << detect::AlertEventKindName(e.kind) << ',' << Seconds(e.time_s) << ',' << CsvField(e.id_a) << ','
           << CsvField(e.id_b) << ',' << CsvField(e.party_a) << ',' << CsvField(e.party_b) << ','
           << AlertLevelName(e.level) << ',' << AlertLevelName(e.previous_level) << ','
           << AlertLevelName(r.max_level) << ',' << Seconds(e.t_in_s) << ',' << Seconds(e.t_cpa_s) << ','
           << Metres(e.d_cpa_m) << ',' << (e.los ? "true" : "false") << ',' << (r.los_seen ? "true" : "false")
           << ',' << Metres(e.min_h_dist_m) << ',' << Metres(e.min_v_dist_m) << ',' << Seconds(e.begin_time_s)
           << ',' << Seconds(e.time_s - e.begin_time_s) << ',' << e.alert_id << ','
           << (e.notify ? "true" : "false") << '\n';
      break;
    case OutputFormat::kJson:
      out_ << (first_ ? "\n" : ",\n") << EventJson(r).dump();
      break;
    case OutputFormat::kJsonLines:
      out_ << EventJson(r).dump() << '\n';
      break;
  }
  first_ = false;
}

void EventWriter::Finish() {
  Start();
  if (format_ == OutputFormat::kJson) out_ << "\n]\n";
  out_.flush();
}

}  // namespace deconflict::io
