#include "plan/geojson.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "plan/geometry.h"
#include "plan/load_internal.h"

namespace deconflict::plan {
namespace {

using nlohmann::json;

json Ring(const std::vector<LatLng>& pts) {
  json ring = json::array();
  for (const LatLng& p : pts) ring.push_back({p.lng_deg, p.lat_deg});
  if (!pts.empty()) ring.push_back({pts.front().lng_deg, pts.front().lat_deg});
  return ring;
}

// The outline as written: compiled (CCW, circles circumscribed) when valid, else as given.
json Geometry(const Volume4D& v, json* props) {
  GeometryLimits loose;
  loose.max_vertices = 1 << 20;
  loose.max_area_m2 = 1e300;
  if (v.outline_circle) {
    (*props)["circle"] = {{"center", {v.outline_circle->center.lng_deg, v.outline_circle->center.lat_deg}},
                          {"radius_m", v.outline_circle->radius_m}};
    auto f = Footprint::MakeCircle(*v.outline_circle, loose, "circle");
    if (!f.ok()) return {{"type", "Point"}, {"coordinates", {v.outline_circle->center.lng_deg, v.outline_circle->center.lat_deg}}};
    return {{"type", "Polygon"}, {"coordinates", json::array({Ring(DisplayOutline(*f))})}};
  }
  auto f = Footprint::Polygon(v.outline_polygon, loose, "polygon");
  std::vector<LatLng> pts = f.ok() ? DisplayOutline(*f) : v.outline_polygon;
  return {{"type", "Polygon"}, {"coordinates", json::array({Ring(pts)})}};
}

json VolumeProps(const Volume4D& v, size_t i) {
  return {{"volume", i},
          {"altitude_lower_m", v.altitude_lower_m},
          {"altitude_upper_m", v.altitude_upper_m},
          {"time_start", FormatIsoTime(v.time_start_s)},
          {"time_end", FormatIsoTime(v.time_end_s)}};
}

}  // namespace

std::string ToGeoJson(const std::vector<Operation>& operations, const std::vector<Zone>& zones,
                      const std::vector<ConflictFeature>& conflicts) {
  json features = json::array();
  for (const Operation& op : operations) {
    for (size_t i = 0; i < op.volumes.size(); ++i) {
      json props = VolumeProps(op.volumes[i], i);
      props["kind"] = "operation";
      props["id"] = op.id;
      props["owner"] = op.owner;
      props["priority"] = op.priority;
      props["state"] = OperationStateName(op.state);
      json geom = Geometry(op.volumes[i], &props);
      features.push_back({{"type", "Feature"}, {"geometry", geom}, {"properties", props}});
    }
  }
  for (const Zone& z : zones) {
    for (size_t i = 0; i < z.volumes.size(); ++i) {
      json props = VolumeProps(z.volumes[i], i);
      props["kind"] = "zone";
      props["id"] = z.id;
      props["owner"] = z.owner;
      props["zone_kind"] = ZoneKindName(z.kind);
      props["binds"] = z.binds_all_others ? json("all") : json(z.binds);
      if (z.notification_lead_s) props["notification_lead_s"] = *z.notification_lead_s;
      if (z.notified_at_s > 0) props["notified_at"] = FormatIsoTime(z.notified_at_s);
      json geom = Geometry(z.volumes[i], &props);
      features.push_back({{"type", "Feature"}, {"geometry", geom}, {"properties", props}});
    }
  }
  for (const ConflictFeature& cf : conflicts) {
    const Conflict& c = cf.conflict;
    json props = {{"kind", "conflict"},
                  {"operation", cf.operation_id},
                  {"owner", cf.owner},
                  {"volume", c.volume},
                  {"with", c.kind == ConflictKind::kZone ? "zone" : "operation"},
                  {"other_id", c.other_id},
                  {"other_party", c.other_party},
                  {"other_volume", c.other_volume},
                  {"time_start", FormatIsoTime(c.time.lo)},
                  {"time_end", FormatIsoTime(c.time.hi)},
                  {"altitude_lower_m", c.altitude.lo},
                  {"altitude_upper_m", c.altitude.hi},
                  {"horizontal_overlap", c.horizontal_overlap},
                  {"blocking", c.blocking},
                  {"rule", c.rule}};
    if (c.kind == ConflictKind::kZone) {
      props["zone_kind"] = ZoneKindName(c.zone_kind);
    } else {
      props["other_priority"] = c.other_priority;
    }
    json geom = nullptr;
    if (cf.overlap.size() == 1) {
      geom = {{"type", "Polygon"}, {"coordinates", json::array({Ring(cf.overlap[0])})}};
    } else if (cf.overlap.size() > 1) {
      json polys = json::array();
      for (const auto& ring : cf.overlap) polys.push_back(json::array({Ring(ring)}));
      geom = {{"type", "MultiPolygon"}, {"coordinates", polys}};
    }
    features.push_back({{"type", "Feature"}, {"geometry", geom}, {"properties", props}});
  }
  json fc = {{"type", "FeatureCollection"}, {"features", features}};
  return fc.dump(1);
}

namespace internal {

Result<PlanDocument> ParseGeoJson(const Ctx& ctx, const YAML::Node& root) {
  PlanDocument doc;
  const YAML::Node features = root["features"];
  if (!features.IsSequence()) return Err(ctx, root, "features", "must be a list of Features");
  std::map<std::string, size_t> op_at, zone_at;
  for (size_t i = 0; i < features.size(); ++i) {
    const YAML::Node f = features[i];
    const std::string field = fmt::format("features[{}]", i);
    const YAML::Node props = f["properties"];
    if (!props.IsMap()) return Err(ctx, f, field + ".properties", "is missing");
    const std::string pf = field + ".properties";
    auto kind = Text(ctx, props["kind"], pf + ".kind");
    if (!kind.ok()) return kind.status();
    if (*kind == "conflict") continue;  // output only
    if (*kind != "operation" && *kind != "zone")
      return Err(ctx, props["kind"], pf + ".kind", "must be \"operation\" or \"zone\", not \"" + *kind + "\"");
    auto id = Text(ctx, props["id"], pf + ".id");
    if (!id.ok()) return id.status();
    auto owner = Text(ctx, props["owner"], pf + ".owner");
    if (!owner.ok()) return owner.status();
    // The volume: outline from the geometry (or the exact circle), bands from the properties.
    YAML::Node vol(YAML::NodeType::Map);
    for (const char* k : {"altitude_lower", "altitude_upper", "time_start", "time_end", "duration"}) {
      if (props[k].IsDefined()) vol[k] = props[k];
    }
    if (props["altitude_lower_m"].IsDefined()) vol["altitude_lower"] = props["altitude_lower_m"];
    if (props["altitude_upper_m"].IsDefined()) vol["altitude_upper"] = props["altitude_upper_m"];
    const YAML::Node geom = f["geometry"];
    if (props["circle"].IsDefined() || (geom.IsMap() && geom["type"].Scalar() == "Point")) {
      const YAML::Node center = props["circle"].IsDefined() ? props["circle"]["center"] : geom["coordinates"];
      const YAML::Node radius = props["circle"].IsDefined() ? props["circle"]["radius_m"] : props["radius_m"];
      if (!center.IsSequence() || center.size() < 2)
        return Err(ctx, center, field + ".geometry.coordinates", "must be [lng, lat]");
      YAML::Node c(YAML::NodeType::Map);
      YAML::Node ctr(YAML::NodeType::Map);
      ctr["lat"] = center[1];
      ctr["lng"] = center[0];
      c["center"] = ctr;
      c["radius"] = radius;
      vol["outline_circle"] = c;
    } else if (geom.IsMap() && geom["type"].Scalar() == "Polygon") {
      const YAML::Node rings = geom["coordinates"];
      if (!rings.IsSequence() || rings.size() != 1)
        return Err(ctx, geom, field + ".geometry.coordinates", "must hold exactly one ring (holes are not supported)");
      YAML::Node verts(YAML::NodeType::Sequence);
      for (const auto& p : rings[0]) {
        if (!p.IsSequence() || p.size() < 2) return Err(ctx, p, field + ".geometry.coordinates", "a position is [lng, lat]");
        YAML::Node v(YAML::NodeType::Sequence);
        v.push_back(p[1]);
        v.push_back(p[0]);
        verts.push_back(v);
      }
      vol["outline_polygon"] = verts;
    } else {
      return Err(ctx, geom, field + ".geometry", "must be a Polygon, or a Point with radius_m");
    }
    auto v = Volume(ctx, vol, field);
    if (!v.ok()) return v.status();
    if (*kind == "operation") {
      auto [it, fresh] = op_at.emplace(*id, doc.operations.size());
      if (fresh) {
        Operation op;
        op.id = *id;
        op.owner = *owner;
        if (props["priority"].IsDefined()) {
          auto p = Number(ctx, props["priority"], pf + ".priority");
          if (!p.ok()) return p.status();
          op.priority = static_cast<int>(*p);
        }
        if (props["state"].IsDefined()) {
          auto st = ParseOperationState(props["state"].Scalar());
          if (!st.ok()) return Err(ctx, props["state"], pf + ".state", st.status().message());
          op.state = *st;
        }
        doc.operations.push_back(std::move(op));
      }
      doc.operations[it->second].volumes.push_back(std::move(v).value());
    } else {
      auto [it, fresh] = zone_at.emplace(*id, doc.zones.size());
      if (fresh) {
        Zone z;
        z.id = *id;
        z.owner = *owner;
        auto zk = Text(ctx, props["zone_kind"], pf + ".zone_kind");
        if (!zk.ok()) return zk.status();
        auto k = ParseZoneKind(*zk);
        if (!k.ok()) return Err(ctx, props["zone_kind"], pf + ".zone_kind", k.status().message());
        z.kind = *k;
        const YAML::Node binds = props["binds"];
        if (binds.IsSequence()) {
          z.binds_all_others = false;
          for (const auto& p : binds) z.binds.push_back(p.Scalar());
        }
        if (props["notification_lead_s"].IsDefined()) {
          auto lead = Number(ctx, props["notification_lead_s"], pf + ".notification_lead_s");
          if (!lead.ok()) return lead.status();
          z.notification_lead_s = *lead;
        }
        if (props["notified_at"].IsDefined()) {
          auto at = Time(ctx, props["notified_at"], pf + ".notified_at");
          if (!at.ok()) return at.status();
          z.notified_at_s = *at;
        }
        doc.zones.push_back(std::move(z));
      }
      doc.zones[it->second].volumes.push_back(std::move(v).value());
    }
  }
  return doc;
}

}  // namespace internal
}  // namespace deconflict::plan
