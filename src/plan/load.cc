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
// Times and durations.

Result<double> ParseIsoTime(std::string_view text) {
  const std::string s(text);
  int y, mo, d, h, mi;
  double sec;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 &&
      std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
    return Status::Invalid("not an ISO 8601 date-time: \"" + s + "\" (expected e.g. 2026-01-01T10:00:00Z)");
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(sec >= 0 && sec < 61))
    return Status::Invalid("date-time out of range: \"" + s + "\"");
  std::string_view zone = std::string_view(s).substr(n);
  double offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int zh = 0, zm = 0;
    if (std::sscanf(std::string(zone.substr(1)).c_str(), "%2d:%2d", &zh, &zm) != 2)
      return Status::Invalid("bad UTC offset in \"" + s + "\"");
    offset = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return Status::Invalid("date-time \"" + s + "\" needs a time zone (Z or +hh:mm)");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  return static_cast<double>(timegm(&tm)) + sec - offset;
}

std::string FormatIsoTime(double unix_s) {
  if (!std::isfinite(unix_s)) return "invalid";
  const double whole = std::floor(unix_s);
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const int ms = static_cast<int>(std::lround((unix_s - whole) * 1000));
  if (ms == 0 || ms == 1000)
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec + (ms == 1000 ? 1 : 0));
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

Result<double> ParseDuration(std::string_view text) {
  std::string s;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(static_cast<char>(std::tolower(c)));
  if (s.empty()) return Status::Invalid("empty duration");
  double sign = 1;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    sign = s[0] == '-' ? -1 : 1;
    i = 1;
  }
  double total = 0;
  bool any = false;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
    auto num = units::ParseFiniteNumber(std::string_view(s).substr(i, j - i));
    if (!num.ok()) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
    size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    const std::string unit = s.substr(j, k - j);
    double factor;
    if (unit == "d" || unit == "day" || unit == "days") factor = 86400;
    else if (unit == "h" || unit == "hr" || unit == "hours") factor = 3600;
    else if (unit == "m" || unit == "min" || unit == "minutes") factor = 60;
    else if (unit == "s" || unit == "sec" || unit == "seconds" || (unit.empty() && k == s.size())) factor = 1;
    else if (unit == "ms") factor = 1e-3;
    else return Status::Invalid("unknown duration unit \"" + unit + "\" in \"" + std::string(text) + "\"");
    total += *num * factor;
    any = true;
    i = k;
  }
  if (!any) return Status::Invalid("bad duration \"" + std::string(text) + "\"");
  return sign * total;
}

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
