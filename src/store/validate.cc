#include "store/validate.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace deconflict::store {

const char* DocumentKindName(DocumentKind k) {
  switch (k) {
    case DocumentKind::kOperation: return "operation";
    case DocumentKind::kZone: return "zone";
    case DocumentKind::kAgreement: return "agreement";
  }
  return "unknown";
}

const char* DeliveryStateName(DeliveryState s) {
  switch (s) {
    case DeliveryState::kQueued: return "queued";
    case DeliveryState::kDelivered: return "delivered";
    case DeliveryState::kAcknowledged: return "acknowledged";
    case DeliveryState::kExpired: return "expired";
  }
  return "unknown";
}

Status ValidateId(std::string_view id, std::string_view field) { return CheckId(id, field); }

bool IsJson(std::string_view text) { return nlohmann::json::accept(text); }

Status ValidateDocument(const Document& d) {
  const std::string what = std::string(DocumentKindName(d.kind));
  if (Status s = ValidateId(d.id, what + " id"); !s.ok()) return s;
  const std::string name = what + " " + d.id;
  if (Status s = ValidateId(d.owner, name + ": owner"); !s.ok()) return s;
  if (!d.counterparty.empty()) {
    if (Status s = ValidateId(d.counterparty, name + ": counterparty"); !s.ok()) return s;
  }
  if (d.state.size() > 64) return Status::Invalid(name + ": state is longer than 64 bytes");
  if (d.end_us < d.start_us) return Status::Invalid(name + ": end_us is before start_us");
  if (!IsJson(d.body)) return Status::Invalid(name + ": body is not valid JSON");
  return Status::Ok();
}

Status ValidateTrack(const TrackState& t, std::size_t index) {
  const std::string where = "track " + std::to_string(index);
  if (Status s = ValidateId(t.id, where + ": id"); !s.ok()) return s;
  if (!t.party.empty()) {
    if (Status s = ValidateId(t.party, where + " (" + t.id + "): party"); !s.ok()) return s;
  }
  const std::pair<const char*, double> fields[] = {{"time_s", t.time_s}, {"lat_deg", t.lat_deg},
                                                   {"lon_deg", t.lon_deg}, {"alt_m", t.alt_m},
                                                   {"gs_mps", t.gs_mps}, {"trk_deg", t.trk_deg},
                                                   {"vs_mps", t.vs_mps}};
  for (const auto& [name, value] : fields) {
    if (!std::isfinite(value)) return Status::Invalid(where + " (" + t.id + "): " + name + " is not finite");
  }
  if (t.lat_deg < -90 || t.lat_deg > 90) {
    return Status::Invalid(where + " (" + t.id + "): lat_deg " + std::to_string(t.lat_deg) + " is outside [-90, 90]");
  }
  return Status::Ok();
}

Status ValidateNotice(const Notice& n, std::span<const std::string> recipients) {
  if (Status s = ValidateId(n.id, "notice id"); !s.ok()) return s;
  const std::string name = "notice " + n.id;
  if (n.kind.empty() || n.kind.size() > 64) return Status::Invalid(name + ": kind must be 1..64 bytes");
  if (Status s = ValidateId(n.sender, name + ": sender"); !s.ok()) return s;
  if (!n.ref.empty()) {
    if (Status s = ValidateId(n.ref, name + ": ref"); !s.ok()) return s;
  }
  if (!IsJson(n.body)) return Status::Invalid(name + ": body is not valid JSON");
  if (recipients.empty()) return Status::Invalid(name + " has no recipients");
  for (const auto& r : recipients) {
    if (Status s = ValidateId(r, name + ": recipient"); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace deconflict::store
