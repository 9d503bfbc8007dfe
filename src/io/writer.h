// Writing conflicts (one snapshot) and alert events (replay) as CSV, JSON or JSON lines, with stable
// columns documented in docs/io.md. Column order and names are part of the interface: add columns at the
// end, never rename or reorder.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "detect/alerting.h"
#include "detect/detector.h"

namespace deconflict::io {

enum class OutputFormat {
  kCsv,        // header line, then one row per conflict / event
  kJson,       // one JSON array of objects
  kJsonLines,  // one JSON object per line
};

// "csv", "json", "jsonl" (case-insensitive).
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// Conflict columns: id1,id2,party1,party2,t_in_s,t_out_s,t_cpa_s,d_cpa_m,dz_cpa_m,h_dist_m,v_dist_m,los,level
// (level: detect::LevelOf, the conflict's own level without history)
// One row per unordered pair, id1 < id2 (byte order), rows sorted by (id1, id2) so that the output does not
// depend on the input order. REQUIRES: conflict indices valid in `tracks`.
inline constexpr std::string_view kConflictColumns =
    "id1,id2,party1,party2,t_in_s,t_out_s,t_cpa_s,d_cpa_m,dz_cpa_m,h_dist_m,v_dist_m,los,level";
void WriteConflicts(std::ostream& out, OutputFormat format, std::span<const TrackState> tracks,
                    const std::vector<detect::Conflict>& conflicts, const detect::AlertingOptions& alerting);

// One alert event of a replay, with what the replay knows beyond the tracker's event.
struct ReplayEvent {
  detect::AlertEvent event;
  detect::AlertLevel max_level = detect::AlertLevel::kNone;  // highest level of the alert so far
  bool los_seen = false;  // separation was actually lost at some step of the alert so far
};

// Event columns: event,time_s,id1,id2,party1,party2,level,previous_level,max_level,t_in_s,t_cpa_s,d_cpa_m,los,
// los_seen,min_h_dist_m,min_v_dist_m,begin_time_s,duration_s,alert_id,notify
// (event: begin, level, end, resume; alert_id: the episode; JSON also carries the episode's level history as
// "history": [{"time_s", "level"}...])
inline constexpr std::string_view kEventColumns =
    "event,time_s,id1,id2,party1,party2,level,previous_level,max_level,t_in_s,t_cpa_s,d_cpa_m,los,los_seen,"
    "min_h_dist_m,min_v_dist_m,begin_time_s,duration_s,alert_id,notify";

// Streams events: the CSV header or the JSON '[' comes with the first Write (or Finish, when none).
class EventWriter {
 public:
  EventWriter(std::ostream& out, OutputFormat format) : out_(out), format_(format) {}
  void Write(const ReplayEvent& e);
  // Closes the JSON array; writes the CSV header when no event was written. Call once at the end.
  void Finish();

 private:
  void Start();
  std::ostream& out_;
  OutputFormat format_;
  bool started_ = false;
  bool first_ = true;
};

// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
std::string CsvField(std::string_view s);

}  // namespace deconflict::io
