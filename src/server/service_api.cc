// The HTTP API of the service: request parsing (strict, errors name the field), access rules and the
// party's own view of everything it may see. api/openapi.yaml describes every route registered here.
#include <spdlog/spdlog.h>

#include <cmath>
#include <regex>

#include "record/hash.h"
#include "record/receipt.h"
#include "server/bodies.h"
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
  r.Add({"GET", "/metrics", Access::kPublic, false, read([this](const Request&) {
           Response res;
           metrics_.Set("dc_tracks", static_cast<double>(track_count()), "tracks held");
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
           Status s = store_.VerifyRecord();
           return Ok(s.ok() ? Json{{"ok", true}} : Json{{"ok", false}, {"error", s.message()}});
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
  return Ok(Json{{"parties", out}});
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

Response Service::HandleListAlerts(const Request& req) {
  const bool open_only = req.query.count("state") && req.query.at("state") == "open";
  Json out = Json::array();
  std::lock_guard lock(alerts_mu_);
  for (const auto& [id, views] : past_alerts_) {
    if (open_only) break;
    if (auto v = views.find(req.who.party); v != views.end() && !alerts_.count(id)) out.push_back(v->second);
  }
  for (const auto& [id, a] : alerts_) {
    if (!a->Concerns(req.who.party)) continue;
    if (open_only && !a->open) continue;
    out.push_back(AlertView(*a, req.who.party));
  }
  return Ok(Json{{"alerts", out}});
}

Response Service::HandleGetAlert(const Request& req) {
  const std::string& id = req.params.at("alert_id");
  std::lock_guard lock(alerts_mu_);
  if (auto it = alerts_.find(id); it != alerts_.end() && it->second->Concerns(req.who.party))
    return Ok(AlertView(*it->second, req.who.party));
  if (auto it = past_alerts_.find(id); it != past_alerts_.end())
    if (auto v = it->second.find(req.who.party); v != it->second.end()) return Ok(v->second);
  return ErrorResponse(Status::NotFound("no alert " + id + " for party " + req.who.party));
}

Response Service::HandlePostNotice(const Request& req) {
  auto body = ObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto b = DecodeNoticeBody(*body);
  if (!b.ok()) return ErrorResponse(b.status());
  channel::Notice n;
  n.kind = b->kind;
  n.text = b->text;
  n.priority = b->priority;
  n.operation_id = b->operation_id;
  n.zone_id = b->zone_id;
  n.valid_until_s = b->valid_until_s;
  std::vector<std::string> to = b->to;
  if (to.size() == 1 && to[0] == "*") {
    to.clear();
    for (const auto& p : PartyIds())
      if (p != req.who.party) to.push_back(p);
  }
  for (const auto& p : to) n.recipients.push_back(channel::RecipientFor(p));
  n.sender = req.who.party;
  auto id = SendNotice(std::move(n));
  if (!id.ok()) return ErrorResponse(id.status());
  std::lock_guard lock(channel_mu_);
  return Ok(NoticeView(*channel_.Find(*id), req.who.party), 201);
}

Result<std::string> Service::SendNotice(const std::string& sender, const std::vector<std::string>& to,
                                        const std::string& kind, const std::string& text) {
  channel::Notice n;
  auto k = channel::ParseNoticeKind(kind);
  if (!k) return Status::Invalid("kind: unknown notice kind \"" + kind + "\"");
  n.kind = *k;
  n.sender = sender;
  n.text = text;
  for (const auto& p : to) n.recipients.push_back(channel::RecipientFor(p));
  return SendNotice(std::move(n));
}

Result<std::string> Service::SendNotice(channel::Notice n) {
  if (n.kind == channel::NoticeKind::kAlert || n.kind == channel::NoticeKind::kDistress)
    return Status::Invalid("kind: alert and distress notices are made by the server");
  if (n.kind == channel::NoticeKind::kOperationNotice && n.operation_id.empty() && n.zone_id.empty())
    return Status::Invalid("operation_id: an operation notice links an operation_id or a zone_id");
  std::set<std::string> seen;
  for (size_t i = 0; i < n.recipients.size(); ++i) {
    const std::string& p = n.recipients[i].party;
    const std::string field = "to[" + std::to_string(i) + "]";
    if (p == n.sender) return Status::Invalid(field + ": a party does not send notices to itself");
    if (!PartyExists(p)) return Status::Invalid(field + ": no party \"" + p + "\"");
    if (!seen.insert(p).second) return Status::Invalid(field + ": \"" + p + "\" listed twice");
  }
  if (n.recipients.empty()) return Status::Invalid("to: no recipients");
  // A linked operation or zone must be the sender's own.
  for (auto [kind_doc, id, field] : {std::tuple{store::DocumentKind::kOperation, n.operation_id, "operation_id"},
                                     std::tuple{store::DocumentKind::kZone, n.zone_id, "zone_id"}}) {
    if (id.empty()) continue;
    Status s = store_.Read([&](store::ReadTx& tx) -> Status {
      auto d = tx.GetDocument(kind_doc, id);
      if (!d.ok() || d->owner != n.sender)
        return Status::Invalid(std::string(field) + ": no " + store::DocumentKindName(kind_doc) + " \"" + id +
                               "\" of party " + n.sender);
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  n.id = NewId("nt_");
  const double now = Now();
  std::lock_guard lock(channel_mu_);
  Status s = Commit([&](Outbox& out) { return StageNotice(out, n, record::kind::kNotice, Json::object(), now); });
  if (!s.ok()) return s;
  (void)channel_.Post(n, now);
  metrics_.Add("dc_notices_total");
  return n.id;
}

Response Service::HandleListNotices(const Request& req) {
  Json out = Json::array();
  std::lock_guard lock(channel_mu_);
  for (const channel::Notice* n : channel_.ForParty(req.who.party)) out.push_back(NoticeView(*n, req.who.party));
  return Ok(Json{{"notices", out}});
}

Response Service::HandleGetNotice(const Request& req) {
  const std::string& id = req.params.at("notice_id");
  std::lock_guard lock(channel_mu_);
  const channel::Notice* n = channel_.Find(id);
  if (!n || (n->sender != req.who.party && !n->FindRecipient(req.who.party)))
    return ErrorResponse(Status::NotFound("no notice " + id + " for party " + req.who.party));
  return Ok(NoticeView(*n, req.who.party));
}

Response Service::HandleAckNotice(const Request& req) {
  auto body = ObjectBody(req, true);
  if (!body.ok()) return ErrorResponse(body.status());
  auto comment = DecodeAckBody(*body);
  if (!comment.ok()) return ErrorResponse(comment.status());
  const std::string& id = req.params.at("notice_id");
  if (Status s = Acknowledge(req.who.party, id, *comment); !s.ok()) return ErrorResponse(s);
  std::lock_guard lock(channel_mu_);
  return Ok(NoticeView(*channel_.Find(id), req.who.party));
}

Status Service::Acknowledge(const std::string& party, const std::string& id, const std::string& comment) {
  std::lock_guard lock(channel_mu_);
  const channel::Notice* n = channel_.Find(id);
  const channel::Recipient* rec = n ? n->FindRecipient(party) : nullptr;
  if (!rec) return Status::NotFound("no notice " + id + " addressed to " + party);
  if (rec->state == channel::DeliveryState::kAcknowledged) return Status::Ok();
  if (rec->state == channel::DeliveryState::kExpired)
    return Status::Conflict("notice " + id + " expired for " + party + " before it was acknowledged");
  const double now = Now();
  Status s = Commit([&](Outbox& out) -> Status {
    auto d = out.tx.UpdateDelivery(id, party, store::DeliveryState::kAcknowledged, ToMicros(now));
    if (!d.ok()) return d.status();
    std::vector<std::string> to;
    if (!n->sender.empty() && n->sender != party) to.push_back(n->sender);
    return out.Record(record::kind::kAcknowledgement, party, {party},
                      Json{{"notice_id", id}, {"recipient", party}, {"state", "acknowledged"}, {"at_s", now},
                           {"comment", comment}},
                      to.empty() ? "" : "notice_state", to)
        .status();
  });
  if (!s.ok()) return s;
  (void)channel_.Acknowledge(id, party, now);
  metrics_.Add("dc_acknowledgements_total");
  return Status::Ok();
}

void Service::AcknowledgeOlderThan(const std::string& party, double age_s, const std::vector<std::string>& kinds) {
  std::vector<std::string> due;
  const double now = Now();
  {
    std::lock_guard lock(channel_mu_);
    for (const channel::Notice* n : channel_.ForParty(party)) {
      const channel::Recipient* r = n->FindRecipient(party);
      if (!r || r->state == channel::DeliveryState::kAcknowledged || r->state == channel::DeliveryState::kExpired)
        continue;
      if (now - r->queued_at_s < age_s) continue;
      if (std::find(kinds.begin(), kinds.end(), channel::NoticeKindName(n->kind)) == kinds.end()) continue;
      due.push_back(n->id);
    }
  }
  for (const auto& id : due) (void)Acknowledge(party, id, "acknowledged by the duty officer");
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

Response Service::HandleListDistress(const Request&) {
  // Every active distress binds every party: all are listed.
  Json out = Json::array();
  std::lock_guard lock(alerts_mu_);
  for (const auto& [k, d] : distress_) out.push_back(DistressZoneJson(*d));
  return Ok(Json{{"distress", out}});
}

Response Service::HandleCancelDistress(const Request& req) {
  if (Status s = CancelDistress(req.who.party, req.params.at("aircraft_id")); !s.ok()) return ErrorResponse(s);
  return Ok(Json{{"cancelled", req.params.at("aircraft_id")}});
}

Response Service::HandleReceipt(const Request& req) {
  const std::string& text = req.params.at("seq");
  uint64_t seq = 0;
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos ||
      (seq = std::stoull(text)) == 0)
    return ErrorResponse(Status::Invalid("seq: expected a positive integer"));
  auto receipt = store_.IssueReceipt(req.who.party, seq);
  if (!receipt.ok()) return ErrorResponse(receipt.status());
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
  if (!j->is_object()) return Status::Invalid("body: expected a JSON object");
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
