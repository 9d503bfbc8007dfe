#include "plan/load.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

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

std::string Where(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  std::string out(ctx.source);
  if (node.IsDefined() && node.Mark().line >= 0) out += fmt::format(":{}", node.Mark().line + 1);
  return out + ": " + field;
}

Status Err(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& msg) {
  return Status::Invalid(Where(ctx, node, field) + ": " + msg);
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

Result<double> Length(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (n.IsMap()) {  // F3548 Altitude / Radius: {value, units, reference}
    auto value = Number(ctx, n["value"], field + ".value");
    if (!value.ok()) return value.status();
    double factor = 1;
    if (n["units"].IsDefined()) {
      auto u = Text(ctx, n["units"], field + ".units");
      if (!u.ok()) return u.status();
      std::string unit = *u;
      for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (unit == "M") factor = 1;
      else if (unit == "FT") factor = units::kFootM;
      else return Err(ctx, n["units"], field + ".units", "unknown unit \"" + *u + "\" (expected M or FT)");
    }
    if (n["reference"].IsDefined()) {
      auto r = Text(ctx, n["reference"], field + ".reference");
      if (!r.ok()) return r.status();
      if (*r != "W84")
        return Err(ctx, n["reference"], field + ".reference", "unknown altitude reference \"" + *r + "\" (expected W84)");
    }
    return *value * factor;
  }
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  if (!n.IsScalar()) return Err(ctx, n, field, "must be a length");
  auto v = units::ParseQuantity(n.Scalar(), units::Dimension::kLength);
  if (!v.ok()) return Err(ctx, n, field, v.status().message());
  if (!std::isfinite(*v)) return Err(ctx, n, field, "is not a finite number");
  return *v;
}

Result<double> Seconds(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  if (!n.IsScalar()) return Err(ctx, n, field, "must be a duration");
  auto v = units::ParseQuantity(n.Scalar(), units::Dimension::kTime);
  if (!v.ok()) return Err(ctx, n, field, v.status().message());
  return *v;
}

Result<double> Time(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (n.IsMap() && n["value"].IsDefined()) return Time(ctx, n["value"], field + ".value");  // F3548 Time
  if (!n.IsDefined() || n.IsNull()) return Err(ctx, n, field, "is missing");
  if (!n.IsScalar()) return Err(ctx, n, field, "must be a date-time");
  auto num = units::ParseFiniteNumber(n.Scalar());
  if (num.ok()) return *num;
  auto t = ParseIsoTime(n.Scalar());
  if (!t.ok()) return Err(ctx, n, field, t.status().message());
  return *t;
}

Result<LatLng> Point(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (n.IsSequence()) {
    if (n.size() != 2) return Err(ctx, n, field, "must be [lat, lng]");
    auto lat = Number(ctx, n[0], field + ".lat");
    if (!lat.ok()) return lat.status();
    auto lng = Number(ctx, n[1], field + ".lng");
    if (!lng.ok()) return lng.status();
    return LatLng{*lat, *lng};
  }
  if (!n.IsMap()) return Err(ctx, n, field, "must be {lat, lng} or [lat, lng]");
  auto lat = Number(ctx, n["lat"], field + ".lat");
  if (!lat.ok()) return lat.status();
  auto lng = Number(ctx, n["lng"], field + ".lng");
  if (!lng.ok()) return lng.status();
  return LatLng{*lat, *lng};
}

Status KnownKeys(const Ctx& ctx, const YAML::Node& n, const std::string& field, std::initializer_list<const char*> keys) {
  if (!n.IsMap()) return Err(ctx, n, field, "must be a mapping");
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) return Err(ctx, kv.first, field, "unknown field \"" + k + "\"");
  }
  return Status::Ok();
}

