#include "guidance/from_tracks.h"

#include "geo/local_frame.h"

namespace deconflict::guidance {

AircraftKinematics ToKinematics(const TrackState& t, const TrackState& origin, int alerter) {
  const geo::LocalFrame frame(origin.lat_deg, origin.lon_deg);
  const geo::EnuPoint p = frame.ToLocal(t.lat_deg, t.lon_deg, t.alt_m);
  const geo::EnuPoint v = frame.VelocityToLocal(t.lat_deg, t.lon_deg, t.gs_mps, t.trk_deg, t.vs_mps);
  AircraftKinematics k;
  k.id = t.id;
  k.s_m = {p.east_m, p.north_m, p.up_m};
  k.v_mps = {v.east_m, v.north_m, v.up_m};
  k.alerter = alerter;
  return k;
}

std::vector<BandsInput> InputsPerTime(std::span<const TrackState> states, const std::string& ownship_party,
                                      int alerter, bool include_same_party) {
  std::vector<BandsInput> out;
  size_t i = 0;
  while (i < states.size()) {
    size_t j = i;
    while (j < states.size() && states[j].time_s == states[i].time_s) ++j;
    const TrackState* own = nullptr;
    for (size_t k = i; k < j && !own; ++k)
      if (states[k].party == ownship_party && !states[k].on_ground) own = &states[k];
    if (own) {
      BandsInput in;
      in.time_s = own->time_s;
      in.ownship = ToKinematics(*own, *own, alerter);
      for (size_t k = i; k < j; ++k) {
        const TrackState& t = states[k];
        if (&t == own || t.on_ground) continue;
        if (!include_same_party && t.party == own->party) continue;
        in.traffic.push_back(ToKinematics(t, *own, alerter));
      }
      out.push_back(std::move(in));
    }
    i = j;
  }
  return out;
}

}  // namespace deconflict::guidance
