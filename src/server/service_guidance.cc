// Resolution guidance of separation alerts (alert_guidance.h): each party of the alert gets, in its own view,
// the bands of its own aircraft against the other aircraft, with the minima the alert used.
#include <spdlog/spdlog.h>

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

}  // namespace deconflict::server
