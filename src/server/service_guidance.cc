// Resolution guidance of separation alerts (alert_guidance.h): each party of the alert gets, in its own view,
// the bands of its own aircraft against the other aircraft, with the minima the alert used.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "server/service_internal.h"

namespace deconflict::server {

void Service::AttachGuidance(AlertState& alert) const {
  alert.guidance.clear();
  if (!options_.guidance.enabled || !alert.open || alert.party_b.empty()) return;
  const AlertMinima minima = MinimaOfAlert(detector_.options(), alert.party_a, alert.party_b);
  for (const bool own_is_a : {true, false}) {
    const TrackState& own = own_is_a ? alert.a : alert.b;
    const TrackState& other = own_is_a ? alert.b : alert.a;
    auto g = OwnAircraftGuidance(options_.guidance, minima, options_.alerting, own, other);
    if (!g.ok()) {
      spdlog::error("alert {}: no guidance: {}", alert.id, g.status().message());
      return;
    }
    alert.guidance[own_is_a ? alert.party_a : alert.party_b] = std::move(*g);
  }
}

void Service::AttachGuidance(std::vector<AlertChange>& changes) {
  std::vector<AlertState*> todo;
  for (auto& c : changes) {
    if (c.alert->kind != "separation") continue;
    c.alert->guidance.clear();
    if (options_.guidance.enabled && c.alert->open && !c.alert->party_b.empty()) todo.push_back(c.alert.get());
  }
  std::sort(todo.begin(), todo.end(), [](const AlertState* x, const AlertState* y) {
    return std::make_pair(x->level != "warning", x->t_in_s) < std::make_pair(y->level != "warning", y->t_in_s);
  });
  const auto start = std::chrono::steady_clock::now();
  size_t skipped = 0;
  for (AlertState* a : todo) {
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
    if (spent.count() > options_.guidance.cycle_budget_s) {
      ++skipped;
      continue;
    }
    AttachGuidance(*a);
  }
  if (skipped == 0) return;
  metrics_.Add("dc_guidance_skipped_total", static_cast<double>(skipped));
  spdlog::warn("guidance: {} of {} changed alerts left without guidance (cycle budget {} s)", skipped, todo.size(),
               options_.guidance.cycle_budget_s);
}

}  // namespace deconflict::server
