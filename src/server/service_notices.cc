// The channel's notice routes: sending, listing (paginated, from the store), reading and acknowledging notices.
// Retention: a notice leaves memory once settled (every recipient acknowledged or expired); it stays in the store
// and the record, and is read from the store from then on.
#include <algorithm>
#include <spdlog/spdlog.h>

#include "server/bodies.h"
#include "server/pagination.h"
#include "server/service_internal.h"

namespace deconflict::server {

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
  // In party id order, as the store keeps the deliveries and a restart restores them.
  std::sort(n.recipients.begin(), n.recipients.end(), [](const auto& a, const auto& b) { return a.party < b.party; });
  // A linked operation or zone must be the sender's own.
  for (auto [kind_doc, id, field] : {std::tuple{store::DocumentKind::kOperation, n.operation_id, "operation_id"},
                                     std::tuple{store::DocumentKind::kZone, n.zone_id, "zone_id"}}) {
    if (id.empty()) continue;
    // (bindings captured by name: clang 14, used by the fuzzing trees, cannot capture them implicitly)
    Status s = store_.Read([&, kind_doc = kind_doc, &id = id, field = field](store::ReadTx& tx) -> Status {
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

namespace {
constexpr const char* kNoticeList = "notices";

// A notice as the store holds it, with every recipient's state (the in-memory form of a notice that has left
// memory).
Result<channel::Notice> StoredNotice(const store::Notice& sn, const std::vector<store::Delivery>& deliveries) {
  auto n = NoticeFromStore(sn);
  if (!n.ok()) return n.status();
  Json b = Json::parse(sn.body, nullptr, false);
  n->created_at_s = b.is_object() && b.contains("created_at_s") && b["created_at_s"].is_number()
                        ? b["created_at_s"].get<double>()
                        : static_cast<double>(sn.created_us) * 1e-6;
  auto at = [](int64_t us) { return us ? std::optional<double>(static_cast<double>(us) * 1e-6) : std::nullopt; };
  for (const auto& d : deliveries) {
    channel::Recipient r = channel::RecipientFor(d.recipient);
    r.state = static_cast<channel::DeliveryState>(static_cast<int>(d.state));  // the same four states, in order
    r.priority = static_cast<channel::Priority>(std::clamp(d.priority, 0, 3));
    r.queued_at_s = static_cast<double>(d.queued_us) * 1e-6;
    r.delivered_at_s = at(d.delivered_us);
    r.acknowledged_at_s = at(d.acknowledged_us);
    r.expired_at_s = at(d.expired_us);
    r.deadline_s = static_cast<double>(d.deadline_us) * 1e-6;
    r.escalations = d.escalation_level;
    n->recipients.push_back(std::move(r));
  }
  return n;
}

bool Involves(const channel::Notice& n, const std::string& party) {
  return (!n.sender.empty() && n.sender == party) || n.FindRecipient(party) != nullptr;
}
}  // namespace

Result<Json> Service::NoticeViewFor(const std::string& party, const std::string& id) {
  {
    std::lock_guard lock(channel_mu_);
    if (const channel::Notice* n = channel_.Find(id)) {
      if (!Involves(*n, party)) return Status::NotFound("no notice " + id + " for party " + party);
      return NoticeView(*n, party);
    }
  }
  // Settled (or never): the store is the truth.
  std::optional<channel::Notice> n;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto sn = tx.GetNotice(id);
    if (!sn.ok()) return sn.status();
    store::DeliveryFilter f;
    f.notice_id = id;
    auto ds = tx.ListDeliveries(f);
    if (!ds.ok()) return ds.status();
    auto built = StoredNotice(*sn, *ds);
    if (!built.ok()) return built.status();
    n = std::move(*built);
    return Status::Ok();
  });
  if (s.code() == ErrorCode::kNotFound || (s.ok() && !Involves(*n, party)))
    return Status::NotFound("no notice " + id + " for party " + party);
  if (!s.ok()) return s;
  return NoticeView(*n, party);
}

Response Service::HandleListNotices(const Request& req) {
  auto page = ReadPage(req, kNoticeList);
  if (!page.ok()) return ErrorResponse(page.status());
  auto after = PositionOf(*page);
  if (!after.ok()) return ErrorResponse(after.status());
  // One page from the store, in insertion order; a live notice is shown from memory (the same state: memory
  // changes only after the store's commit), a settled one from the store.
  std::vector<store::Notice> rows;
  std::map<std::string, std::vector<store::Delivery>> deliveries;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto list = tx.ListNotices(store::NoticeFilter{req.who.party, *after, page->limit + 1});
    if (!list.ok()) return list.status();
    rows = std::move(*list);
    for (size_t i = 0; i < rows.size() && i < page->limit; ++i) {
      store::DeliveryFilter f;
      f.notice_id = rows[i].id;
      auto ds = tx.ListDeliveries(f);
      if (!ds.ok()) return ds.status();
      deliveries[rows[i].id] = std::move(*ds);
    }
    return Status::Ok();
  });
  if (!s.ok()) return ErrorResponse(s);
  Json out = Json::array();
  std::optional<std::string> next;
  std::lock_guard lock(channel_mu_);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == page->limit) {
      next = PositionKey(rows[i - 1].position);
      break;
    }
    if (const channel::Notice* live = channel_.Find(rows[i].id)) {
      out.push_back(NoticeView(*live, req.who.party));
      continue;
    }
    auto n = StoredNotice(rows[i], deliveries[rows[i].id]);
    if (!n.ok()) return ErrorResponse(n.status());
    out.push_back(NoticeView(*n, req.who.party));
  }
  return Ok(PageJson(kNoticeList, std::move(out), next));
}

Response Service::HandleGetNotice(const Request& req) {
  auto v = NoticeViewFor(req.who.party, req.params.at("notice_id"));
  if (!v.ok()) return ErrorResponse(v.status());
  return Ok(std::move(*v));
}

Response Service::HandleAckNotice(const Request& req) {
  auto body = ObjectBody(req, true);
  if (!body.ok()) return ErrorResponse(body.status());
  auto comment = DecodeAckBody(*body);
  if (!comment.ok()) return ErrorResponse(comment.status());
  const std::string& id = req.params.at("notice_id");
  if (Status s = Acknowledge(req.who.party, id, *comment); !s.ok()) return ErrorResponse(s);
  auto v = NoticeViewFor(req.who.party, id);  // it may have settled and left memory
  if (!v.ok()) return ErrorResponse(v.status());
  return Ok(std::move(*v));
}

Status Service::Acknowledge(const std::string& party, const std::string& id, const std::string& comment) {
  std::lock_guard lock(channel_mu_);
  const channel::Notice* n = channel_.Find(id);
  const channel::Recipient* rec = n ? n->FindRecipient(party) : nullptr;
  auto settled = store::DeliveryState::kQueued;  // of a notice that has left memory (settled): from the store
  if (!n) {
    Status s = store_.Read([&](store::ReadTx& tx) -> Status {
      auto d = tx.GetDelivery(id, party);
      if (d.ok()) settled = d->state;
      return d.status();
    });
    if (!s.ok() && s.code() != ErrorCode::kNotFound) return s;
  }
  if (settled == store::DeliveryState::kAcknowledged) return Status::Ok();
  if (settled == store::DeliveryState::kExpired)
    return Status::Conflict("notice " + id + " expired for " + party + " before it was acknowledged");
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
  if (channel_.Release(id)) metrics_.Add("dc_notices_released_total");  // settled: it lives on in the store
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

}  // namespace deconflict::server