Result<Volume4D> Volume(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  Status s = KnownKeys(ctx, n, field,
                       {"outline_polygon", "outline_circle", "altitude_lower", "altitude_upper", "time_start",
                        "time_end", "duration", "volume"});
  if (!s.ok()) return s;
  if (n["volume"].IsDefined()) {  // F3548 Volume4D: {volume: {outline, altitudes}, time_start, time_end}
    YAML::Node flat(YAML::NodeType::Map);
    for (const auto& kv : n["volume"]) flat[kv.first.Scalar()] = kv.second;
    for (const char* k : {"time_start", "time_end", "duration"})
      if (n[k].IsDefined()) flat[k] = n[k];
    return Volume(ctx, flat, field);
  }
  Volume4D v;
  if (n["outline_polygon"].IsDefined()) {
    YAML::Node poly = n["outline_polygon"];
    const std::string pf = field + ".outline_polygon";
    if (poly.IsMap()) poly = poly["vertices"];
    if (!poly.IsSequence()) return Err(ctx, n["outline_polygon"], pf + ".vertices", "must be a list of vertices");
    for (size_t i = 0; i < poly.size(); ++i) {
      auto p = Point(ctx, poly[i], fmt::format("{}.vertices[{}]", pf, i));
      if (!p.ok()) return p.status();
      v.outline_polygon.push_back(*p);
    }
    if (v.outline_polygon.empty()) return Err(ctx, poly, pf + ".vertices", "is empty");
  }
  if (n["outline_circle"].IsDefined()) {
    const YAML::Node c = n["outline_circle"];
    const std::string cf = field + ".outline_circle";
    auto center = Point(ctx, c["center"], cf + ".center");
    if (!center.ok()) return center.status();
    auto radius = Length(ctx, c["radius"], cf + ".radius");
    if (!radius.ok()) return radius.status();
    v.outline_circle = Circle{*center, *radius};
  }
  auto lo = Length(ctx, n["altitude_lower"], field + ".altitude_lower");
  if (!lo.ok()) return lo.status();
  auto hi = Length(ctx, n["altitude_upper"], field + ".altitude_upper");
  if (!hi.ok()) return hi.status();
  auto t0 = Time(ctx, n["time_start"], field + ".time_start");
  if (!t0.ok()) return t0.status();
  v.altitude_lower_m = *lo;
  v.altitude_upper_m = *hi;
  v.time_start_s = *t0;
  if (n["time_end"].IsDefined()) {
    auto t1 = Time(ctx, n["time_end"], field + ".time_end");
    if (!t1.ok()) return t1.status();
    v.time_end_s = *t1;
  } else if (n["duration"].IsDefined()) {
    auto d = Seconds(ctx, n["duration"], field + ".duration");
    if (!d.ok()) return d.status();
    v.time_end_s = *t0 + *d;
  } else {
    return Err(ctx, n, field + ".time_end", "is missing (give time_end or duration)");
  }
  return v;
}

}  // namespace internal

