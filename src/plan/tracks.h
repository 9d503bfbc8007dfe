// Tracks against plans: conformance of a track to its operation's volumes, and predicted entry of a
// track into a volume within a look-ahead.
//
// Projection: the tactical engine's own (geo::Extrapolate in src/geo/local_frame.h): constant
// horizontal velocity along the tangent to the WGS84 ellipsoid at the track's position -- the model
// the detector applies to every pair -- and linear altitude at the vertical rate. Predicted zone entry
// therefore agrees with what tactical detection would project for the same track. The path is sampled
// every 5 km and the zone boundary crossings are found exactly on each great-circle piece (s2).
#pragma once

#include <s2/s2cap.h>

#include <optional>
#include <vector>

#include "core/track.h"
#include "plan/limits.h"
#include "plan/validate.h"

namespace deconflict::plan {

Conformance CheckConformance(const TrackState& track, const std::vector<CompiledVolume>& volumes,
                             const ConformanceOptions& options);

// The projected path of one track up to a horizon (capped at 2,000 km of travel): built once per
// track and reused against every candidate zone. Samples every 5 km, joined by great-circle pieces.
class ProjectedPath {
 public:
  ProjectedPath(const TrackState& track, double horizon_s);

  const TrackState& track() const { return track_; }
  double horizon_s() const { return horizon_s_; }
  bool stationary() const { return stationary_; }
  size_t segments() const { return points_.size() - 1; }
  double t0(size_t i) const { return times_[i]; }
  double t1(size_t i) const { return times_[i + 1]; }
  const S2Point& a(size_t i) const { return points_[i]; }
  const S2Point& b(size_t i) const { return points_[i + 1]; }
  double Angle(size_t i) const;                        // arc length of piece i, radians
  S2Point TangentTowards(size_t i) const;              // unit tangent at a(i) towards b(i)
  S2Point Along(size_t i, double theta) const;         // the point theta radians along piece i
  double TimeAt(size_t i, double theta) const;         // seconds from track.time_s at that point
  S2Cap Bound(size_t i) const;                         // a cap containing piece i

 private:
  TrackState track_;
  double horizon_s_ = 0;
  bool stationary_ = true;
  std::vector<double> times_;
  std::vector<S2Point> points_;
};

// Seconds from track.time_s until the projected track first lies inside `volume` (outline, altitude
// band and time window at once), if that happens within [0, lookahead_s]. 0 when it is inside now.
// The look-ahead distance is capped at 2,000 km (a great-circle arc must stay well below 180 deg).
std::optional<double> TimeToEntry(const TrackState& track, const CompiledVolume& volume, double lookahead_s);
// The same against a path built once (horizon >= lookahead_s for the full look-ahead).
std::optional<double> TimeToEntry(const ProjectedPath& path, const CompiledVolume& volume, double lookahead_s);

// The projected position after dt seconds (geo::Extrapolate), as an s2 point.
S2Point ProjectPosition(const TrackState& track, double dt_s);

}  // namespace deconflict::plan
