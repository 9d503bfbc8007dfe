// Loading the strategic engine from the store at start. What the store holds was acknowledged: it is restored
// exactly (same objects, versions and states) and never judged again (docs/storage.md, "Restart"). A stored
// object that cannot be restored is an error naming it, so that the server refuses to start rather than
// silently forgetting something a party was told is filed.
#include <spdlog/spdlog.h>

#include "core/json.h"
#include "plan/agreement.h"
#include "plan/registry.h"
#include "server/service_internal.h"

namespace deconflict::server {
namespace {

Status NotRestored(const store::Document& d, const Status& why) {
  return Status::Corruption(std::string(store::DocumentKindName(d.kind)) + " " + d.id + " (version " +
                            std::to_string(d.version) + ", owner " + d.owner +
                            ") is stored but cannot be restored: " + why.message());
}

// Agreements: every stored version, replayed in order through the book (the version numbers and the version in
// force follow from the sequence of proposals and acceptances, which the history holds).
Status RestoreAgreements(store::ReadTx& tx, plan::AgreementBook& book) {
  store::DocumentFilter all;
  all.limit = std::numeric_limits<size_t>::max();
  auto ags = tx.ListDocuments(store::DocumentKind::kAgreement, all);
  if (!ags.ok()) return ags.status();
  for (const auto& d : *ags) {
    auto hist = tx.DocumentHistory(store::DocumentKind::kAgreement, d.id);
    if (!hist.ok()) return hist.status();
    for (const auto& h : *hist) {
      auto parsed = json::Parse(h.body, {.what = "stored agreement"});
      if (!parsed.ok()) return NotRestored(h, parsed.status());
      if (!parsed->is_object()) return NotRestored(h, Status::Corruption("its body is not a JSON object"));
      const Json& b = *parsed;
      const std::string by = b.value("by", ""), other = b.value("other", "");
      Status s;
      if (b.value("action", "") == "accept") {
        s = book.Accept(by, other, b.value("version", 0));
      } else {
        auto t = StoredTerms(b.value("terms", Json::object()), book.default_terms());
        s = t.ok() ? book.Propose(by, other, *t, b.value("latest_seen", 0)).status() : t.status();
      }
      if (!s.ok()) return NotRestored(h, s);
    }
  }
  return Status::Ok();
}

}  // namespace

Status Service::LoadPlan() {
  std::lock_guard lock(plan_->mu);
  size_t zones_restored = 0, ops_restored = 0;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    if (Status a = RestoreAgreements(tx, plan_->registry.agreements()); !a.ok()) return a;
    store::DocumentFilter all;
    all.limit = std::numeric_limits<size_t>::max();
    auto zones = tx.ListDocuments(store::DocumentKind::kZone, all);
    if (!zones.ok()) return zones.status();
    for (const auto& d : *zones) {
      if (d.id.rfind("distress.", 0) == 0) continue;  // distress zones are the channel's (restored from the record)
      auto z = StoredZone(d);
      if (!z.ok()) return NotRestored(d, z.status());
      z->version = static_cast<plan::Version>(d.version);
      z->notified_at_s = static_cast<double>(d.updated_us) * 1e-6;  // PutZone notifies at the durable time
      if (Status r = plan_->registry.RestoreZone(*z); !r.ok()) return NotRestored(d, r);
      plan_->zone_version[d.id] = d.version;
      ++zones_restored;
    }
    auto ops = tx.ListDocuments(store::DocumentKind::kOperation, all);
    if (!ops.ok()) return ops.status();
    for (const auto& d : *ops) {
      auto op = StoredOperation(d);
      if (!op.ok()) return NotRestored(d, op.status());
      op->version = static_cast<plan::Version>(d.version);
      if (Status r = plan_->registry.RestoreOperation(*op); !r.ok()) return NotRestored(d, r);
      plan_->op_version[d.id] = d.version;
      ++ops_restored;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  RefreshPolicies();
  spdlog::info("load: restored {} operations and {} zones as stored (not re-checked)", ops_restored, zones_restored);
  return Status::Ok();
}

}  // namespace deconflict::server
