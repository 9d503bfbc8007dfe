#include "plan/f3548.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "plan/limits.h"
#include "plan/load_internal.h"

namespace deconflict::plan {
namespace {

using namespace internal;

bool Present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

// The suite's override merge (see f3548.h). Returns a fresh tree; inputs are not modified.
YAML::Node Merge(const YAML::Node& base, const YAML::Node& over) {
  if (!Present(base)) return YAML::Clone(over);
  if (over.IsSequence()) {
    if (!base.IsSequence()) return YAML::Clone(over);
    YAML::Node out(YAML::NodeType::Sequence);
    const size_t n = std::max(base.size(), over.size());
    for (size_t i = 0; i < n; ++i) {
      if (i >= base.size()) out.push_back(YAML::Clone(over[i]));
      else if (i >= over.size()) out.push_back(YAML::Clone(base[i]));
      else out.push_back(Merge(base[i], over[i]));
    }
    return out;
  }
  if (over.IsMap()) {
    if (!base.IsMap()) return YAML::Clone(over);
    YAML::Node out = YAML::Clone(base);
    for (const auto& kv : over) {
      std::string key = kv.first.Scalar();
      const bool replace = !key.empty() && key[0] == '+';
      if (replace) key = key.substr(1);
      if (!replace && Present(base[key])) out[key] = Merge(base[key], kv.second);
      else out[key] = YAML::Clone(kv.second);
    }
    return out;
  }
  return YAML::Clone(over);
}

Result<double> TestTime(const Ctx& ctx, const YAML::Node& n, const std::string& field, double now_s) {
  if (!n.IsMap()) return Err(ctx, n, field, "must be a test time mapping");
  if (Present(n["offset_from"])) {
    const YAML::Node of = n["offset_from"];
    auto base = TestTime(ctx, of["starting_from"], field + ".offset_from.starting_from", now_s);
    if (!base.ok()) return base.status();
    double offset = 0;
    if (Present(of["offset"])) {
      auto d = ParseDuration(of["offset"].Scalar());
      if (!d.ok()) return Err(ctx, of["offset"], field + ".offset_from.offset", d.status().message());
      offset = *d;
    }
    return *base + offset;
  }
  if (Present(n["time_during_test"])) {
    const std::string t = n["time_during_test"].Scalar();
    if (t == "TimeOfEvaluation" || t == "StartOfScenario" || t == "StartOfTestRun") return now_s;
    return Err(ctx, n["time_during_test"], field + ".time_during_test", "unknown moment \"" + t + "\"");
  }
  if (Present(n["absolute_time"])) return Time(ctx, n["absolute_time"], field + ".absolute_time");
  if (Present(n["value"])) return Time(ctx, n["value"], field + ".value");
  return Err(ctx, n, field, "needs offset_from, time_during_test, absolute_time or value");
}

Result<Volume4D> IntentVolume(const Ctx& ctx, const YAML::Node& n, const std::string& field, double now_s,
                              const F3548Translation& tr) {
  if (!n.IsMap()) return Err(ctx, n, field, "must be a Volume4D mapping");
  Volume4D v;
  if (Present(n["outline_polygon"])) {
    const YAML::Node verts = n["outline_polygon"]["vertices"];
    if (!verts.IsSequence()) return Err(ctx, n["outline_polygon"], field + ".outline_polygon.vertices", "must be a list");
    for (size_t i = 0; i < verts.size(); ++i) {
      auto p = Point(ctx, verts[i], fmt::format("{}.outline_polygon.vertices[{}]", field, i));
      if (!p.ok()) return p.status();
      v.outline_polygon.push_back({p->lat_deg + tr.dlat_deg, p->lng_deg + tr.dlng_deg});
    }
  }
  if (Present(n["outline_circle"])) {
    const YAML::Node c = n["outline_circle"];
    auto center = Point(ctx, c["center"], field + ".outline_circle.center");
    if (!center.ok()) return center.status();
    auto radius = Length(ctx, c["radius"], field + ".outline_circle.radius", 0, kMaxLengthM);
    if (!radius.ok()) return radius.status();
    v.outline_circle = Circle{{center->lat_deg + tr.dlat_deg, center->lng_deg + tr.dlng_deg}, *radius};
  }
  auto lo = Length(ctx, n["altitude_lower"], field + ".altitude_lower", kMinAltitudeM, kMaxAltitudeM);
  if (!lo.ok()) return lo.status();
  auto hi = Length(ctx, n["altitude_upper"], field + ".altitude_upper", kMinAltitudeM, kMaxAltitudeM);
  if (!hi.ok()) return hi.status();
  v.altitude_lower_m = *lo + tr.dalt_m;
  v.altitude_upper_m = *hi + tr.dalt_m;
  auto t0 = TestTime(ctx, n["start_time"], field + ".start_time", now_s);
  if (!t0.ok()) return t0.status();
  v.time_start_s = *t0;
  if (Present(n["end_time"])) {
    auto t1 = TestTime(ctx, n["end_time"], field + ".end_time", now_s);
    if (!t1.ok()) return t1.status();
    v.time_end_s = *t1;
  } else if (Present(n["duration"])) {
    auto d = ParseDuration(n["duration"].Scalar());
    if (!d.ok()) return Err(ctx, n["duration"], field + ".duration", d.status().message());
    v.time_end_s = *t0 + *d;
  } else {
    return Err(ctx, n, field + ".end_time", "is missing (give end_time or duration)");
  }
  return v;
}

Result<F3548Intent> Convert(const Ctx& ctx, const std::string& name, const YAML::Node& full, double now_s,
                            const F3548Translation& tr) {
  F3548Intent out;
  out.name = name;
  out.operation.id = name;
  const std::string field = "intents." + name;
  const YAML::Node info = full["basic_information"];
  if (!info.IsMap()) return Err(ctx, full, field + ".basic_information", "is missing");
  out.usage_state = Present(info["usage_state"]) ? info["usage_state"].Scalar() : "Planned";
  out.uas_state = Present(info["uas_state"]) ? info["uas_state"].Scalar() : "Nominal";
  const std::string& u = out.usage_state;
  const std::string& s = out.uas_state;
  if (u == "Planned") out.operation.state = OperationState::kAccepted;
  else if (u == "Closed" || u == "Ended") out.operation.state = OperationState::kEnded;
  else if (u != "InUse")
    return Err(ctx, info["usage_state"], field + ".basic_information.usage_state", "unknown usage state \"" + u + "\"");
  else if (s == "Nominal") out.operation.state = OperationState::kActivated;
  else if (s == "OffNominal") out.operation.state = OperationState::kNonconforming;
  else if (s == "Contingent") out.operation.state = OperationState::kContingent;
  else return Err(ctx, info["uas_state"], field + ".basic_information.uas_state", "unknown UAS state \"" + s + "\"");
  if (Present(full["astm_f3548_21"]) && Present(full["astm_f3548_21"]["priority"])) {
    auto p = Number(ctx, full["astm_f3548_21"]["priority"], field + ".astm_f3548_21.priority");
    if (!p.ok()) return p.status();
    out.operation.priority = static_cast<int>(*p);
  }
  const YAML::Node area = info["area"];
  if (!area.IsSequence()) return Err(ctx, info, field + ".basic_information.area", "must be a list of volumes");
  for (size_t i = 0; i < area.size(); ++i) {
    auto v = IntentVolume(ctx, area[i], fmt::format("{}.basic_information.area[{}]", field, i), now_s, tr);
    if (!v.ok()) return v.status();
    out.operation.volumes.push_back(std::move(v).value());
  }
  return out;
}

Result<YAML::Node> Resolve(const Ctx& ctx, const YAML::Node& intents, const std::string& name,
                           std::set<std::string>* visiting) {
  const YAML::Node entry = intents[name];
  if (!entry.IsDefined()) return Status::Invalid(ctx.source + ": intent \"" + name + "\" is not defined");
  if (Present(entry["full"])) return YAML::Clone(entry["full"]);
  if (!Present(entry["delta"])) return Err(ctx, entry, "intents." + name, "needs `full` or `delta`");
  if (!visiting->insert(name).second)
    return Err(ctx, entry, "intents." + name, "delta sources form a cycle");
  const YAML::Node delta = entry["delta"];
  auto source = Text(ctx, delta["source"], "intents." + name + ".delta.source");
  if (!source.ok()) return source.status();
  auto base = Resolve(ctx, intents, *source, visiting);
  if (!base.ok()) return base.status();
  visiting->erase(name);
  return Present(delta["mutation"]) ? Merge(*base, delta["mutation"]) : *base;
}

}  // namespace

Result<std::map<std::string, F3548Intent>> ParseF3548Intents(std::string_view text, std::string_view source,
                                                             double now_s, const F3548Translation& tr) {
  const Ctx ctx{std::string(source)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}: not valid YAML: {}", source, e.mark.line + 1, e.msg));
  }
  try {
    const YAML::Node intents = root["intents"];
    if (!intents.IsMap()) return Status::Invalid(std::string(source) + ": `intents` mapping is missing");
    std::map<std::string, F3548Intent> out;
    for (const auto& kv : intents) {
      const std::string name = kv.first.Scalar();
      std::set<std::string> visiting;
      auto full = Resolve(ctx, intents, name, &visiting);
      if (!full.ok()) return full.status();
      auto intent = Convert(ctx, name, *full, now_s, tr);
      if (!intent.ok()) return intent.status();
      out.emplace(name, std::move(intent).value());
    }
    return out;
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
}

Result<std::map<std::string, F3548Intent>> LoadF3548Intents(const std::string& path, double now_s,
                                                            const F3548Translation& tr) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseF3548Intents(ss.str(), path, now_s, tr);
}

}  // namespace deconflict::plan
