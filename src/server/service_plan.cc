// Operations, zones and agreements through the strategic engine (plan::Registry): checked on every write,
// durable in the store as versioned documents, recorded, and pushed to the parties they concern with only
// what need-to-know allows (the overlap of a conflict, never the other party's whole plan).
#include <spdlog/spdlog.h>

#include "plan/agreement.h"
#include "plan/codec.h"
#include "plan/load.h"
#include "plan/registry.h"
#include "record/hash.h"
#include "server/bodies.h"
#include "server/service_internal.h"

namespace deconflict::server {

namespace {

// An operation or zone from a request body (plan/codec.h); its owner is the caller's party.
template <typename T>
Result<T> DecodeOwned(const Json& body, const std::string& party) {
  Result<T> obj = Status::Invalid("unreachable");
  if constexpr (std::is_same_v<T, plan::Operation>) obj = plan::DecodeOperation(body);
  else obj = plan::DecodeZone(body);
  if (!obj.ok()) return obj;
  if (!obj->owner.empty() && obj->owner != party)
    return Status::Invalid("owner: a party writes only its own objects (\"" + party + "\"); leave owner out");
  obj->owner = party;
  return obj;
}

// A stored operation or zone document (the store's owner is the object's owner).
template <typename T>
Result<T> DecodeStored(const store::Document& d) {
  auto body = json::Parse(d.body, {.what = "stored document"});
  if (!body.ok()) return body.status();
  return DecodeOwned<T>(*body, d.owner);
}

// The preconditions of a create or replace of a versioned operation or zone: another party's object answers as
// if absent (404); a create needs it absent, a replace needs it present at the version named (else 409 stale).
// owner: the engine's owner of the id (nullptr when absent); current: its store version (0 when absent).
Status WritePrecondition(const char* what, const std::string& id, const std::string& party, const std::string* owner,
                         int64_t current, bool create, int64_t expected) {
  const Status absent = Status::NotFound(std::string("no ") + what + " " + id + " of party " + party);
  if (owner && *owner != party) return absent;
  if (create && current != 0) return Status(ErrorCode::kAlreadyExists, std::string(what) + " " + id + " exists");
  if (!create && current == 0) return absent;
  if (!create && expected != current)
    return Status::Conflict("version: stale version token " + std::to_string(expected) + " (current " +
                            std::to_string(current) + ")");
  return Status::Ok();
}

channel::EscalationStep StepOfAction(const std::string& action) {
  if (auto s = channel::ParseEscalationStep(action)) return *s;
  if (action == "raise-priority") return channel::EscalationStep::kRaisePriority;
  if (action == "repeat") return channel::EscalationStep::kRepeat;
  return channel::EscalationStep::kNotifyContact;  // "call-liaison", "hotline", ...: a person is told
}

}  // namespace

Service::Service(ServiceOptions options, store::Store& store, EventHub& hub, Metrics& metrics)
    : options_(std::move(options)),
      store_(store),
      hub_(hub),
      metrics_(metrics),
      channel_([this](const std::string& s, const std::string& r) { return PolicyBetween(s, r); }),
      detector_(options_.detector),
      tracker_(options_.alerting),
      pool_(std::make_unique<WritePool>(options_.write_threads)) {
  InitPlan();
}

Service::~Service() { Stop(); }


void Service::InitPlan() {
  plan::RegistryOptions o;
  o.default_terms.track_horizontal_m = options_.detector.minima.horizontal_m;
  o.default_terms.track_vertical_m = options_.detector.minima.vertical_m;
  o.default_terms.track_lookahead_s = options_.detector.minima.lookahead_s;
  o.default_terms.ack_deadline_s = options_.default_policy.ack_deadline_s;
  o.default_terms.escalation.clear();
  double after = 0;
  for (auto s : options_.default_policy.steps) {
    after += options_.default_policy.ack_deadline_s;
    o.default_terms.escalation.push_back(plan::EscalationStep{after, channel::EscalationStepName(s)});
  }
  o.default_terms.equal_priority_conflicts_allowed = false;
  plan_ = std::make_unique<PlanState>(o);
  plan_->registry.agreements() = plan::AgreementBook(o.default_terms);
}

Status Service::LoadPlan() {
  const double now = Now();
  return store_.Read([&](store::ReadTx& tx) -> Status {
    store::DocumentFilter all;
    all.limit = std::numeric_limits<size_t>::max();
    // Agreements: replay every stored version in order.
    auto ags = tx.ListDocuments(store::DocumentKind::kAgreement, all);
    if (!ags.ok()) return ags.status();
    for (const auto& d : *ags) {
      auto hist = tx.DocumentHistory(store::DocumentKind::kAgreement, d.id);
      if (!hist.ok()) return hist.status();
      for (const auto& h : *hist) {
        auto parsed = json::Parse(h.body, {.what = "stored agreement"});
        if (!parsed.ok() || !parsed->is_object()) continue;
        const Json& b = *parsed;
        const std::string by = b.value("by", ""), other = b.value("other", "");
        if (b.value("action", "") == "accept") {
          (void)plan_->registry.agreements().Accept(by, other, b.value("version", 0));
        } else {
          auto t = plan::DecodeAgreementTerms(b.value("terms", Json::object()), plan_->registry.agreements().default_terms());
          if (t.ok()) (void)plan_->registry.agreements().Propose(by, other, *t, b.value("latest_seen", 0));
        }
      }
    }
    {
      std::lock_guard lock(plan_->mu);
      RefreshPolicies();
    }
    auto zones = tx.ListDocuments(store::DocumentKind::kZone, all);
    if (!zones.ok()) return zones.status();
    for (const auto& d : *zones) {
      if (d.id.rfind("distress.", 0) == 0) continue;  // distress zones are the channel's
      auto z = DecodeStored<plan::Zone>(d);
      if (!z.ok() || !plan_->registry.PutZone(*z, 0, now).ok()) {
        spdlog::warn("load: zone {} not restored", d.id);
        continue;
      }
      plan_->zone_version[d.id] = d.version;
    }
    auto ops = tx.ListDocuments(store::DocumentKind::kOperation, all);
    if (!ops.ok()) return ops.status();
    for (const auto& d : *ops) {
      auto op = DecodeStored<plan::Operation>(d);
      if (!op.ok()) continue;
      auto dec = plan_->registry.PutOperation(*op, 0, now);
      if (!dec.ok() || !dec->accepted) spdlog::warn("load: operation {} not restored", d.id);
      else plan_->op_version[d.id] = d.version;
    }
    return Status::Ok();
  });
}

channel::Policy Service::PolicyFromAgreement(const std::string& a, const std::string& b) const {
  std::lock_guard lock(policy_mu_);
  auto it = policies_.find(a < b ? std::make_pair(a, b) : std::make_pair(b, a));
  return it == policies_.end() ? options_.default_policy : it->second;
}

void Service::RefreshPolicies() {
  std::map<std::pair<std::string, std::string>, channel::Policy> next;
  const auto ids = PartyIds();
  for (size_t i = 0; i < ids.size(); ++i)
    for (size_t j = i + 1; j < ids.size(); ++j) {
      if (plan_->registry.agreements().InForce(ids[i], ids[j]) == 0) continue;
      const auto& t = plan_->registry.agreements().TermsBetween(ids[i], ids[j]);
      channel::Policy p;
      p.ack_deadline_s = t.ack_deadline_s;
      p.steps.clear();
      for (const auto& e : t.escalation) p.steps.push_back(StepOfAction(e.action));
      next[std::minmax(ids[i], ids[j])] = p;
    }
  std::lock_guard lock(policy_mu_);
  policies_ = std::move(next);
}

std::map<detect::PartyPair, detect::SeparationMinima> Service::AgreedMinima() const {
  std::map<detect::PartyPair, detect::SeparationMinima> out;
  if (!plan_) return out;
  const auto ids = PartyIds();
  std::lock_guard lock(plan_->mu);
  for (size_t i = 0; i < ids.size(); ++i)
    for (size_t j = i + 1; j < ids.size(); ++j) {
      if (plan_->registry.agreements().InForce(ids[i], ids[j]) == 0) continue;
      const auto& t = plan_->registry.agreements().TermsBetween(ids[i], ids[j]);
      out[detect::MakePartyPair(ids[i], ids[j])] =
          detect::SeparationMinima{t.track_horizontal_m, t.track_vertical_m, t.track_lookahead_s};
    }
  return out;
}

std::vector<Service::ZoneHitView> Service::PlanZoneEntries(const std::vector<TrackState>& tracks) const {
  std::vector<ZoneHitView> out;
  if (!plan_) return out;
  std::lock_guard lock(plan_->mu);
  for (const auto& t : tracks) {
    TrackState plain = t;
    plain.id = t.id.substr(t.id.find('/') + 1);
    for (const auto& e : plan_->registry.PredictZoneEntries(plain)) {
      if (e.zone_id.rfind("distress.", 0) == 0) continue;
      out.push_back(ZoneHitView{t.id, t.party, e.zone_id, e.zone_owner, plan::ZoneKindName(e.kind), e.time_to_entry_s});
    }
  }
  return out;
}

Json Service::ConflictJson(const plan::Conflict& c) const {
  Json j{{"kind", c.kind == plan::ConflictKind::kOperation ? "operation" : "zone"},
         {"volume", c.volume},
         {"other_id", c.other_id},
         {"other_party", c.other_party},
         {"time", {{"start_s", c.time.lo}, {"end_s", c.time.hi}}},
         {"altitude", {{"lower_m", c.altitude.lo}, {"upper_m", c.altitude.hi}}},
         {"horizontal_overlap", c.horizontal_overlap},
         {"blocking", c.blocking},
         {"rule", c.rule}};
  if (c.kind == plan::ConflictKind::kOperation) j["other_priority"] = c.other_priority;
  else j["zone_kind"] = plan::ZoneKindName(c.zone_kind);
  return j;
}

Response Service::PutOperation(const Request& req, bool create) {
  auto vb = ReadVersionedBody(req, create, "operation_id");
  if (!vb.ok()) return ErrorResponse(vb.status());
  const int64_t expected = vb->expected_version;
  auto op = DecodeOwned<plan::Operation>(vb->body, req.who.party);
  if (!op.ok()) return ErrorResponse(op.status());
  const std::string key = "op:" + op->id;
  const double now = Now();
  plan::Decision decision;
  std::optional<plan::Operation> previous;
  {
    std::lock_guard lock(plan_->mu);
    auto cur = plan_->registry.GetOperation(op->id);
    const int64_t current = plan_->op_version.count(op->id) ? plan_->op_version[op->id] : 0;
    if (Status p = WritePrecondition("operation", op->id, req.who.party, cur ? &cur->owner : nullptr, current, create, expected);
        !p.ok())
      return ErrorResponse(p);
    if (plan_->in_flight.count(key)) return ErrorResponse(Status::Conflict("operation " + op->id + ": another change is in flight"));
    auto d = plan_->registry.PutOperation(*op, cur ? cur->version : 0, now);
    if (!d.ok()) return ErrorResponse(d.status());
    decision = *d;
    if (!decision.accepted) {
      Response r = ErrorResponse(Status::Conflict("operation refused: " + decision.reason));
      Json cs = Json::array();
      for (const auto& c : decision.conflicts) cs.push_back(ConflictJson(c));
      r.body["conflicts"] = cs;
      return r;
    }
    previous = cur;
    plan_->in_flight.insert(key);
  }
  // Durable, outside the engine lock (writes commit in groups); the engine already holds the new plan.
  store::Document doc;
  doc.kind = store::DocumentKind::kOperation;
  doc.id = op->id;
  doc.owner = req.who.party;
  doc.state = plan::OperationStateName(op->state);
  doc.body = plan::EncodeOperation(*op).dump();
  int64_t stored_version = 0;
  Json conflicts = Json::array();
  for (const auto& c : decision.conflicts) conflicts.push_back(ConflictJson(c));
  Status s = Commit([&](Outbox& out) -> Status {
    auto put = out.tx.PutDocument(doc, create ? store::kMustNotExist : expected);
    if (!put.ok()) return put.status();
    stored_version = put->version;
    auto e = out.Record(record::kind::kInput, req.who.party, {req.who.party},
                        Json{{"input", create ? "operation_created" : "operation_updated"}, {"operation", plan::EncodeOperation(*op)},
                             {"version", stored_version}, {"conflicts", conflicts}});
    if (!e.ok()) return e.status();
    // The other parties whose operations now conflict learn the overlap only.
    for (const auto& c : decision.conflicts) {
      if (c.kind != plan::ConflictKind::kOperation || c.other_party == req.who.party) continue;
      Json seen{{"operation_id", c.other_id},
                {"conflict", {{"other_party", req.who.party},
                              {"other_priority", op->priority},
                              {"time", {{"start_s", c.time.lo}, {"end_s", c.time.hi}}},
                              {"altitude", {{"lower_m", c.altitude.lo}, {"upper_m", c.altitude.hi}}},
                              {"rule", c.rule}}}};
      auto r = out.Record("operation_conflict", record::kServerActor, {c.other_party}, seen, "operation_conflict");
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
  std::lock_guard lock(plan_->mu);
  plan_->in_flight.erase(key);
  if (!s.ok()) {
    // Undo the engine's change: the write is not durable.
    if (previous) (void)plan_->registry.PutOperation(*previous, plan_->registry.GetOperation(op->id)->version, now);
    else (void)plan_->registry.RemoveOperation(op->id, req.who.party, plan_->registry.GetOperation(op->id)->version);
    return ErrorResponse(s);
  }
  plan_->op_version[op->id] = stored_version;
  plan_->marked.erase(op->id);  // the owner's state stands (it may have re-planned around the aircraft)
  metrics_.Add("dc_operations_written_total");
  Json out = plan::EncodeOperation(*op);
  out["version"] = stored_version;
  out["conflicts"] = conflicts;
  return Ok(out, create ? 201 : 200);
}

Response Service::DeleteObject(const Request& req, bool zone) {
  const std::string id = req.params.at(zone ? "zone_id" : "operation_id");
  const std::string what = zone ? "zone" : "operation";
  if (!req.query.count("version") || req.query.at("version").find_first_not_of("0123456789") != std::string::npos ||
      req.query.at("version").empty())
    return ErrorResponse(Status::Invalid("version: required query parameter (?version=N, the token you delete)"));
  const int64_t expected = std::stoll(req.query.at("version"));
  std::lock_guard lock(plan_->mu);
  auto& versions = zone ? plan_->zone_version : plan_->op_version;
  std::string owner;
  if (zone) {
    auto z = plan_->registry.GetZone(id);
    owner = z ? z->owner : "";
  } else {
    auto o = plan_->registry.GetOperation(id);
    owner = o ? o->owner : "";
  }
  if (owner != req.who.party || !versions.count(id)) return ErrorResponse(Status::NotFound("no " + what + " " + id + " of party " + req.who.party));
  if (versions[id] != expected)
    return ErrorResponse(Status::Conflict("version: stale version token " + std::to_string(expected) + " (current " +
                                          std::to_string(versions[id]) + ")"));
  Status s = Commit([&](Outbox& out) -> Status {
    if (Status d = out.tx.DeleteDocument(zone ? store::DocumentKind::kZone : store::DocumentKind::kOperation, id, expected); !d.ok())
      return d;
    return out.Record(record::kind::kInput, req.who.party, {req.who.party}, Json{{"input", what + "_deleted"}, {"id", id}}).status();
  });
  if (!s.ok()) return ErrorResponse(s);
  if (zone) {
    (void)plan_->registry.RemoveZone(id, req.who.party, plan_->registry.GetZone(id)->version);
  } else {
    (void)plan_->registry.RemoveOperation(id, req.who.party, plan_->registry.GetOperation(id)->version);
    plan_->marked.erase(id);
  }
  versions.erase(id);
  return Ok(Json{{"deleted", id}});
}

Response Service::PutZone(const Request& req, bool create) {
  auto vb = ReadVersionedBody(req, create, "zone_id");
  if (!vb.ok()) return ErrorResponse(vb.status());
  const int64_t expected = vb->expected_version;
  const Json& b = vb->body;
  if (b.contains("id") && b["id"].is_string() && b["id"].get<std::string>().rfind("distress.", 0) == 0)
    return ErrorResponse(Status::Invalid("id: \"distress.\" zones are made by distress calls"));
  auto z = DecodeOwned<plan::Zone>(b, req.who.party);
  if (!z.ok()) return ErrorResponse(z.status());
  if (z->kind == plan::ZoneKind::kDistressExclusion)
    return ErrorResponse(Status::Invalid("kind: distress exclusion zones are made by POST /v1/distress"));
  for (size_t i = 0; i < z->binds.size(); ++i)
    if (!PartyExists(z->binds[i])) return ErrorResponse(Status::Invalid("binds[" + std::to_string(i) + "]: no party \"" + z->binds[i] + "\""));
  const double now = Now();
  std::lock_guard lock(plan_->mu);
  auto cur = plan_->registry.GetZone(z->id);
  const int64_t current = plan_->zone_version.count(z->id) ? plan_->zone_version[z->id] : 0;
  if (Status p = WritePrecondition("zone", z->id, req.who.party, cur ? &cur->owner : nullptr, current, create, expected);
      !p.ok())
    return ErrorResponse(p);
  // Which parties it binds (they are shown the zone).
  std::vector<std::string> bound;
  for (const auto& p : PartyIds())
    if (p != req.who.party && z->Binds(p)) bound.push_back(p);
  store::Document doc;
  doc.kind = store::DocumentKind::kZone;
  doc.id = z->id;
  doc.owner = req.who.party;
  doc.state = "active";
  doc.body = plan::EncodeZone(*z).dump();
  int64_t stored = 0;
  Status s = Commit([&](Outbox& out) -> Status {
    auto put = out.tx.PutDocument(doc, create ? store::kMustNotExist : expected);
    if (!put.ok()) return put.status();
    stored = put->version;
    Json view = plan::EncodeZone(*z);
    view["owner"] = req.who.party;
    view["version"] = stored;
    auto e = out.Record(record::kind::kInput, req.who.party, {req.who.party},
                        Json{{"input", create ? "zone_created" : "zone_updated"}, {"zone", view}});
    if (!e.ok()) return e.status();
    if (bound.empty()) return Status::Ok();
    return out.Record("zone", record::kServerActor, bound, Json{{"action", create ? "created" : "updated"}, {"zone", view}}, "zone")
        .status();
  });
  if (!s.ok()) return ErrorResponse(s);
  auto zd = plan_->registry.PutZone(*z, cur ? cur->version : 0, now);
  if (!zd.ok()) spdlog::error("zone {} stored but not in the engine: {}", z->id, zd.status().ToString());
  plan_->zone_version[z->id] = stored;
  Json out = plan::EncodeZone(*z);
  out["owner"] = req.who.party;
  out["version"] = stored;
  Json affected = Json::array();
  if (zd.ok())
    for (const auto& [op_id, c] : zd->affected) affected.push_back(Json{{"operation_id", op_id}, {"other_party", c.other_party}});
  out["affected_operations"] = affected.size();
  return Ok(out, create ? 201 : 200);
}

Json Service::AgreementJson(const plan::Agreement& a, const std::string& party) const {
  Json versions = Json::array();
  for (const auto& v : a.versions)
    versions.push_back(Json{{"version", v.number}, {"proposed_by", v.proposed_by}, {"accepted_by", v.accepted_by},
                            {"terms", plan::EncodeAgreementTerms(v.terms)}});
  return Json{{"parties", {a.party_a, a.party_b}},
              {"counterparty", a.party_a == party ? a.party_b : a.party_a},
              {"in_force", a.in_force},
              {"latest", a.versions.empty() ? 0 : a.versions.back().number},
              {"versions", versions}};
}

Response Service::AgreementAction(const Request& req, const std::string& action) {
  const std::string& other = req.params.at("counterparty");
  const std::string& me = req.who.party;
  if (other == me || !PartyExists(other)) return ErrorResponse(Status::NotFound("no party " + other));
  auto body = ObjectBody(req, true);
  if (!body.ok()) return ErrorResponse(body.status());
  plan::AgreementTerms base;
  {
    std::lock_guard lock(plan_->mu);
    base = plan_->registry.agreements().default_terms();
  }
  auto action_body = DecodeAgreementActionBody(*body, action == "accept", base);
  if (!action_body.ok()) return ErrorResponse(action_body.status());
  const plan::Version version = action_body->version, latest_seen = action_body->latest_seen;
  const plan::AgreementTerms& terms = action_body->terms;
  std::lock_guard lock(plan_->mu);
  auto& book = plan_->registry.agreements();
  const plan::AgreementBook before = book;
  Result<plan::Version> result = plan::Version{0};
  if (action == "accept") {
    Status s = book.Accept(me, other, version);
    if (!s.ok()) return ErrorResponse(s);
    result = version;
  } else {
    auto existing = book.Get(me, other);
    if (action == "counter" && (!existing || existing->versions.empty() || existing->versions.back().proposed_by == me))
      return ErrorResponse(Status::Conflict("counter: there is no proposal of " + other + " to counter"));
    result = book.Propose(me, other, terms, latest_seen);
    if (!result.ok()) return ErrorResponse(result.status());
  }
  const auto agreement = *book.Get(me, other);
  // Document id from the pair (party ids may hold any id character, so they are hashed, not joined).
  const std::string doc_id = "agreement-" + record::ToHex(record::Blake2b256(agreement.party_a + '\n' + agreement.party_b)).substr(0, 32);
  Json version_body{{"action", action == "accept" ? "accept" : "propose"}, {"by", me}, {"other", other},
                    {"version", *result}, {"latest_seen", latest_seen}};
  if (action != "accept") version_body["terms"] = plan::EncodeAgreementTerms(terms);
  store::Document doc;
  doc.kind = store::DocumentKind::kAgreement;
  doc.id = doc_id;
  doc.owner = agreement.versions.front().proposed_by;
  doc.counterparty = doc.owner == agreement.party_a ? agreement.party_b : agreement.party_a;
  doc.state = agreement.in_force ? "in_force" : "proposed";
  doc.body = version_body.dump();
  Json view = AgreementJson(agreement, me);
  Status s = Commit([&](Outbox& out) -> Status {
    auto put = out.tx.PutDocument(doc, store::kAnyVersion);
    if (!put.ok()) return put.status();
    Json entry = version_body;
    entry["in_force"] = agreement.in_force;
    if (action != "accept") entry["terms"] = plan::EncodeAgreementTerms(terms);
    return out.Record(record::kind::kAgreementVersion, me, {me, other}, entry, "agreement").status();
  });
  if (!s.ok()) {
    book = before;
    return ErrorResponse(s);
  }
  agreements_changed_ = true;
  RefreshPolicies();
  return Ok(view, action == "accept" ? 200 : 201);
}

void Service::RegisterPlanRoutes(Router& r) {
  auto read = [](auto fn) { return [fn](Request& req, Respond respond) { respond(fn(req)); }; };
  auto write = [this](auto fn) {
    return [this, fn](Request& req, Respond respond) { Async(std::move(respond), [fn, req]() { return fn(req); }); };
  };
  r.Add({"POST", "/v1/operations", Access::kParty, false, write([this](const Request& q) { return PutOperation(q, true); })});
  r.Add({"GET", "/v1/operations", Access::kParty, false, read([this](const Request& q) {
           Json out = Json::array();
           std::lock_guard lock(plan_->mu);
           for (const auto& [id, v] : plan_->op_version) {
             auto op = plan_->registry.GetOperation(id);
             if (!op || op->owner != q.who.party) continue;
             Json j = plan::EncodeOperation(*op);
             j["version"] = v;
             out.push_back(j);
           }
           return Ok(Json{{"operations", out}});
         })});
  r.Add({"GET", "/v1/operations/{operation_id}", Access::kParty, false, read([this](const Request& q) {
           const auto& id = q.params.at("operation_id");
           std::lock_guard lock(plan_->mu);
           auto op = plan_->registry.GetOperation(id);
           if (!op || op->owner != q.who.party || !plan_->op_version.count(id))
             return ErrorResponse(Status::NotFound("no operation " + id + " of party " + q.who.party));
           Json j = plan::EncodeOperation(*op);
           j["version"] = plan_->op_version[id];
           return Ok(j);
         })});
  r.Add({"PUT", "/v1/operations/{operation_id}", Access::kParty, false, write([this](const Request& q) { return PutOperation(q, false); })});
  r.Add({"DELETE", "/v1/operations/{operation_id}", Access::kParty, false, write([this](const Request& q) { return DeleteObject(q, false); })});
  r.Add({"POST", "/v1/zones", Access::kParty, false, write([this](const Request& q) { return PutZone(q, true); })});
  r.Add({"GET", "/v1/zones", Access::kParty, false, read([this](const Request& q) {
           // Own zones and zones that bind the party.
           Json out = Json::array();
           std::lock_guard lock(plan_->mu);
           for (const auto& [id, v] : plan_->zone_version) {
             auto z = plan_->registry.GetZone(id);
             if (!z || (z->owner != q.who.party && !z->Binds(q.who.party))) continue;
             Json j = plan::EncodeZone(*z);
             j["owner"] = z->owner;
             j["version"] = v;
             if (z->owner != q.who.party) j.erase("binds");  // who else it binds is the owner's business
             out.push_back(j);
           }
           return Ok(Json{{"zones", out}});
         })});
  r.Add({"GET", "/v1/zones/{zone_id}", Access::kParty, false, read([this](const Request& q) {
           const auto& id = q.params.at("zone_id");
           std::lock_guard lock(plan_->mu);
           auto z = plan_->registry.GetZone(id);
           if (!z || (z->owner != q.who.party && !z->Binds(q.who.party)) || !plan_->zone_version.count(id))
             return ErrorResponse(Status::NotFound("no zone " + id + " for party " + q.who.party));
           Json j = plan::EncodeZone(*z);
           j["owner"] = z->owner;
           j["version"] = plan_->zone_version[id];
           if (z->owner != q.who.party) j.erase("binds");
           return Ok(j);
         })});
  r.Add({"PUT", "/v1/zones/{zone_id}", Access::kParty, false, write([this](const Request& q) { return PutZone(q, false); })});
  r.Add({"DELETE", "/v1/zones/{zone_id}", Access::kParty, false, write([this](const Request& q) { return DeleteObject(q, true); })});
  r.Add({"GET", "/v1/agreements", Access::kParty, false, read([this](const Request& q) {
           Json out = Json::array();
           std::lock_guard lock(plan_->mu);
           for (const auto& p : PartyIds()) {
             if (p == q.who.party) continue;
             auto a = plan_->registry.agreements().Get(q.who.party, p);
             if (a) out.push_back(AgreementJson(*a, q.who.party));
           }
           return Ok(Json{{"agreements", out}});
         })});
  r.Add({"GET", "/v1/agreements/{counterparty}", Access::kParty, false, read([this](const Request& q) {
           const auto& other = q.params.at("counterparty");
           std::lock_guard lock(plan_->mu);
           auto a = other == q.who.party ? std::nullopt : plan_->registry.agreements().Get(q.who.party, other);
           if (!a) {
             // No agreement yet: the default terms apply.
             if (other == q.who.party || !PartyExists(other)) return ErrorResponse(Status::NotFound("no party " + other));
             return Ok(Json{{"counterparty", other}, {"in_force", 0}, {"latest", 0}, {"versions", Json::array()},
                            {"default_terms", plan::EncodeAgreementTerms(plan_->registry.agreements().default_terms())}});
           }
           return Ok(AgreementJson(*a, q.who.party));
         })});
  r.Add({"POST", "/v1/agreements/{counterparty}/propose", Access::kParty, false,
         write([this](const Request& q) { return AgreementAction(q, "propose"); })});
  r.Add({"POST", "/v1/agreements/{counterparty}/counter", Access::kParty, false,
         write([this](const Request& q) { return AgreementAction(q, "counter"); })});
  r.Add({"POST", "/v1/agreements/{counterparty}/accept", Access::kParty, false,
         write([this](const Request& q) { return AgreementAction(q, "accept"); })});
}

}  // namespace deconflict::server
