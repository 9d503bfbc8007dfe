#include "server/bodies.h"

#include <fmt/format.h>

#include <set>

#include "core/ids.h"
#include "core/json_fields.h"
#include "plan/codec.h"
#include "plan/limits.h"

namespace deconflict::server {

using json::FieldReader;

namespace {

// An id member (the store's rule, core/ids.h); records the first error in r.
std::string IdField(FieldReader& r, const char* name, bool required, size_t max_bytes = kMaxIdBytes) {
  const Json* v = r.Raw(name, required);
  if (!v || !r.ok()) return {};
  auto s = json::StringValue(*v, r.FieldPath(name), max_bytes);
  if (!s.ok()) {
    r.Fail(s.status());
    return {};
  }
  if (Status c = CheckId(*s, r.FieldPath(name), max_bytes); !c.ok()) {
    r.Fail(c);
    return {};
  }
  return *s;
}

// One track of a batch. *binding: the operation binding it asks for.
Result<TrackState> DecodeTrack(const Json& j, const std::string& path, const std::string& party, double now_s,
                               std::optional<std::string>* binding) {
  FieldReader r(j, path);
  TrackState t;
  t.id = IdField(r, "id", true, kMaxTrackIdBytes);
  if (auto p = r.OptStr("party", kMaxIdBytes); p && *p != party)
    r.Fail(r.FieldPath("party"), "a party may only send its own tracks (\"" + party + "\")");
  if (auto c = r.OptStr("callsign", kMaxCallsignBytes)) t.callsign = *c;
  t.time_s = r.OptNum("time_s", plan::kMinTimeS, plan::kMaxTimeS, "s").value_or(now_s);
  t.lat_deg = r.Num("lat_deg", -90, 90, true, 0, "deg");
  t.lon_deg = r.Num("lon_deg", -180, 180, true, 0, "deg");
  t.alt_m = r.Num("alt_m", plan::kMinAltitudeM, plan::kMaxAltitudeM, true, 0, "m");
  t.gs_mps = r.Num("gs_mps", 0, kMaxGroundSpeedMps, true, 0, "m/s");
  t.trk_deg = r.Num("trk_deg", 0, 360, true, 0, "deg");
  t.vs_mps = r.Num("vs_mps", -kMaxVerticalSpeedMps, kMaxVerticalSpeedMps, false, 0, "m/s");
  t.on_ground = r.OptBool("on_ground").value_or(false);
  if (auto it = j.is_object() ? j.find("operation_id") : j.end(); j.is_object() && it != j.end() && it->is_null())
    *binding = "";  // null unbinds
  if (const Json* op = r.Raw("operation_id"); op && r.ok()) {
    Status bad = op->is_string() ? CheckId(op->get_ref<const std::string&>(), "id") : Status::Invalid("");
    if (!bad.ok())
      r.Fail(r.FieldPath("operation_id"), fmt::format("expected an operation id (1..{} bytes of {}) or null, got {}",
                                                      kMaxIdBytes, kIdCharacters, json::Describe(*op)));
    else *binding = op->get<std::string>();
  }
  if (Status s = r.Finish(); !s.ok()) return s;
  if (t.time_s > now_s + kMaxTrackFutureS)
    return Status::Invalid(fmt::format("{}: {} s ahead of the server clock; the limit is {} s",
                                       json::Member(path, "time_s"), t.time_s - now_s, kMaxTrackFutureS));
  t.party = party;
  return t;
}

}  // namespace

Result<TrackBatch> DecodeTrackBatch(const Json& body, const std::string& party, double now_s, size_t max_tracks) {
  FieldReader r(body, "");
  TrackBatch b;
  const Json* arr = r.Array("tracks", true, max_tracks);
  b.source = r.OptStr("source", kMaxLabelBytes).value_or("api");
  if (Status s = r.Finish(); !s.ok()) return s;
  b.tracks.reserve(arr->size());
  b.bindings.resize(arr->size());
  std::set<std::string> ids;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = json::Element("tracks", i);
    auto t = DecodeTrack((*arr)[i], path, party, now_s, &b.bindings[i]);
    if (!t.ok()) return t.status();
    if (!ids.insert(t->id).second) return Status::Invalid(path + ".id: \"" + t->id + "\" repeats in the batch");
    b.tracks.push_back(std::move(t).value());
  }
  return b;
}

Json EncodeTrackBatch(const TrackBatch& b) {
  Json tracks = Json::array();
  for (size_t i = 0; i < b.tracks.size(); ++i) {
    const TrackState& t = b.tracks[i];
    Json j{{"id", t.id},         {"time_s", t.time_s}, {"lat_deg", t.lat_deg}, {"lon_deg", t.lon_deg},
           {"alt_m", t.alt_m},   {"gs_mps", t.gs_mps}, {"trk_deg", t.trk_deg}, {"vs_mps", t.vs_mps},
           {"on_ground", t.on_ground}};
    if (!t.callsign.empty()) j["callsign"] = t.callsign;
    if (i < b.bindings.size() && b.bindings[i])
      j["operation_id"] = b.bindings[i]->empty() ? Json(nullptr) : Json(*b.bindings[i]);
    tracks.push_back(std::move(j));
  }
  return Json{{"tracks", tracks}, {"source", b.source}};
}

