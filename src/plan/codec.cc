#include "plan/codec.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "core/ids.h"
#include "core/json_fields.h"
#include "core/units.h"
#include "plan/agreement.h"
#include "plan/limits.h"

namespace deconflict::plan {

using json::Element;
using json::FieldReader;
using json::Member;

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Status Range(const std::string& path, double v, double lo, double hi, const char* unit) {
  if (std::isfinite(v) && v >= lo && v <= hi) return Status::Ok();
  return Status::Invalid(path + ": " + json::RangeMessage(v, lo, hi, unit));
}

Result<std::string> Id(const Json& v, const std::string& path) {
  auto s = json::StringValue(v, path, kMaxIdBytes);
  if (!s.ok()) return s.status();
  if (Status c = CheckId(*s, path); !c.ok()) return c;
  return s;
}

// Reads an id member into *out (required or not); records the first error in r.
void IdField(FieldReader& r, const char* name, bool required, std::string* out) {
  const Json* v = r.Raw(name, required);
  if (!v) return;
  auto id = Id(*v, r.FieldPath(name));
  if (!id.ok()) return r.Fail(id.status());
  *out = std::move(id).value();
}

// A member read by one of the Decode* field forms, into *out; records the first error in r.
template <typename Fn>
void Field(FieldReader& r, const char* name, bool required, Fn&& decode) {
  const Json* v = r.Raw(name, required);
  if (!v || !r.ok()) return;
  if (Status s = decode(*v, r.FieldPath(name)); !s.ok()) r.Fail(s);
}

Status ReadShape(FieldReader& g, Volume4D* out) {
  g.Allow({"outline_polygon", "outline_circle", "altitude_lower", "altitude_upper"});
  Field(g, "outline_polygon", false, [&](const Json& p, const std::string& path) -> Status {
    const Json* list = &p;
    std::string lp = path;
    if (p.is_object()) {
      FieldReader pr(p, path);
      list = pr.Array("vertices", true, kMaxDecodedVertices);
      if (Status s = pr.Finish(); !s.ok()) return s;
      lp = Member(path, "vertices");
    }
    if (!list->is_array()) return Status::Invalid(path + ": expected a list of [lat, lng] points, got " + json::Describe(p));
    if (list->empty()) return Status::Invalid(lp + ": is empty (give at least 3 vertices)");
    if (list->size() > kMaxDecodedVertices)
      return Status::Invalid(fmt::format("{}: {} vertices exceed the limit of {}", lp, list->size(), kMaxDecodedVertices));
    for (size_t i = 0; i < list->size(); ++i) {
      auto pt = DecodePoint((*list)[i], Element(lp, i));
      if (!pt.ok()) return pt.status();
      out->outline_polygon.push_back(*pt);
    }
    return Status::Ok();
  });
  Field(g, "outline_circle", false, [&](const Json& c, const std::string& path) -> Status {
    FieldReader cr(c, path);
    Circle circle;
    Field(cr, "center", true, [&](const Json& v, const std::string& p) -> Status {
      auto pt = DecodePoint(v, p);
      if (pt.ok()) circle.center = *pt;
      return pt.status();
    });
    Field(cr, "radius", true, [&](const Json& v, const std::string& p) -> Status {
      auto r = DecodeLength(v, p, 0, kMaxLengthM);
      if (r.ok()) circle.radius_m = *r;
      return r.status();
    });
    if (Status s = cr.Finish(); !s.ok()) return s;
    out->outline_circle = circle;
    return Status::Ok();
  });
  for (const auto& band : {std::pair{"altitude_lower", &out->altitude_lower_m}, {"altitude_upper", &out->altitude_upper_m}}) {
    double* dst = band.second;
    Field(g, band.first, true, [&](const Json& v, const std::string& p) -> Status {
      auto a = DecodeLength(v, p, kMinAltitudeM, kMaxAltitudeM);
      if (a.ok()) *dst = *a;
      return a.status();
    });
  }
  return Status::Ok();
}

Status ReadTimes(FieldReader& r, Volume4D* out) {
  r.Allow({"time_start", "time_end", "duration"});
  Field(r, "time_start", true, [&](const Json& v, const std::string& p) -> Status {
    auto t = DecodeTime(v, p);
    if (t.ok()) out->time_start_s = *t;
    return t.status();
  });
  const Json* end = r.Raw("time_end");
  const Json* duration = r.Raw("duration");
  if (!r.ok()) return Status::Ok();
  if (end && duration) {
    r.Fail(r.FieldPath("duration"), "give time_end or duration, not both");
  } else if (end) {
    auto t = DecodeTime(*end, r.FieldPath("time_end"));
    if (!t.ok()) r.Fail(t.status());
    else out->time_end_s = *t;
  } else if (duration) {
    auto d = DecodeDuration(*duration, r.FieldPath("duration"), 0, kMaxDurationS);
    if (!d.ok()) r.Fail(d.status());
    else out->time_end_s = out->time_start_s + *d;
  } else {
    r.Fail(r.FieldPath("time_end"), "required field is missing (give time_end or duration)");
  }
  return Status::Ok();
}

Result<std::vector<Volume4D>> Volumes(FieldReader& r) {
  std::vector<Volume4D> out;
  const Json* list = r.Array("volumes", true, kMaxDecodedVolumes);
  if (!list || !r.ok()) return out;
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    auto v = DecodeVolume((*list)[i], Element(r.FieldPath("volumes"), i));
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

}  // namespace

Result<double> DecodeLength(const Json& v, const std::string& path, double lo, double hi) {
  double metres = 0;
  std::string where = path;
  if (v.is_object()) {  // F3548 Altitude / Radius: {value, units, reference}
    FieldReader r(v, path);
    const double value = r.Num("value", -1e300, 1e300);
    double factor = 1;
    if (auto u = r.OptStr("units", 8); u && r.ok()) {
      if (Upper(*u) == "FT") factor = units::kFootM;
      else if (Upper(*u) != "M") r.Fail(r.FieldPath("units"), "unknown unit \"" + json::Echo(*u) + "\"; allowed: M, FT");
    }
    if (auto ref = r.OptStr("reference", 8); ref && r.ok() && *ref != "W84")
      r.Fail(r.FieldPath("reference"), "unknown altitude reference \"" + json::Echo(*ref) + "\"; allowed: W84");
    if (Status s = r.Finish(); !s.ok()) return s;
    metres = value * factor;
    where = Member(path, "value");
  } else if (v.is_number()) {
    metres = v.get<double>();
  } else if (v.is_string()) {
    auto q = units::ParseQuantity(json::Echo(v.get_ref<const std::string&>()), units::Dimension::kLength);
    if (!q.ok()) return Status::Invalid(path + ": " + q.status().message());
    metres = *q;
  } else {
    return Status::Invalid(path + ": expected a length (metres, \"<n><unit>\" or {value, units}), got " + json::Describe(v));
  }
  if (Status s = Range(where, metres, lo, hi, "m"); !s.ok()) return s;
  return metres;
}

Result<double> DecodeDuration(const Json& v, const std::string& path, double lo, double hi) {
  double seconds = 0;
  if (v.is_number()) {
    seconds = v.get<double>();
  } else if (v.is_string()) {
    auto q = units::ParseQuantity(json::Echo(v.get_ref<const std::string&>()), units::Dimension::kTime);
    if (!q.ok()) return Status::Invalid(path + ": " + q.status().message());
    seconds = *q;
  } else {
    return Status::Invalid(path + ": expected a duration (seconds or \"<n><unit>\"), got " + json::Describe(v));
  }
  if (Status s = Range(path, seconds, lo, hi, "s"); !s.ok()) return s;
  return seconds;
}

Result<double> DecodeTime(const Json& v, const std::string& path) {
  const Json* t = &v;
  std::string where = path;
  if (v.is_object()) {  // F3548 Time: {value, format: RFC3339}
    FieldReader r(v, path);
    t = r.Raw("value", true);
    if (auto f = r.OptStr("format", 16); f && r.ok() && *f != "RFC3339")
      r.Fail(r.FieldPath("format"), "unknown time format; allowed: RFC3339");
    if (Status s = r.Finish(); !s.ok()) return s;
    where = Member(path, "value");
  }
  double seconds = 0;
  if (t->is_number()) {
    seconds = t->get<double>();
  } else if (t->is_string()) {
    const std::string& s = t->get_ref<const std::string&>();
    if (s.size() > 40) return Status::Invalid(where + ": not an ISO 8601 date-time (" + std::to_string(s.size()) + " bytes)");
    auto iso = ParseIsoTime(s);
    if (!iso.ok()) return Status::Invalid(where + ": " + iso.status().message());
    seconds = *iso;
  } else {
    return Status::Invalid(where + ": expected a time (UNIX seconds or ISO 8601 UTC), got " + json::Describe(*t));
  }
  if (Status s = Range(where, seconds, kMinTimeS, kMaxTimeS, "s"); !s.ok()) return s;
  return seconds;
}

Result<LatLng> DecodePoint(const Json& v, const std::string& path) {
  const Json *lat = nullptr, *lng = nullptr;
  std::string lat_path = Member(path, "lat"), lng_path = Member(path, "lng");
  if (v.is_array()) {
    if (v.size() != 2) return Status::Invalid(path + ": expected [lat, lng], got an array of " + std::to_string(v.size()));
    lat = &v[0];
    lng = &v[1];
  } else if (v.is_object()) {
    FieldReader r(v, path);
    lat = r.Raw("lat", true);
    lng = r.Raw("lng", true);
    if (Status s = r.Finish(); !s.ok()) return s;
  } else {
    return Status::Invalid(path + ": expected [lat, lng] or {lat, lng}, got " + json::Describe(v));
  }
  auto la = json::NumberValue(*lat, lat_path, -90, 90, "deg");
  if (!la.ok()) return la.status();
  auto lo = json::NumberValue(*lng, lng_path, -180, 180, "deg");
  if (!lo.ok()) return lo.status();
  return LatLng{*la, *lo};
}

Result<Volume4D> DecodeVolume(const Json& v, const std::string& path) {
  Volume4D out;
  FieldReader r(v, path);
  if (const Json* nested = r.Raw("volume")) {  // F3548 Volume4D: {volume: {outline, altitudes}, time_start, time_end}
    FieldReader g(*nested, r.FieldPath("volume"));
    (void)ReadShape(g, &out);
    if (Status s = g.Finish(); !s.ok()) return s;
  } else if (r.ok()) {
    (void)ReadShape(r, &out);
  }
  (void)ReadTimes(r, &out);
  if (Status s = r.Finish(); !s.ok()) return s;
  return out;
}

Result<Operation> DecodeOperation(const Json& v, const std::string& path) {
  FieldReader r(v, path);
  Operation op;
  IdField(r, "id", true, &op.id);
  IdField(r, "owner", false, &op.owner);
  if (auto p = r.OptNum("priority", -kMaxAbsPriority, kMaxAbsPriority)) {
    if (*p != std::floor(*p)) r.Fail(r.FieldPath("priority"), fmt::format("{} is not an integer", *p));
    op.priority = static_cast<int>(*p);
  }
  if (auto st = r.OptStr("state", 32); st && r.ok()) {
    auto s = ParseOperationState(*st);
    if (!s.ok()) r.Fail(r.FieldPath("state"), s.status().message());
    else op.state = *s;
  }
  auto vols = Volumes(r);
  if (!vols.ok()) return vols.status();
  if (Status s = r.Finish(); !s.ok()) return s;
  op.volumes = std::move(vols).value();
  return op;
}

Result<Zone> DecodeZone(const Json& v, const std::string& path) {
  FieldReader r(v, path);
  Zone z;
  IdField(r, "id", true, &z.id);
  IdField(r, "owner", false, &z.owner);
  if (auto kind = r.OptStr("kind", 32); r.ok()) {
    if (!kind) r.Fail(r.FieldPath("kind"), "required field is missing");
    else if (auto k = ParseZoneKind(*kind); !k.ok()) r.Fail(r.FieldPath("kind"), k.status().message());
    else z.kind = *k;
  }
  if (const Json* b = r.Raw("binds"); b && r.ok()) {
    if (b->is_string() && *b == "all") {
      z.binds_all_others = true;
    } else if (b->is_array() && b->size() <= kMaxBoundParties) {
      z.binds_all_others = false;
      for (size_t i = 0; i < b->size() && r.ok(); ++i) {
        auto id = Id((*b)[i], Element(r.FieldPath("binds"), i));
        if (!id.ok()) r.Fail(id.status());
        else z.binds.push_back(*id);
      }
    } else {
      r.Fail(r.FieldPath("binds"), fmt::format("expected \"all\" or a list of at most {} parties, got {}",
                                               kMaxBoundParties, json::Describe(*b)));
    }
  }
  Field(r, "notification_lead", false, [&](const Json& j, const std::string& p) -> Status {
    auto d = DecodeDuration(j, p, 0, kMaxDurationS);
    if (d.ok()) z.notification_lead_s = *d;
    return d.status();
  });
  Field(r, "notified_at", false, [&](const Json& j, const std::string& p) -> Status {
    auto t = DecodeTime(j, p);
    if (t.ok()) z.notified_at_s = *t;
    return t.status();
  });
  auto vols = Volumes(r);
  if (!vols.ok()) return vols.status();
  if (Status s = r.Finish(); !s.ok()) return s;
  z.volumes = std::move(vols).value();
  return z;
}

namespace {

// Escalation steps [{<after>, action}], `after` read by `read_after`.
template <typename Fn>
void ReadEscalation(FieldReader& r, const char* after_key, AgreementTerms* t, Fn&& read_after) {
  const Json* esc = r.Array("escalation", false, kMaxEscalationSteps);
  if (!esc || !r.ok()) return;
  t->escalation.clear();
  for (size_t i = 0; i < esc->size() && r.ok(); ++i) {
    FieldReader e((*esc)[i], Element(r.FieldPath("escalation"), i));
    EscalationStep step;
    Field(e, after_key, true, [&](const Json& v, const std::string& p) -> Status {
      auto a = read_after(v, p);
      if (a.ok()) step.after_s = *a;
      return a.status();
    });
    step.action = e.Str("action", true, kMaxEscalationActionBytes);
    if (Status s = e.Finish(); !s.ok()) return r.Fail(s);
    t->escalation.push_back(std::move(step));
  }
}

}  // namespace

Result<AgreementTerms> DecodeAgreementTerms(const Json& v, const AgreementTerms& base, const std::string& path) {
  FieldReader r(v, path);
  AgreementTerms t = base;
  auto num = [&](const char* k, double* out, double lo, double hi, const char* unit) {
    if (auto x = r.OptNum(k, lo, hi, unit)) *out = *x;
  };
  num("track_horizontal_m", &t.track_horizontal_m, 1, kMaxSeparationHorizontalM, "m");
  num("track_vertical_m", &t.track_vertical_m, 1, kMaxSeparationVerticalM, "m");
  num("track_lookahead_s", &t.track_lookahead_s, 1, kMaxLookaheadS, "s");
  num("buffer_horizontal_m", &t.buffer_horizontal_m, 0, kMaxSeparationHorizontalM, "m");
  num("buffer_vertical_m", &t.buffer_vertical_m, 0, kMaxSeparationVerticalM, "m");
  num("ack_deadline_s", &t.ack_deadline_s, 1, kMaxAckDeadlineS, "s");
  if (auto b = r.OptBool("equal_priority_conflicts_allowed")) t.equal_priority_conflicts_allowed = *b;
  ReadEscalation(r, "after_s", &t, [](const Json& a, const std::string& p) {
    return json::NumberValue(a, p, 0, kMaxAckDeadlineS, "s");
  });
  if (Status s = r.Finish(); !s.ok()) return s;
  if (Status s = ValidateTerms(t); !s.ok()) return s;
  return t;
}

Result<AgreementSpec> DecodeAgreementSpec(const Json& v, const AgreementTerms& base, const std::string& path) {
  FieldReader r(v, path);
  AgreementSpec a;
  a.terms = base;
  if (const Json* parties = r.Raw("parties", true); parties && r.ok()) {
    if (!parties->is_array() || parties->size() != 2) {
      r.Fail(r.FieldPath("parties"), "expected two parties [a, b], got " + json::Describe(*parties));
    } else {
      for (auto [i, dst] : {std::pair{0, &a.party_a}, {1, &a.party_b}}) {
        auto id = Id((*parties)[i], Element(r.FieldPath("parties"), i));
        if (!id.ok()) r.Fail(id.status());
        else *dst = *id;
      }
    }
  }
  struct Term {
    const char* key;
    double* dst;
    double lo, hi;
    bool is_time;
  };
  for (Term f : {Term{"buffer_horizontal", &a.terms.buffer_horizontal_m, 0, kMaxSeparationHorizontalM, false},
                 {"buffer_vertical", &a.terms.buffer_vertical_m, 0, kMaxSeparationVerticalM, false},
                 {"track_horizontal", &a.terms.track_horizontal_m, 1, kMaxSeparationHorizontalM, false},
                 {"track_vertical", &a.terms.track_vertical_m, 1, kMaxSeparationVerticalM, false},
                 {"track_lookahead", &a.terms.track_lookahead_s, 1, kMaxLookaheadS, true},
                 {"ack_deadline", &a.terms.ack_deadline_s, 1, kMaxAckDeadlineS, true}})
    Field(r, f.key, false, [&](const Json& j, const std::string& p) -> Status {
      auto x = f.is_time ? DecodeDuration(j, p, f.lo, f.hi) : DecodeLength(j, p, f.lo, f.hi);
      if (x.ok()) *f.dst = *x;
      return x.status();
    });
  if (auto b = r.OptBool("equal_priority_conflicts")) a.terms.equal_priority_conflicts_allowed = *b;
  ReadEscalation(r, "after", &a.terms, [](const Json& j, const std::string& p) {
    return DecodeDuration(j, p, 0, kMaxAckDeadlineS);
  });
  if (Status s = r.Finish(); !s.ok()) return s;
  if (Status s = ValidateTerms(a.terms); !s.ok()) return Status::Invalid(path + ": " + s.message());
  return a;
}

// ---------------------------------------------------------------------------------------------------- encoding

Json EncodeVolume(const Volume4D& v) {
  Json j{{"altitude_lower", v.altitude_lower_m}, {"altitude_upper", v.altitude_upper_m},
         {"time_start", v.time_start_s},         {"time_end", v.time_end_s}};
  if (v.outline_circle) {
    j["outline_circle"] = Json{{"center", {{"lat", v.outline_circle->center.lat_deg}, {"lng", v.outline_circle->center.lng_deg}}},
                               {"radius", v.outline_circle->radius_m}};
  }
  if (!v.outline_polygon.empty() || !v.outline_circle) {
    Json poly = Json::array();
    for (const auto& p : v.outline_polygon) poly.push_back(Json::array({p.lat_deg, p.lng_deg}));
    j["outline_polygon"] = poly;
  }
  return j;
}

static Json EncodeVolumes(const std::vector<Volume4D>& vs) {
  Json a = Json::array();
  for (const auto& v : vs) a.push_back(EncodeVolume(v));
  return a;
}

Json EncodeOperation(const Operation& op) {
  return Json{{"id", op.id}, {"priority", op.priority}, {"state", OperationStateName(op.state)},
              {"volumes", EncodeVolumes(op.volumes)}};
}

Json EncodeZone(const Zone& z) {
  Json j{{"id", z.id}, {"kind", ZoneKindName(z.kind)}, {"volumes", EncodeVolumes(z.volumes)}};
  j["binds"] = z.binds_all_others ? Json("all") : Json(z.binds);
  if (z.notification_lead_s) j["notification_lead"] = *z.notification_lead_s;
  if (z.notified_at_s != 0) j["notified_at"] = z.notified_at_s;
  return j;
}

Json EncodeAgreementTerms(const AgreementTerms& t) {
  Json esc = Json::array();
  for (const auto& e : t.escalation) esc.push_back(Json{{"after_s", e.after_s}, {"action", e.action}});
  return Json{{"track_horizontal_m", t.track_horizontal_m}, {"track_vertical_m", t.track_vertical_m},
              {"track_lookahead_s", t.track_lookahead_s},   {"buffer_horizontal_m", t.buffer_horizontal_m},
              {"buffer_vertical_m", t.buffer_vertical_m},   {"equal_priority_conflicts_allowed", t.equal_priority_conflicts_allowed},
              {"ack_deadline_s", t.ack_deadline_s},         {"escalation", esc}};
}

}  // namespace deconflict::plan
