#include "plan/validate.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>

namespace deconflict::plan {
namespace {

Status Finite(double v, const std::string& field) {
  if (!std::isfinite(v)) return Status::Invalid(field + " is not a finite number");
  return Status::Ok();
}

Result<std::vector<CompiledVolume>> CompileVolumes(const std::vector<Volume4D>& volumes, const PlanLimits& limits,
                                                   double now_s, bool check_times, const std::string& who) {
  if (volumes.empty()) return Status::Invalid(who + ": volumes: at least one volume is required");
  if (volumes.size() > limits.max_volumes)
    return Status::Invalid(
        fmt::format("{}: volumes: {} volumes exceed the limit of {}", who, volumes.size(), limits.max_volumes));
  std::vector<CompiledVolume> out;
  out.reserve(volumes.size());
  for (size_t i = 0; i < volumes.size(); ++i) {
    const std::string field = fmt::format("volumes[{}]", i);
    auto cv = CompileVolume(volumes[i], limits, field);
    if (!cv.ok()) return Status::Invalid(who + ": " + cv.status().message());
    if (check_times) {
      if (cv->t1_s <= now_s)
        return Status::Invalid(fmt::format("{}: {}.time_end is {:.0f} s in the past: the volume has already ended", who,
                                           field, now_s - cv->t1_s));
      if (cv->t0_s > now_s + limits.max_plan_horizon_s)
        return Status::Invalid(fmt::format(
            "{}: {}.time_start is {:.1f} days ahead, beyond the planning horizon of {:.0f} days", who, field,
            (cv->t0_s - now_s) / 86400.0, limits.max_plan_horizon_s / 86400.0));
    }
    out.push_back(std::move(cv).value());
  }
  return out;
}

}  // namespace

Result<CompiledVolume> CompileVolume(const Volume4D& v, const PlanLimits& limits, std::string_view field_view) {
  const std::string field(field_view);
  for (auto [value, name] : {std::pair{v.altitude_lower_m, "altitude_lower"}, {v.altitude_upper_m, "altitude_upper"},
                             {v.time_start_s, "time_start"}, {v.time_end_s, "time_end"}}) {
    Status s = Finite(value, field + "." + name);
    if (!s.ok()) return s;
  }
  if (v.altitude_lower_m > v.altitude_upper_m)
    return Status::Invalid(fmt::format("{}.altitude_lower ({} m) is above altitude_upper ({} m)", field,
                                       v.altitude_lower_m, v.altitude_upper_m));
  if (v.time_end_s <= v.time_start_s)
    return Status::Invalid(fmt::format("{}.time_end must be after time_start (end - start = {} s)", field,
                                       v.time_end_s - v.time_start_s));
  if (v.time_end_s - v.time_start_s > limits.max_duration_s)
    return Status::Invalid(fmt::format("{}: the time window of {:.1f} days exceeds the limit of {:.0f} days", field,
                                       (v.time_end_s - v.time_start_s) / 86400.0, limits.max_duration_s / 86400.0));
  const bool has_polygon = !v.outline_polygon.empty();
  const bool has_circle = v.outline_circle.has_value();
  if (has_polygon == has_circle)
    return Status::Invalid(field + ": exactly one of outline_polygon or outline_circle is required");
  auto fp = has_polygon ? Footprint::Polygon(v.outline_polygon, limits.geometry, field + ".outline_polygon")
                        : Footprint::MakeCircle(*v.outline_circle, limits.geometry, field + ".outline_circle");
  if (!fp.ok()) return fp.status();
  return CompiledVolume{std::move(fp).value(), v.altitude_lower_m, v.altitude_upper_m, v.time_start_s, v.time_end_s};
}

namespace {

Result<std::vector<CompiledVolume>> CompileOperationAt(const Operation& op, const PlanLimits& limits,
                                                       std::optional<double> now_s) {
  if (op.id.empty()) return Status::Invalid("operation: id is empty");
  const std::string who = "operation " + op.id;
  if (op.owner.empty()) return Status::Invalid(who + ": owner is empty");
  return CompileVolumes(op.volumes, limits, now_s.value_or(0), now_s && op.state != OperationState::kEnded, who);
}

Result<std::vector<CompiledVolume>> CompileZoneAt(const Zone& zone, const PlanLimits& limits,
                                                  std::optional<double> now_s) {
  if (zone.id.empty()) return Status::Invalid("zone: id is empty");
  const std::string who = "zone " + zone.id;
  if (zone.owner.empty()) return Status::Invalid(who + ": owner is empty");
  if (!zone.binds_all_others && zone.binds.empty())
    return Status::Invalid(who + ": binds: name the bound parties, or bind all others");
  if (zone.notification_lead_s && !(std::isfinite(*zone.notification_lead_s) && *zone.notification_lead_s >= 0))
    return Status::Invalid(who + ": notification_lead must be a finite duration >= 0");
  if (!std::isfinite(zone.notified_at_s) || (now_s && zone.notified_at_s > *now_s))
    return Status::Invalid(who + ": notified_at must not be later than now");
  return CompileVolumes(zone.volumes, limits, now_s.value_or(0), /*check_times=*/now_s.has_value(), who);
}

}  // namespace

Result<std::vector<CompiledVolume>> CompileOperation(const Operation& op, const PlanLimits& limits, double now_s) {
  return CompileOperationAt(op, limits, now_s);
}

Result<std::vector<CompiledVolume>> CompileZone(const Zone& zone, const PlanLimits& limits, double now_s) {
  return CompileZoneAt(zone, limits, now_s);
}

Result<std::vector<CompiledVolume>> RecompileOperation(const Operation& op, const PlanLimits& limits) {
  return CompileOperationAt(op, limits, std::nullopt);
}

Result<std::vector<CompiledVolume>> RecompileZone(const Zone& zone, const PlanLimits& limits) {
  return CompileZoneAt(zone, limits, std::nullopt);
}

}  // namespace deconflict::plan
