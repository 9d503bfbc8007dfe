#include "server/need_to_know.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace deconflict::server::need_to_know {
namespace {
// Names that are not parties: the server's own actions and the administrator's.
bool IsParty(std::string_view name) { return !name.empty() && name != record::kServerActor && name != "admin"; }
}  // namespace

std::vector<std::string> PartiesOf(std::string_view actor, const std::vector<std::string>& audience) {
  std::vector<std::string> out;
  if (IsParty(actor)) out.emplace_back(actor);
  for (const auto& p : audience)
    if (IsParty(p)) out.push_back(p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IsOneView(std::string_view actor, const std::vector<std::string>& audience) {
  return PartiesOf(actor, audience).size() <= 2;
}

bool MayShowWhole(const record::Entry& e, std::string_view party) {
  if (e.actor == party) return true;
  if (std::find(e.audience.begin(), e.audience.end(), party) == e.audience.end()) return false;
  return IsOneView(e.actor, e.audience);
}

std::string StreamData(const record::Entry& e, std::string_view party) {
  if (MayShowWhole(e, party)) return e.payload;
  nlohmann::json p = nlohmann::json::parse(e.payload, nullptr, false);
  if (!p.is_object()) return "{}";
  p["event_to"] = nlohmann::json::array({std::string(party)});
  if (p.contains("zone") && p["zone"].is_object() && p["zone"].value("owner", "") != party) p["zone"].erase("binds");
  if (p.contains("to") && p["to"].is_array()) p["to"] = nlohmann::json::array({std::string(party)});
  return p.dump();
}

}  // namespace deconflict::server::need_to_know
