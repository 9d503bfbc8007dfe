#include "guidance/bands_json.h"

#include <cmath>

#include "core/units.h"

namespace deconflict::guidance {
namespace {

using Json = nlohmann::json;

// Six significant digits, as DAIDALUS prints them; NaN null, infinities "inf" / "-inf".
Json Num(double v, double factor = 1) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double x = v * factor;
  if (x == 0) return 0.0;
  const double scale = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::fabs(x)))));
  return std::round(x * scale) / scale;
}

}  // namespace

DisplayUnit DisplayUnitOf(Dimension d) {
  switch (d) {
    case Dimension::kTrack: return {"deg", units::kRadToDeg};
    case Dimension::kGroundSpeed: return {"knot", 1 / units::kKnotMps};
    case Dimension::kVerticalSpeed: return {"fpm", 1 / units::kFeetPerMinuteMps};
    case Dimension::kAltitude: return {"ft", 1 / units::kFootM};
  }
  return {"", 1};
}

Json DimensionBandsJson(const DimensionBands& db) {
  const DisplayUnit u = DisplayUnitOf(db.dimension);
  Json intervals = Json::array();
  for (const auto& i : db.intervals)
    intervals.push_back(Json{{"lo", Num(i.lo, u.from_si)}, {"hi", Num(i.hi, u.from_si)}, {"region", BandsRegionName(i.region)}});
  return Json{{"unit", u.name},
              {"current", Num(db.current, u.from_si)},
              {"region", BandsRegionName(db.current_region)},
              {"resolution_up", Num(db.resolution_up, u.from_si)},
              {"resolution_down", Num(db.resolution_down, u.from_si)},
              {"preferred", db.preferred_up ? "up" : "down"},
              {"time_to_recovery_s", Num(db.time_to_recovery_s)},
              {"recovery_horizontal_m", Num(db.recovery_horizontal_m)},
              {"recovery_vertical_m", Num(db.recovery_vertical_m)},
              {"intervals", std::move(intervals)}};
}

Json AllBandsJson(const Bands& b) {
  Json out = Json::object();
  for (const auto& db : b.dims) out[DimensionName(db.dimension)] = DimensionBandsJson(db);
  return out;
}

Json TrafficGuidanceJson(const TrafficGuidance& t) {
  Json lttm = Json::object();
  for (int d = 0; d < kNumDimensions; ++d)
    lttm[DimensionName(static_cast<Dimension>(d))] = Num(t.last_time_to_maneuver_s[d]);
  return Json{{"id", t.id},
              {"alert_level", t.alert_level},
              {"time_to_violation_s", Num(t.t_in_s)},
              {"last_time_to_maneuver_s", std::move(lttm)}};
}

Json BandsJson(const Bands& b) {
  Json traffic = Json::array();
  for (const auto& t : b.traffic) traffic.push_back(TrafficGuidanceJson(t));
  return Json{{"time_s", Num(b.time_s)}, {"ownship", b.ownship_id}, {"traffic", std::move(traffic)}, {"bands", AllBandsJson(b)}};
}

}  // namespace deconflict::guidance
