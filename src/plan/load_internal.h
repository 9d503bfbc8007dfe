// Internal to src/plan: YAML/JSON node readers shared by load.cc, f3548.cc and geojson.cc.
// Every reader returns an error naming "<source>:<line>: <field>: <problem>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>

#include "core/status.h"
#include "plan/load.h"
#include "plan/model.h"

namespace deconflict::plan::internal {

struct Ctx {
  std::string source;
};

Status Err(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& msg);
Result<double> Number(const Ctx& ctx, const YAML::Node& n, const std::string& field);
Result<std::string> Text(const Ctx& ctx, const YAML::Node& n, const std::string& field);
Result<double> Length(const Ctx& ctx, const YAML::Node& n, const std::string& field);    // metres
Result<double> Seconds(const Ctx& ctx, const YAML::Node& n, const std::string& field);   // a duration
Result<double> Time(const Ctx& ctx, const YAML::Node& n, const std::string& field);      // UNIX seconds
Result<LatLng> Point(const Ctx& ctx, const YAML::Node& n, const std::string& field);     // [lat, lng] | {lat, lng}
Status KnownKeys(const Ctx& ctx, const YAML::Node& n, const std::string& field, std::initializer_list<const char*> keys);
Result<Volume4D> Volume(const Ctx& ctx, const YAML::Node& n, const std::string& field);
Result<PlanDocument> ParseGeoJson(const Ctx& ctx, const YAML::Node& root);  // geojson.cc

}  // namespace deconflict::plan::internal
