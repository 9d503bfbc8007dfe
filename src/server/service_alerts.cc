// Alert routes. Retention: an alert is in memory while open; every change of it is also each concerned party's
// view in the store (document kind alert, "<alert id>:<party>"), so that a closed alert leaves memory and is read
// from the store, and the list pages through the store in the order the alerts were raised.
#include "server/pagination.h"
#include "server/service_internal.h"

namespace deconflict::server {
namespace {
constexpr const char* kAlertList = "alerts";

std::string AlertDocId(const std::string& alert_id, const std::string& party) { return alert_id + ":" + party; }
std::string AlertIdOf(const std::string& doc_id) { return doc_id.substr(0, doc_id.find(':')); }
}  // namespace

Status Service::StageAlertView(Outbox& out, const AlertState& a, const std::string& party, Json view) {
  view.erase("change");
  store::Document doc;
  doc.kind = store::DocumentKind::kAlert;
  doc.id = AlertDocId(a.id, party);
  doc.owner = party;
  doc.state = a.open ? "open" : "resolved";
  doc.body = view.dump();
  return out.tx.PutDocument(doc, store::kAnyVersion).status();
}

Json Service::StoredAlertView(const store::Document& d) const {
  Json v = Json::parse(d.body, nullptr, false);
  if (!v.is_object()) v = Json{{"alert_id", AlertIdOf(d.id)}};
  if (d.state == "open" && d.updated_us < started_us_) v["state"] = "closed_at_restart";
  return v;
}

Response Service::HandleListAlerts(const Request& req) {
  const bool open_only = req.query.count("state") && req.query.at("state") == "open";
  auto page = ReadPage(req, kAlertList);
  if (!page.ok()) return ErrorResponse(page.status());
  auto after = PositionOf(*page);
  if (!after.ok()) return ErrorResponse(after.status());
  store::DocumentFilter f;
  f.owner = req.who.party;
  if (open_only) f.state = "open";
  f.after_position = *after;
  f.limit = page->limit + 1;
  std::vector<store::Document> docs;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto list = tx.ListDocuments(store::DocumentKind::kAlert, f);
    if (list.ok()) docs = std::move(*list);
    return list.status();
  });
  if (!s.ok()) return ErrorResponse(s);
  Json out = Json::array();
  std::optional<std::string> next;
  std::lock_guard lock(alerts_mu_);
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i == page->limit) {
      next = PositionKey(docs[i - 1].position);
      break;
    }
    // Open: the live view from memory (as fresh as the document; memory changes after the store's commit).
    if (auto it = alerts_.find(AlertIdOf(docs[i].id)); it != alerts_.end() && it->second->Concerns(req.who.party)) {
      if (!open_only || it->second->open) out.push_back(AlertView(*it->second, req.who.party));
      continue;
    }
    if (!open_only) out.push_back(StoredAlertView(docs[i]));
  }
  return Ok(PageJson(kAlertList, std::move(out), next));
}

Response Service::HandleGetAlert(const Request& req) {
  const std::string& id = req.params.at("alert_id");
  {
    std::lock_guard lock(alerts_mu_);
    if (auto it = alerts_.find(id); it != alerts_.end() && it->second->Concerns(req.who.party))
      return Ok(AlertView(*it->second, req.who.party));
  }
  const Status absent = Status::NotFound("no alert " + id + " for party " + req.who.party);
  if (id.find(':') != std::string::npos) return ErrorResponse(absent);
  std::optional<store::Document> doc;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto d = tx.GetDocument(store::DocumentKind::kAlert, AlertDocId(id, req.who.party));
    if (d.ok() && d->owner == req.who.party) doc = std::move(*d);
    return d.ok() || d.status().code() == ErrorCode::kNotFound ? Status::Ok() : d.status();
  });
  if (!s.ok()) return ErrorResponse(s);
  if (!doc) return ErrorResponse(absent);
  return Ok(StoredAlertView(*doc));
}

}  // namespace deconflict::server
