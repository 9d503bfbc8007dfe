// GeoJSON (RFC 7946) in and out for operations, zones and conflicts, for any map tool.
//
// One Feature per volume. Properties: "kind" ("operation" | "zone" | "conflict"), "id", "owner",
// "volume" (index), "altitude_lower_m", "altitude_upper_m", "time_start", "time_end" (ISO 8601 UTC);
// operations add "priority", "state"; zones add "zone_kind", "binds" ("all" or a list),
// "notification_lead_s", "notified_at". Polygons are written counter-clockwise with the first vertex repeated. A circle
// is written as its circumscribed 72-gon (so that a map shows it whole) plus the exact
// "circle": {"center": [lng, lat], "radius_m": r}, which input prefers over the polygon; a Point
// geometry with "radius_m" is read as a circle too.
// Conflicts carry only what need-to-know allows: the overlap outline (the intersection of the two
// outlines; the checked volume's outline when they only come within the buffer), the common time window
// and altitude band, and who to coordinate with.
#pragma once

#include <string>
#include <vector>

#include "plan/model.h"
#include "plan/registry.h"

namespace deconflict::plan {

struct ConflictFeature {
  std::string operation_id;  // the checked operation
  PartyId owner;
  Conflict conflict;
  std::vector<std::vector<LatLng>> overlap;  // Registry::OverlapOutline
};

// A FeatureCollection, pretty-printed. Invalid outlines are written as given.
std::string ToGeoJson(const std::vector<Operation>& operations, const std::vector<Zone>& zones,
                      const std::vector<ConflictFeature>& conflicts);

}  // namespace deconflict::plan
