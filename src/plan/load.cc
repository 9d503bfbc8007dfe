#include "plan/load.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "core/json_fields.h"
#include "core/units.h"
#include "plan/load_internal.h"

namespace deconflict::plan {

// ---------------------------------------------------------------------------------------------
// Node helpers shared with f3548.cc and geojson.cc (load_internal.h).

namespace internal {

Status Err(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& msg) {
  std::string where(ctx.source);
  if (node.IsDefined() && node.Mark().line >= 0) where += fmt::format(":{}", node.Mark().line + 1);
  return Status::Invalid(where + ": " + field + ": " + msg);
}

Result<double> Number(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  if (!n.IsScalar()) return Err(ctx, n, field, "must be a number");
  auto v = units::ParseFiniteNumber(n.Scalar());
  if (!v.ok()) return Err(ctx, n, field, v.status().message());
  return *v;
}

Result<std::string> Text(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  if (!n.IsScalar()) return Err(ctx, n, field, "must be text");
  return n.Scalar();
}

namespace {

// Converts the node and runs a codec field form on it; errors carry the file and line.
template <typename T, typename Fn>
Result<T> ViaCodec(const Ctx& ctx, const YAML::Node& n, const std::string& field, Fn&& decode) {
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  LineMap lines;
  auto j = ToJson(ctx, n, field, &lines);
  if (!j.ok()) return j.status();
  Result<T> r = decode(*j);
  if (!r.ok()) return AtLine(ctx, lines, r.status());
  return r;
}

}  // namespace

Result<double> Length(const Ctx& ctx, const YAML::Node& n, const std::string& field, double lo, double hi) {
  return ViaCodec<double>(ctx, n, field, [&](const Json& j) { return DecodeLength(j, field, lo, hi); });
}

Result<double> Time(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  return ViaCodec<double>(ctx, n, field, [&](const Json& j) { return DecodeTime(j, field); });
}

Result<LatLng> Point(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  return ViaCodec<LatLng>(ctx, n, field, [&](const Json& j) { return DecodePoint(j, field); });
}

Result<Volume4D> Volume(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  return ViaCodec<Volume4D>(ctx, n, field, [&](const Json& j) { return DecodeVolume(j, field); });
}

}  // namespace internal

namespace {

using namespace internal;

// The plan format {now?, agreements?, zones?, operations?} from its JSON value; errors name the field from the
// document's root. Objects in files name their owner.
Result<PlanDocument> DecodePlanDocument(const Json& root) {
  json::FieldReader r(root, "");
  PlanDocument doc;
  if (const Json* now = r.Raw("now")) {
    auto t = DecodeTime(*now, "now");
    if (!t.ok()) return t.status();
    doc.now_s = *t;
  }
  auto each = [&](const char* key, auto&& fn) -> Status {
    const Json* list = r.Array(key, false);
    if (!r.ok()) return r.Finish();
    if (!list) return Status::Ok();
    for (size_t i = 0; i < list->size(); ++i)
      if (Status s = fn((*list)[i], json::Element(key, i)); !s.ok()) return s;
    return Status::Ok();
  };
  auto owned = [](const auto& obj, const std::string& path) -> Status {
    if (obj.owner.empty()) return Status::Invalid(json::Member(path, "owner") + ": required field is missing");
    return Status::Ok();
  };
  Status st = each("agreements", [&](const Json& j, const std::string& path) -> Status {
    auto a = DecodeAgreementSpec(j, AgreementTerms{}, path);
    if (!a.ok()) return a.status();
    doc.agreements.push_back(std::move(a).value());
    return Status::Ok();
  });
  if (st.ok())
    st = each("zones", [&](const Json& j, const std::string& path) -> Status {
      auto z = DecodeZone(j, path);
      if (!z.ok()) return z.status();
      if (Status o = owned(*z, path); !o.ok()) return o;
      doc.zones.push_back(std::move(z).value());
      return Status::Ok();
    });
  if (st.ok())
    st = each("operations", [&](const Json& j, const std::string& path) -> Status {
      auto op = DecodeOperation(j, path);
      if (!op.ok()) return op.status();
      if (Status o = owned(*op, path); !o.ok()) return o;
      doc.operations.push_back(std::move(op).value());
      return Status::Ok();
    });
  if (!st.ok()) return st;
  if (Status s = r.Finish(); !s.ok()) return s;
  return doc;
}

}  // namespace

Result<PlanDocument> ParsePlanText(std::string_view text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}:{}: not valid YAML or JSON: {}", source, e.mark.line + 1,
                                       e.mark.column + 1, e.msg));
  }
  const Ctx ctx{std::string(source)};
  if (!root.IsMap())
    return Status::Invalid(std::string(source) + ": the document must be a mapping (plan format or a GeoJSON "
                                                 "FeatureCollection)");
  try {
    if (root["type"].IsDefined() && root["type"].IsScalar() && root["type"].Scalar() == "FeatureCollection")
      return ParseGeoJson(ctx, root);
    LineMap lines;
    auto j = ToJson(ctx, root, "", &lines);
    if (!j.ok()) return j.status();
    auto doc = DecodePlanDocument(*j);
    if (!doc.ok()) return AtLine(ctx, lines, doc.status());
    return doc;
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
}

Result<PlanDocument> LoadPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParsePlanText(ss.str(), path);
}

}  // namespace deconflict::plan
