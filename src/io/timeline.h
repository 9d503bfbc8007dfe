// Recorded states (any order) turned into snapshots at chosen times: the input side of replay and of
// `detect` on files that hold several times. Each aircraft is represented by its latest report at or
// before the snapshot time, dead-reckoned (straight line, constant ground speed, track and vertical
// rate) to that time.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/track.h"

namespace deconflict::io {

// `s` moved by dt = time_s - s.time_s seconds along its track at its ground speed, and vertically at its
// vertical rate; time_s set to `time_s`. A local step on the WGS84 ellipsoid with the meridian and
// prime-vertical radii of curvature at the step's mean latitude: against the GeographicLib geodesic the
// distance moved is within 0.5 m for 7.5 km (30 s at 250 m/s) up to 80° latitude (timeline_test.cc);
// meant for the short extrapolations of replay (seconds to minutes), not for long ones. Latitude is clamped to [-90, 90]; longitude normalised to
// [-180, 180). REQUIRES: finite fields (readers guarantee it).
TrackState DeadReckon(const TrackState& s, double time_s);

struct TimelineOptions {
  // An aircraft not heard for longer than this is left out of snapshots (default +inf: never).
  double stale_s = std::numeric_limits<double>::infinity();
  // Reports with on_ground take the aircraft out of snapshots until it reports airborne again.
  bool drop_on_ground = true;
  // false (default): a snapshot holds each aircraft's last reported altitude and moves it horizontally
  // only; its vertical rate is kept for the detector's prediction. Reported vertical rates are noisy in
  // level flight (on the real Switzerland day NAX3YL reports +576 ft/min at a steady FL370), so moving
  // altitudes by them for a few seconds between reports invents vertical busts that no report shows;
  // a real bust shows in the next reported altitude. true: altitude += vs * dt as well.
  bool extrapolate_altitude = false;
};

// Not thread-safe. Snapshot times must not decrease.
class Timeline {
 public:
  // Sorts the states by time (stable: equal times keep file order, later in the file wins).
  explicit Timeline(std::vector<TrackState> states, TimelineOptions options = {});

  bool empty() const { return states_.empty(); }
  double first_time_s() const;  // REQUIRES: !empty()
  double last_time_s() const;   // REQUIRES: !empty()
  // The earliest time at which every aircraft of the input has reported at least once (the time of the
  // first report of the last aircraft to appear). REQUIRES: !empty()
  double all_reported_time_s() const;
  std::size_t aircraft() const;  // distinct ids in the input

  // Applies every report with time_s <= t not yet applied, then writes into *out the airborne aircraft
  // heard within stale_s, dead-reckoned to t (see extrapolate_altitude), in order of first appearance.
  // REQUIRES: t >= previous t.
  void SnapshotAt(double t, std::vector<TrackState>* out);

 private:
  struct Latest {
    std::size_t state = 0;  // index into states_ of the latest applied report
    bool seen = false;
  };
  TimelineOptions options_;
  std::vector<TrackState> states_;
  std::size_t next_ = 0;  // first state not yet applied
  std::unordered_map<std::string, std::size_t> slot_;  // id -> index into latest_
  std::vector<Latest> latest_;
  double all_reported_s_ = 0;
};

}  // namespace deconflict::io
