#include "plan/model.h"

#include <algorithm>
#include <cctype>

namespace deconflict::plan {
namespace {

std::string Canonical(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c == '_' || c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

bool operator==(const EscalationStep& a, const EscalationStep& b) {
  return a.after_s == b.after_s && a.action == b.action;
}

bool Zone::Binds(const PartyId& party) const {
  if (party == owner) return false;
  if (binds_all_others) return true;
  return std::find(binds.begin(), binds.end(), party) != binds.end();
}

const char* OperationStateName(OperationState s) {
  switch (s) {
    case OperationState::kAccepted: return "accepted";
    case OperationState::kActivated: return "activated";
    case OperationState::kNonconforming: return "nonconforming";
    case OperationState::kContingent: return "contingent";
    case OperationState::kEnded: return "ended";
  }
  return "unknown";
}

const char* ZoneKindName(ZoneKind k) {
  switch (k) {
    case ZoneKind::kProtectedSite: return "protected-site";
    case ZoneKind::kRestricted: return "restricted";
    case ZoneKind::kTruce: return "truce";
    case ZoneKind::kDistressExclusion: return "distress-exclusion";
  }
  return "unknown";
}

Result<OperationState> ParseOperationState(std::string_view text) {
  const std::string c = Canonical(text);
  for (OperationState s : {OperationState::kAccepted, OperationState::kActivated, OperationState::kNonconforming,
                           OperationState::kContingent, OperationState::kEnded}) {
    if (c == OperationStateName(s)) return s;
  }
  return Status::Invalid("unknown operation state \"" + std::string(text) +
                         "\" (expected accepted, activated, nonconforming, contingent or ended)");
}

Result<ZoneKind> ParseZoneKind(std::string_view text) {
  const std::string c = Canonical(text);
  for (ZoneKind k : {ZoneKind::kProtectedSite, ZoneKind::kRestricted, ZoneKind::kTruce, ZoneKind::kDistressExclusion}) {
    if (c == ZoneKindName(k)) return k;
  }
  return Status::Invalid("unknown zone kind \"" + std::string(text) +
                         "\" (expected protected-site, restricted, truce or distress-exclusion)");
}

}  // namespace deconflict::plan
