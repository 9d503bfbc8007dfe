#include "detect/alerting.h"

namespace deconflict::detect {

const char* AlertLevelName(AlertLevel level) {
  switch (level) {
    case AlertLevel::kNone: return "none";
    case AlertLevel::kCaution: return "caution";
    case AlertLevel::kWarning: return "warning";
  }
  return "?";
}

const char* AlertEventKindName(AlertEvent::Kind kind) {
  switch (kind) {
    case AlertEvent::Kind::kBegin: return "begin";
    case AlertEvent::Kind::kLevelChange: return "level";
    case AlertEvent::Kind::kEnd: return "end";
  }
  return "?";
}

AlertTracker::AlertTracker(AlertingOptions options) : options_(options) {}

// First commit: API only (no events); the logic follows.
std::vector<AlertEvent> AlertTracker::Update(double, std::span<const TrackState>, const std::vector<Conflict>&) {
  return {};
}
std::vector<AlertEvent> AlertTracker::Flush(double) { return {}; }

}  // namespace deconflict::detect
