#include "detect/detector.h"

namespace deconflict::detect {

struct Detector::Impl {};

Detector::Detector(DetectorOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}
Detector::~Detector() = default;
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;

// First commit: API only (returns no conflicts); the engine follows.
std::vector<Conflict> Detector::Detect(std::span<const TrackState>, DetectStats* stats) {
  if (stats) *stats = {};
  return {};
}
std::vector<Conflict> Detector::DetectBruteForce(std::span<const TrackState> tracks, DetectStats* stats) {
  return Detect(tracks, stats);
}

}  // namespace deconflict::detect
