// JSON inputs: JSON lines with the states-CSV field names, and the `traffic` library's trajectory arrays.
#include <nlohmann/json.hpp>

#include "core/units.h"
#include "io/text_fields.h"

namespace deconflict::io::internal {

namespace {

using nlohmann::json;

// Reads a required or optional number field. `null_ok`: a JSON null leaves *out untouched and sets *was_null.
std::optional<FieldError> Number(const json& obj, const char* key, bool required, double* out,
                                 bool* was_null = nullptr) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) return FieldError{key, "missing field"};
    return std::nullopt;
  }
  if (it->is_null()) {
    if (was_null != nullptr) {
      *was_null = true;
      return std::nullopt;
    }
    return FieldError{key, "null where a number is required"};
  }
  if (!it->is_number()) return FieldError{key, "not a number: " + it->dump()};
  *out = it->get<double>();
  return std::nullopt;
}

std::optional<FieldError> Text(const json& obj, const char* key, bool required, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return FieldError{key, "missing field"};
    return std::nullopt;
  }
  if (it->is_string()) {
    *out = it->get<std::string>();
  } else if (it->is_number_integer()) {
    *out = it->dump();
  } else {
    return FieldError{key, "not a string: " + it->dump()};
  }
  return std::nullopt;
}

std::optional<FieldError> Bool(const json& obj, const char* key, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) return FieldError{key, "not true/false: " + it->dump()};
  *out = it->get<bool>();
  return std::nullopt;
}

std::optional<FieldError> StateFromJsonLine(const json& obj, TrackState* st) {
  if (!obj.is_object()) return FieldError{"line", "not a JSON object"};
  if (auto e = Text(obj, "id", true, &st->id)) return e;
  if (auto e = Text(obj, "party", false, &st->party)) return e;
  if (auto e = Text(obj, "callsign", false, &st->callsign)) return e;
  if (auto e = Number(obj, "time_s", false, &st->time_s)) return e;
  if (auto e = Number(obj, "lat_deg", true, &st->lat_deg)) return e;
  if (auto e = Number(obj, "lon_deg", true, &st->lon_deg)) return e;
  if (auto e = Number(obj, "alt_m", true, &st->alt_m)) return e;
  if (auto e = Number(obj, "gs_mps", true, &st->gs_mps)) return e;
  if (auto e = Number(obj, "trk_deg", true, &st->trk_deg)) return e;
  if (auto e = Number(obj, "vs_mps", true, &st->vs_mps)) return e;
  if (auto e = Bool(obj, "on_ground", &st->on_ground)) return e;
  return CheckState(st);
}

// One point of a `traffic` trajectory: {timestamp ms, icao24, callsign, latitude, longitude, altitude ft,
// groundspeed kt, track deg, vertical_rate ft/min, onground?}. Returns *incomplete = true for an airborne
// point with null kinematics (left out, counted); an on-ground point keeps position and time only.
std::optional<FieldError> StateFromTrafficPoint(const json& obj, TrackState* st, bool* incomplete) {
  if (!obj.is_object()) return FieldError{"record", "not a JSON object"};
  if (auto e = Text(obj, "icao24", true, &st->id)) return e;
  if (auto e = Text(obj, "callsign", false, &st->callsign)) return e;
  double timestamp_ms = 0;
  if (auto e = Number(obj, "timestamp", true, &timestamp_ms)) return e;
  st->time_s = timestamp_ms * 1e-3;
  if (auto e = Number(obj, "latitude", true, &st->lat_deg)) return e;
  if (auto e = Number(obj, "longitude", true, &st->lon_deg)) return e;
  if (auto e = Bool(obj, "onground", &st->on_ground)) return e;
  bool null_field = false;
  double alt_ft = 0, gs_kt = 0, vr_fpm = 0;
  if (auto e = Number(obj, "altitude", true, &alt_ft, &null_field)) return e;
  if (auto e = Number(obj, "groundspeed", true, &gs_kt, &null_field)) return e;
  if (auto e = Number(obj, "track", true, &st->trk_deg, &null_field)) return e;
  if (auto e = Number(obj, "vertical_rate", true, &vr_fpm, &null_field)) return e;
  if (null_field) {
    if (!st->on_ground) {
      *incomplete = true;
      return std::nullopt;
    }
    // Surface point: kinematics unknown, never used for airborne detection (TrackState::on_ground).
    alt_ft = gs_kt = vr_fpm = st->trk_deg = 0;
  }
  st->alt_m = units::FeetToMeters(alt_ft);
  st->gs_mps = units::KnotsToMps(gs_kt);
  st->vs_mps = units::FpmToMps(vr_fpm);
  auto e = CheckState(st);
  if (e) {
    // Name the field as the file spells it.
    static const std::pair<const char*, const char*> kTrafficNames[] = {
        {"lat_deg", "latitude"}, {"lon_deg", "longitude"}, {"alt_m", "altitude"}, {"gs_mps", "groundspeed"},
        {"trk_deg", "track"},    {"vs_mps", "vertical_rate"}, {"time_s", "timestamp"}, {"id", "icao24"}};
    for (const auto& [ours, theirs] : kTrafficNames)
      if (e->field == ours) e->field = theirs;
  }
  return e;
}

std::string JsonErrorText(const json::parse_error& e) {
  std::string what = e.what();
  // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
  auto pos = what.find("parse error");
  return pos == std::string::npos ? what : what.substr(pos);
}

}  // namespace

Status ParseJsonLines(std::string_view text, LineErrors& errors, ReadResult* result) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t li = 0; li < lines.size(); ++li) {
    std::string_view line = Trim(lines[li]);
    if (line.empty()) continue;
    ++result->records;
    TrackState st;
    std::optional<FieldError> err;
    try {
      json obj = json::parse(line);
      err = StateFromJsonLine(obj, &st);
    } catch (const json::parse_error& e) {
      err = FieldError{"line", "not valid JSON: " + JsonErrorText(e)};
    }
    if (err) {
      Status s = errors.Bad(li + 1, *err);
      if (!s.ok()) return s;
      continue;
    }
    result->states.push_back(std::move(st));
  }
  return Status::Ok();
}

Status ParseTrafficJson(std::string_view text, LineErrors& errors, ReadResult* result) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return errors.Fatal(1, {"document", "not valid JSON: " + JsonErrorText(e)});
  }
  if (!doc.is_array()) return errors.Fatal(1, {"document", "expected a JSON array of trajectory points"});
  errors.set_position_label("record ");
  result->states.reserve(doc.size());
  std::size_t n = 0;
  for (const json& obj : doc) {
    ++n;
    ++result->records;
    TrackState st;
    bool incomplete = false;
    auto err = StateFromTrafficPoint(obj, &st, &incomplete);
    if (err) {
      Status s = errors.Bad(n, *err);
      if (!s.ok()) return s;
      continue;
    }
    if (incomplete) {
      ++result->incomplete;
      continue;
    }
    result->states.push_back(std::move(st));
  }
  return Status::Ok();
}

}  // namespace deconflict::io::internal