Result<NoticeBody> DecodeNoticeBody(const Json& body) {
  FieldReader r(body, "");
  NoticeBody n;
  const std::string kind = r.Str("kind", true, 32);
  if (r.ok()) {
    auto k = channel::ParseNoticeKind(kind);
    if (!k) r.Fail("kind", "unknown notice kind \"" + json::Echo(kind) + "\"; allowed: free_text, advisory, operation_notice");
    else if (*k == channel::NoticeKind::kAlert || *k == channel::NoticeKind::kDistress)
      r.Fail("kind", "\"" + kind + "\" notices are made by the server (declare distress with POST /v1/distress)");
    else n.kind = *k;
  }
  n.to = r.StrList("to", true, kMaxNoticeRecipients, kMaxIdBytes);
  for (size_t i = 0; i < n.to.size() && r.ok(); ++i)
    if (n.to[i] != "*") r.Fail(CheckId(n.to[i], json::Element("to", i)));
  n.text = r.Str("text", true, kMaxNoticeTextBytes);
  if (auto p = r.OptStr("priority", 16); p && r.ok()) {
    auto pr = channel::ParsePriority(*p);
    if (!pr || *pr == channel::Priority::kDistress)
      r.Fail("priority", "unknown priority \"" + json::Echo(*p) + "\"; allowed: routine, priority, immediate");
    else n.priority = *pr;
  }
  n.operation_id = IdField(r, "operation_id", false);
  n.zone_id = IdField(r, "zone_id", false);
  n.valid_until_s = r.OptNum("valid_until_s", plan::kMinTimeS, plan::kMaxTimeS, "s");
  if (Status s = r.Finish(); !s.ok()) return s;
  return n;
}

Json EncodeNoticeBody(const NoticeBody& n) {
  Json j{{"kind", channel::NoticeKindName(n.kind)}, {"to", n.to}, {"text", n.text},
         {"priority", channel::PriorityName(n.priority)}};
  if (!n.operation_id.empty()) j["operation_id"] = n.operation_id;
  if (!n.zone_id.empty()) j["zone_id"] = n.zone_id;
  if (n.valid_until_s) j["valid_until_s"] = *n.valid_until_s;
  return j;
}

Result<DistressBody> DecodeDistressBody(const Json& body) {
  FieldReader r(body, "");
  DistressBody d;
  d.aircraft_id = IdField(r, "aircraft_id", true, kMaxTrackIdBytes);
  d.text = r.OptStr("text", kMaxNoticeTextBytes).value_or("");
  if (Status s = r.Finish(); !s.ok()) return s;
  return d;
}

Json EncodeDistressBody(const DistressBody& d) { return Json{{"aircraft_id", d.aircraft_id}, {"text", d.text}}; }

Result<PartyBody> DecodePartyBody(const Json& body) {
  FieldReader r(body, "");
  PartyBody p;
  p.id = IdField(r, "id", true);
  p.name = r.OptStr("name", kMaxNameBytes).value_or("");
  p.escalation_contact = r.OptStr("escalation_contact", kMaxNameBytes).value_or("");
  if (Status s = r.Finish(); !s.ok()) return s;
  return p;
}

Json EncodePartyBody(const PartyBody& p) {
  return Json{{"id", p.id}, {"name", p.name}, {"escalation_contact", p.escalation_contact}};
}

Result<std::string> DecodeLabelBody(const Json& body) {
  FieldReader r(body, "");
  std::string label = r.OptStr("label", kMaxLabelBytes).value_or("");
  if (Status s = r.Finish(); !s.ok()) return s;
  return label;
}

Result<std::string> DecodeAckBody(const Json& body) {
  FieldReader r(body, "");
  std::string comment = r.OptStr("comment", kMaxCommentBytes).value_or("");
  if (Status s = r.Finish(); !s.ok()) return s;
  return comment;
}

Result<AgreementActionBody> DecodeAgreementActionBody(const Json& body, bool accept, const plan::AgreementTerms& base) {
  FieldReader r(body, "");
  AgreementActionBody a;
  constexpr int64_t kMaxVersion = int64_t{1} << 30;
  if (accept) {
    a.version = static_cast<plan::Version>(r.OptInt("version", 1, kMaxVersion).value_or(0));
    if (r.ok() && a.version == 0) r.Fail("version", "required field is missing");
  } else {
    a.latest_seen = static_cast<plan::Version>(r.OptInt("latest_seen", 0, kMaxVersion).value_or(0));
    const Json* t = r.Raw("terms", true);
    if (t && r.ok()) {
      auto terms = plan::DecodeAgreementTerms(*t, base, "terms");
      if (!terms.ok()) r.Fail(terms.status());
      else a.terms = *terms;
    }
  }
  if (Status s = r.Finish(); !s.ok()) return s;
  return a;
}

Json EncodeAgreementActionBody(const AgreementActionBody& a, bool accept) {
  if (accept) return Json{{"version", a.version}};
  return Json{{"latest_seen", a.latest_seen}, {"terms", plan::EncodeAgreementTerms(a.terms)}};
}

}  // namespace deconflict::server
