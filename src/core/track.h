// A track: one aircraft's live state, owned by a party. SI units throughout.
#pragma once

#include <cstdint>
#include <string>

namespace deconflict {

struct TrackState {
  std::string id;        // aircraft identifier, unique within a snapshot (e.g. ICAO 24-bit address "4b1806")
  std::string party;     // owning party; empty = the aircraft is its own party
  std::string callsign;  // optional
  double time_s = 0;     // seconds (UNIX epoch or scenario time; consistent within one input)
  double lat_deg = 0;    // WGS84 geodetic latitude, [-90, 90]
  double lon_deg = 0;    // WGS84 longitude, any value; normalised to [-180, 180) on use
  double alt_m = 0;      // altitude, metres (barometric or geometric; consistent within one input)
  double gs_mps = 0;     // ground speed, m/s, >= 0
  double trk_deg = 0;    // true track angle, degrees clockwise from north
  double vs_mps = 0;     // vertical rate, m/s, positive up
  bool on_ground = false;  // surface traffic is left out of airborne detection
};

}  // namespace deconflict
