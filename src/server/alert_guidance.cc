#include "server/alert_guidance.h"

#include "guidance/bands.h"
#include "guidance/bands_json.h"
#include "guidance/from_tracks.h"

namespace deconflict::server {

using Json = nlohmann::json;

Status LoadGuidanceConf(GuidanceOptions* options) {
  if (!options->conf_path.empty()) {
    auto c = guidance::ReadDaidalusConf(options->conf_path);
    if (!c.ok()) return Status(c.status().code(), "guidance.conf: " + c.status().message());
    options->bands = std::move(*c);
  }
  if (Status s = guidance::ValidateConfig(options->bands); !s.ok())
    return Status::Invalid("guidance.conf " + options->conf_path + ": " + s.message());
  return Status::Ok();
}

AlertMinima MinimaOfAlert(const detect::DetectorOptions& detector, const std::string& party_a,
                          const std::string& party_b) {
  AlertMinima m{detector.minima, detector.vertical_tolerance_m, false};
  if (auto it = detector.party_minima.find(detect::MakePartyPair(party_a, party_b)); it != detector.party_minima.end()) {
    m.minima = it->second;
    m.agreed = true;
  }
  return m;
}

guidance::BandsConfig AlertBandsConfig(const GuidanceOptions& options, const AlertMinima& m,
                                       const detect::AlertingOptions& alerting) {
  guidance::BandsConfig c = options.bands;
  c.conflict_crit = c.recovery_crit = options.coordination;
  if (!options.alert_minima) return c;
  guidance::Detector3D cylinder;
  cylinder.kind = guidance::Detector3D::Kind::kCylinder;
  cylinder.d_m = m.minima.horizontal_m;
  cylinder.h_m = m.minima.vertical_m - m.vertical_tolerance_m;  // the alert's vertical test (detect/detector.h)
  const double lookahead = m.minima.lookahead_s;
  auto level = [&](guidance::BandsRegion region, double alerting_time) {
    const double t = std::min(alerting_time, lookahead);
    return guidance::AlertLevel{region, t, t, cylinder};
  };
  c.lookahead_s = lookahead;
  c.corrective_region = guidance::BandsRegion::kMid;
  c.alerters = {guidance::Alerter{"alert", {level(guidance::BandsRegion::kMid, alerting.caution_lookahead_s),
                                            level(guidance::BandsRegion::kNear, alerting.warning_lookahead_s)}}};
  return c;
}

Result<Json> OwnAircraftGuidance(const GuidanceOptions& options, const AlertMinima& m,
                                 const detect::AlertingOptions& alerting, const TrackState& own,
                                 const TrackState& other) {
  const guidance::BandsConfig config = AlertBandsConfig(options, m, alerting);
  if (Status s = guidance::ValidateConfig(config); !s.ok()) return Status::Invalid("guidance: " + s.message());
  guidance::BandsInput in;
  in.time_s = own.time_s;
  in.ownship = guidance::ToKinematics(own, own, 1);
  in.traffic.push_back(guidance::ToKinematics(other, own, 1));
  guidance::Bands b = guidance::ComputeBands(config, in);
  if (options.last_time_to_maneuver) guidance::ComputeLastTimesToManeuver(config, in, &b);
  Json traffic = guidance::TrafficGuidanceJson(b.traffic.front());
  Json minima = options.alert_minima ? Json{{"source", m.agreed ? "agreement" : "default"},
                                            {"horizontal_m", m.minima.horizontal_m},
                                            {"vertical_m", m.minima.vertical_m},
                                            {"lookahead_s", m.minima.lookahead_s}}
                                     : Json{{"source", "configuration"}};
  return Json{{"own_aircraft", own.id},
              {"intruder", other.id},
              {"minima", std::move(minima)},
              {"alert_level", traffic["alert_level"]},
              {"time_to_violation_s", traffic["time_to_violation_s"]},
              {"last_time_to_maneuver_s", options.last_time_to_maneuver ? traffic["last_time_to_maneuver_s"] : Json()},
              {"coordination", {{"epsilon_h", b.epsilon_h}, {"epsilon_v", b.epsilon_v}}},
              {"bands", guidance::AllBandsJson(b)}};
}

}  // namespace deconflict::server
