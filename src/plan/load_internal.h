// Internal to src/plan: YAML/JSON node readers shared by load.cc, f3548.cc and geojson.cc.
// Every reader returns an error naming "<source>:<line>: <field>: <problem>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <string>

#include "core/status.h"
#include "plan/codec.h"
#include "plan/load.h"
#include "plan/model.h"

namespace deconflict::plan::internal {

struct Ctx {
  std::string source;
};

Status Err(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& msg);
Result<double> Number(const Ctx& ctx, const YAML::Node& n, const std::string& field);
Result<std::string> Text(const Ctx& ctx, const YAML::Node& n, const std::string& field);
// The field forms of the plan codec (codec.h) on YAML nodes: one rule per field for every file format.
Result<double> Length(const Ctx& ctx, const YAML::Node& n, const std::string& field, double lo, double hi);  // metres
Result<double> Time(const Ctx& ctx, const YAML::Node& n, const std::string& field);      // UNIX seconds
Result<LatLng> Point(const Ctx& ctx, const YAML::Node& n, const std::string& field);     // [lat, lng] | {lat, lng}
Result<Volume4D> Volume(const Ctx& ctx, const YAML::Node& n, const std::string& field);

// Path of a value ("operations[0].volumes[1]") -> its line in the file (1-based).
using LineMap = std::map<std::string, int>;
// A YAML node as a JSON value (plain scalars resolved as in the YAML 1.2 core schema: null, booleans, numbers;
// quoted scalars stay strings), without recursion, at most json::kMaxDepth deep. `path` is the node's own path;
// lines (optional) receives the line of every value.
Result<Json> ToJson(const Ctx& ctx, const YAML::Node& n, const std::string& path, LineMap* lines);
// A codec error ("<path>: ...") as "<source>:<line>: <path>: ...", the line of the deepest known part of path.
Status AtLine(const Ctx& ctx, const LineMap& lines, const Status& s);
Result<PlanDocument> ParseGeoJson(const Ctx& ctx, const YAML::Node& root);  // geojson.cc

}  // namespace deconflict::plan::internal
