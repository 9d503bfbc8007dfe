// The HTTP API of the service: request parsing (strict, errors name the field), access rules and the
// party's own view of everything it may see. api/openapi.yaml describes every route registered here.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "record/hash.h"
#include "record/receipt.h"
#include "server/bodies.h"
#include "server/need_to_know.h"
#include "server/pagination.h"
#include "server/service_internal.h"

namespace deconflict::server {
void Service::RegisterRoutes(Router& router) {
  Routes(router);
  RegisterCredentialRoutes(router);
}

void Service::Routes(Router& r) {
  auto read = [](auto fn) {
    return [fn](Request& req, Respond respond) { respond(fn(req)); };
  };
  auto write = [this](auto fn) {
    return [this, fn](Request& req, Respond respond) {
      Async(std::move(respond), [fn, req]() { return fn(req); });
    };
  };
  auto bind = [this](Response (Service::*m)(const Request&)) {
    return [this, m](const Request& req) { return (this->*m)(req); };
  };

  r.Add({"GET", "/healthz", Access::kPublic, false, read([](const Request&) { return Ok(Json{{"status", "ok"}}); })});
  r.Add({"GET", "/metrics", Access::kAdmin, false, read([this](const Request&) {
           Response res;
           metrics_.Set("dc_tracks", static_cast<double>(track_count()), "tracks held");
           metrics_.Set("dc_notices_live", static_cast<double>(live_notice_count()), "notices in memory (not settled)");
           metrics_.Set("dc_alerts_in_memory", static_cast<double>(alert_count()), "alerts in memory (open)");
           metrics_.Set("dc_stream_waiters", static_cast<double>(hub_.subscribers()), "streams waiting for events");
           auto st = store_.stats();
           metrics_.Set("dc_store_commits", static_cast<double>(st.commits), "durable commits (fsync)");
           metrics_.Set("dc_store_max_group", static_cast<double>(st.max_batch), "most writes in one commit");
           res.raw = metrics_.Prometheus();
           res.content_type = "text/plain; version=0.0.4";
           return res;
         })});
  r.Add({"POST", "/v1/parties", Access::kAdmin, false, write(bind(&Service::HandleCreateParty))});
  r.Add({"GET", "/v1/parties", Access::kAny, false, read(bind(&Service::HandleListParties))});
  r.Add({"POST", "/v1/parties/{party_id}/tokens", Access::kAdmin, false, write(bind(&Service::HandleIssueToken))});
  r.Add({"GET", "/v1/me", Access::kParty, false, read(bind(&Service::HandleMe))});
  r.Add({"POST", "/v1/tracks", Access::kParty, false, write(bind(&Service::HandlePostTracks))});
  r.Add({"GET", "/v1/tracks", Access::kParty, false, read(bind(&Service::HandleGetTracks))});
  r.Add({"GET", "/v1/alerts", Access::kParty, false, read(bind(&Service::HandleListAlerts))});
  r.Add({"GET", "/v1/alerts/{alert_id}", Access::kParty, false, read(bind(&Service::HandleGetAlert))});
  r.Add({"POST", "/v1/notices", Access::kParty, false, write(bind(&Service::HandlePostNotice))});
  r.Add({"GET", "/v1/notices", Access::kParty, false, read(bind(&Service::HandleListNotices))});
  r.Add({"GET", "/v1/notices/{notice_id}", Access::kParty, false, read(bind(&Service::HandleGetNotice))});
  r.Add({"POST", "/v1/notices/{notice_id}/ack", Access::kParty, false, write(bind(&Service::HandleAckNotice))});
  r.Add({"POST", "/v1/distress", Access::kParty, false, write(bind(&Service::HandlePostDistress))});
  r.Add({"GET", "/v1/distress", Access::kParty, false, read(bind(&Service::HandleListDistress))});
  r.Add({"DELETE", "/v1/distress/{aircraft_id}", Access::kParty, false, write(bind(&Service::HandleCancelDistress))});
  r.Add({"GET", "/v1/receipts/{seq}", Access::kParty, false, read(bind(&Service::HandleReceipt))});
  r.Add({"GET", "/v1/record/head", Access::kAny, false, read(bind(&Service::HandleRecordHead))});
  r.Add({"GET", "/v1/record/verify", Access::kAdmin, false, write([this](const Request&) {
           // The whole record, and the stored state against it (docs/storage.md, "Integrity at rest").
           auto r = store_.VerifyIntegrity(/*full=*/true);
           if (!r.ok()) return Ok(Json{{"ok", false}, {"error", r.status().message()}});
           return Ok(Json{{"ok", true}, {"entries", r->entries_verified}, {"rows", r->rows_verified}});
         })});
  r.Add({"GET", "/v1/stream", Access::kParty, true, nullptr});
  RegisterPlanRoutes(r);
  // The route table itself (the OpenAPI check compares api/openapi.yaml against it).
  r.Add({"GET", "/v1/routes", Access::kPublic, false, read([&r](const Request&) {
           Json out = Json::array();
           for (const auto& route : r.routes()) {
             const char* access = route.access == Access::kPublic  ? "public"
                                  : route.access == Access::kAdmin ? "admin"
                                  : route.access == Access::kParty ? "party"
                                                                   : "any";
             out.push_back(Json{{"method", route.method}, {"path", route.pattern}, {"access", access},
                                {"stream", route.stream}});
           }
           return Ok(Json{{"routes", out}});
         })});
}

Response Service::HandleCreateParty(const Request& req) {
  auto body = ObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto p = DecodePartyBody(*body);
  if (!p.ok()) return ErrorResponse(p.status());
  if (p->id == "admin" || p->id == record::kServerActor)
    return ErrorResponse(Status::Invalid("id: \"" + p->id + "\" is reserved"));
  if (Status s = CreateParty(p->id, p->name, p->escalation_contact); !s.ok()) return ErrorResponse(s);
  auto token = IssueToken(p->id, "initial");
  if (!token.ok()) return ErrorResponse(token.status());
  return Ok(Json{{"id", p->id}, {"name", p->name}, {"escalation_contact", p->escalation_contact}, {"token", *token}}, 201);
}

Response Service::HandleListParties(const Request& req) {
  Json out = Json::array();
  std::shared_lock lock(parties_mu_);
  for (const auto& [id, p] : parties_) {
    Json j{{"id", id}, {"name", p.name}};
    if (req.who.admin || req.who.party == id) j["escalation_contact"] = p.escalation_contact;
    out.push_back(j);
  }
  return PagedAnswer(req, "parties", std::move(out), "id");
}

Response Service::HandleIssueToken(const Request& req) {
  auto body = ObjectBody(req, true);
  if (!body.ok()) return ErrorResponse(body.status());
  auto label = DecodeLabelBody(*body);
  if (!label.ok()) return ErrorResponse(label.status());
  auto token = IssueToken(req.params.at("party_id"), *label);
  if (!token.ok()) return ErrorResponse(token.status());
  return Ok(Json{{"party", req.params.at("party_id")}, {"token", *token}, {"label", *label}}, 201);
}

Response Service::HandleMe(const Request& req) {
  std::shared_lock lock(parties_mu_);
  const auto& p = parties_.at(req.who.party);
  return Ok(Json{{"id", p.id}, {"name", p.name}, {"escalation_contact", p.escalation_contact}});
}

Response Service::HandlePostTracks(const Request& req) {
  auto body = ObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto batch = DecodeTrackBatch(*body, req.who.party, Now(), options_.max_tracks_per_batch);
  if (!batch.ok()) return ErrorResponse(batch.status());
  const size_t n = batch->tracks.size();
  if (Status s = IngestTracks(req.who.party, std::move(batch->tracks), batch->source, batch->bindings); !s.ok())
    return ErrorResponse(s);
  return Ok(Json{{"accepted", n}});
}

Response Service::HandleGetTracks(const Request& req) {
  const double now = Now();
  Json own = Json::array();
  {
    std::lock_guard lock(tracks_mu_);
    if (auto it = tracks_.find(req.who.party); it != tracks_.end())
      for (const auto& [id, e] : it->second) {
        Json j = TrackToJson(e.state);
        j["stale"] = e.received_s == 0 || now - e.received_s > options_.track_stale_s;
        if (!e.operation_id.empty()) j["operation_id"] = e.operation_id;
        own.push_back(j);
      }
  }
  // Other parties' aircraft only where they conflict with this party's (their alert view) or bind it
  // (an aircraft in distress, whose exclusion zone binds everyone).
  Json related = Json::array();
  {
    std::lock_guard lock(alerts_mu_);
    for (const auto& [key, id] : open_by_pair_) {
      const auto& a = *alerts_.at(id);
      if (a.kind != "separation" || (a.party_a != req.who.party && a.party_b != req.who.party)) continue;
      Json v = AlertView(a, req.who.party);
      Json t = v["intruder"];
      t["reason"] = "alert";
      t["alert_id"] = a.id;
      related.push_back(t);
    }
    for (const auto& [k, d] : distress_) {
      if (d->party == req.who.party) continue;
      related.push_back(Json{{"party", d->party}, {"id", d->aircraft_id}, {"lat_deg", d->lat_deg},
                             {"lon_deg", d->lon_deg}, {"alt_m", d->alt_m}, {"reason", "distress"}});
    }
  }
  return Ok(Json{{"tracks", own}, {"related", related}});
}

Response Service::HandlePostDistress(const Request& req) {
  auto body = ObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto call = DecodeDistressBody(*body);
  if (!call.ok()) return ErrorResponse(call.status());
  const std::string& aircraft = call->aircraft_id;
  auto id = DeclareDistress(req.who.party, aircraft, call->text);
  if (!id.ok()) {
    if (id.status().code() == ErrorCode::kNotFound)
      return ErrorResponse(Status::Invalid("aircraft_id: " + id.status().message()));
    return ErrorResponse(id.status());
  }
  std::lock_guard lock(alerts_mu_);
  const auto& d = *distress_.at(req.who.party + "/" + aircraft);
  return Ok(Json{{"notice_id", *id}, {"zone", DistressZoneJson(d)}}, 201);
}

Response Service::HandleListDistress(const Request& req) {
  // Every active distress binds every party: all are listed.
  Json out = Json::array();
  std::lock_guard lock(alerts_mu_);
  for (const auto& [k, d] : distress_) out.push_back(DistressZoneJson(*d));
  return PagedAnswer(req, "distress", std::move(out), "zone_id");
}

Response Service::HandleCancelDistress(const Request& req) {
  if (Status s = CancelDistress(req.who.party, req.params.at("aircraft_id")); !s.ok()) return ErrorResponse(s);
  return Ok(Json{{"cancelled", req.params.at("aircraft_id")}});
}

Response Service::HandleReceipt(const Request& req) {
  auto seq = ParseDecimal("seq", req.params.at("seq"), INT64_MAX);
  if (seq.ok() && *seq == 0) seq = Status::Invalid("seq: expected an integer in 1.." + std::to_string(INT64_MAX));
  if (!seq.ok()) return ErrorResponse(seq.status());
  auto receipt = store_.IssueReceipt(req.who.party, *seq);
  if (!receipt.ok()) return ErrorResponse(receipt.status());
  if (!need_to_know::MayShowWhole(receipt->entry, req.who.party))
    return ErrorResponse(Status(ErrorCode::kPermissionDenied,
                                "entry " + std::to_string(*seq) + " was recorded for several parties at once (before per-party "
                                "entries); its receipt would name the others"));
  Response res;
  res.raw = record::ReceiptToJson(*receipt);
  res.content_type = "application/json";
  return res;
}

Response Service::HandleRecordHead(const Request&) {
  Json out{{"public_key", record::ToHex(store_.public_key())}};
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto h = tx.HeadSeq();
    if (!h.ok()) return h.status();
    out["seq"] = *h;
    if (*h > 0) {
      auto e = tx.GetEntry(*h);
      if (!e.ok()) return e.status();
      out["hash"] = record::ToHex(e->hash);
    }
    return Status::Ok();
  });
  if (!s.ok()) return ErrorResponse(s);
  return Ok(out);
}

// ---------------------------------------------------------------- shared by the handlers (service_internal.h)

Response Ok(Json body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Result<Json> ObjectBody(const Request& req, bool allow_empty) {
  if (allow_empty && req.body.find_first_not_of(" \r\n\t") == std::string::npos) return Json::object();
  auto j = ParseJsonBody(req.body);
  if (!j.ok()) return j.status();
  if (!j->is_object()) return Status::Invalid("body: expected a JSON object, got " + json::Describe(*j));
  return j;
}

Result<VersionedBody> ReadVersionedBody(const Request& req, bool create, const std::string& id_param) {
  auto body = ObjectBody(req);
  if (!body.ok()) return body.status();
  VersionedBody out{std::move(*body), 0};
  if (create) return out;
  Json& b = out.body;
  if (!b.contains("version") || !b["version"].is_number_integer())
    return Status::Invalid("version: required integer (the version token you replace)");
  out.expected_version = b["version"].get<int64_t>();
  b.erase("version");
  const std::string& id = req.params.at(id_param);
  if (b.contains("id") && b["id"] != id) return Status::Invalid("id: does not match the path");
  b["id"] = id;
  return out;
}

}  // namespace deconflict::server