namespace {

using namespace internal;

Result<std::vector<Volume4D>> Volumes(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsSequence()) return Err(ctx, n, field, "must be a list of volumes");
  std::vector<Volume4D> out;
  for (size_t i = 0; i < n.size(); ++i) {
    auto v = Volume(ctx, n[i], fmt::format("{}[{}]", field, i));
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

Result<AgreementSpec> ParseAgreement(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  Status s = KnownKeys(ctx, n, field,
                       {"parties", "buffer_horizontal", "buffer_vertical", "equal_priority_conflicts",
                        "track_horizontal", "track_vertical", "track_lookahead", "ack_deadline", "escalation"});
  if (!s.ok()) return s;
  AgreementSpec a;
  const YAML::Node parties = n["parties"];
  if (!parties.IsSequence() || parties.size() != 2) return Err(ctx, n, field + ".parties", "must name two parties");
  a.party_a = parties[0].Scalar();
  a.party_b = parties[1].Scalar();
  struct LengthField {
    const char* key;
    double* dst;
    bool is_time;
  };
  for (LengthField f : {LengthField{"buffer_horizontal", &a.terms.buffer_horizontal_m, false},
                        {"buffer_vertical", &a.terms.buffer_vertical_m, false},
                        {"track_horizontal", &a.terms.track_horizontal_m, false},
                        {"track_vertical", &a.terms.track_vertical_m, false},
                        {"track_lookahead", &a.terms.track_lookahead_s, true},
                        {"ack_deadline", &a.terms.ack_deadline_s, true}}) {
    if (!n[f.key].IsDefined()) continue;
    auto v = f.is_time ? Seconds(ctx, n[f.key], field + "." + f.key) : Length(ctx, n[f.key], field + "." + f.key);
    if (!v.ok()) return v.status();
    *f.dst = *v;
  }
  if (n["equal_priority_conflicts"].IsDefined()) {
    const std::string b = n["equal_priority_conflicts"].Scalar();
    if (b != "true" && b != "false")
      return Err(ctx, n["equal_priority_conflicts"], field + ".equal_priority_conflicts", "must be true or false");
    a.terms.equal_priority_conflicts_allowed = b == "true";
  }
  if (n["escalation"].IsDefined()) {
    a.terms.escalation.clear();
    const YAML::Node e = n["escalation"];
    if (!e.IsSequence()) return Err(ctx, e, field + ".escalation", "must be a list of {after, action}");
    for (size_t i = 0; i < e.size(); ++i) {
      const std::string ef = fmt::format("{}.escalation[{}]", field, i);
      auto after = Seconds(ctx, e[i]["after"], ef + ".after");
      if (!after.ok()) return after.status();
      auto action = Text(ctx, e[i]["action"], ef + ".action");
      if (!action.ok()) return action.status();
      a.terms.escalation.push_back({*after, *action});
    }
  }
  return a;
}

Result<Operation> ParseOperation(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  Status s = KnownKeys(ctx, n, field, {"id", "owner", "priority", "state", "volumes"});
  if (!s.ok()) return s;
  Operation op;
  auto id = Text(ctx, n["id"], field + ".id");
  if (!id.ok()) return id.status();
  auto owner = Text(ctx, n["owner"], field + ".owner");
  if (!owner.ok()) return owner.status();
  op.id = *id;
  op.owner = *owner;
  if (n["priority"].IsDefined()) {
    auto p = Number(ctx, n["priority"], field + ".priority");
    if (!p.ok()) return p.status();
    if (*p != std::floor(*p) || std::abs(*p) > 1e9) return Err(ctx, n["priority"], field + ".priority", "must be an integer");
    op.priority = static_cast<int>(*p);
  }
  if (n["state"].IsDefined()) {
    auto st = ParseOperationState(n["state"].Scalar());
    if (!st.ok()) return Err(ctx, n["state"], field + ".state", st.status().message());
    op.state = *st;
  }
  auto vols = Volumes(ctx, n["volumes"], field + ".volumes");
  if (!vols.ok()) return vols.status();
  op.volumes = std::move(vols).value();
  return op;
}

Result<Zone> ParseZone(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  Status s = KnownKeys(ctx, n, field, {"id", "owner", "kind", "binds", "notification_lead", "notified_at", "volumes"});
  if (!s.ok()) return s;
  Zone z;
  auto id = Text(ctx, n["id"], field + ".id");
  if (!id.ok()) return id.status();
  auto owner = Text(ctx, n["owner"], field + ".owner");
  if (!owner.ok()) return owner.status();
  z.id = *id;
  z.owner = *owner;
  auto kind = Text(ctx, n["kind"], field + ".kind");
  if (!kind.ok()) return kind.status();
  auto k = ParseZoneKind(*kind);
  if (!k.ok()) return Err(ctx, n["kind"], field + ".kind", k.status().message());
  z.kind = *k;
  const YAML::Node binds = n["binds"];
  if (!binds.IsDefined() || (binds.IsScalar() && binds.Scalar() == "all")) {
    z.binds_all_others = true;
  } else if (binds.IsSequence()) {
    z.binds_all_others = false;
    for (const auto& p : binds) z.binds.push_back(p.Scalar());
  } else {
    return Err(ctx, binds, field + ".binds", "must be \"all\" or a list of parties");
  }
  if (n["notification_lead"].IsDefined()) {
    auto lead = Seconds(ctx, n["notification_lead"], field + ".notification_lead");
    if (!lead.ok()) return lead.status();
    z.notification_lead_s = *lead;
  }
  if (n["notified_at"].IsDefined()) {
    auto at = Time(ctx, n["notified_at"], field + ".notified_at");
    if (!at.ok()) return at.status();
    z.notified_at_s = *at;
  }
  auto vols = Volumes(ctx, n["volumes"], field + ".volumes");
  if (!vols.ok()) return vols.status();
  z.volumes = std::move(vols).value();
  return z;
}

}  // namespace

Result<PlanDocument> ParsePlanText(std::string_view text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}: not valid YAML/JSON: {}", source, e.mark.line + 1, e.msg));
  }
  const Ctx ctx{std::string(source)};
  if (!root.IsMap()) return Status::Invalid(std::string(source) + ": the document must be a mapping");
  try {
    if (root["type"].IsDefined() && root["type"].Scalar() == "FeatureCollection") return ParseGeoJson(ctx, root);
    Status s = KnownKeys(ctx, root, "document", {"now", "agreements", "zones", "operations"});
    if (!s.ok()) return s;
    PlanDocument doc;
    if (root["now"].IsDefined()) {
      auto now = Time(ctx, root["now"], "now");
      if (!now.ok()) return now.status();
      doc.now_s = *now;
    }
    auto each = [&](const char* key, auto&& fn) -> Status {
      const YAML::Node list = root[key];
      if (!list.IsDefined()) return Status::Ok();
      if (!list.IsSequence()) return Err(ctx, list, key, "must be a list");
      for (size_t i = 0; i < list.size(); ++i) {
        Status st = fn(list[i], fmt::format("{}[{}]", key, i));
        if (!st.ok()) return st;
      }
      return Status::Ok();
    };
    Status st = each("agreements", [&](const YAML::Node& n, const std::string& f) -> Status {
      auto a = ParseAgreement(ctx, n, f);
      if (!a.ok()) return a.status();
      doc.agreements.push_back(std::move(a).value());
      return Status::Ok();
    });
    if (st.ok())
      st = each("zones", [&](const YAML::Node& n, const std::string& f) -> Status {
        auto z = ParseZone(ctx, n, f);
        if (!z.ok()) return z.status();
        doc.zones.push_back(std::move(z).value());
        return Status::Ok();
      });
    if (st.ok())
      st = each("operations", [&](const YAML::Node& n, const std::string& f) -> Status {
        auto o = ParseOperation(ctx, n, f);
        if (!o.ok()) return o.status();
        doc.operations.push_back(std::move(o).value());
        return Status::Ok();
      });
    if (!st.ok()) return st;
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
