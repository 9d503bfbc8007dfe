#include "guidance/config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace deconflict::guidance {
namespace {

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

enum class Quantity { kTime, kAngle, kSpeed, kVerticalSpeed, kLength, kAccel, kTurnRate, kNumber };

// Factor from a DAIDALUS unit to SI for a quantity; false when the unit does not fit.
bool UnitFactor(Quantity q, const std::string& unit, double* f) {
  const std::string u = Lower(unit);
  auto via = [&](units::Dimension dim, std::string text) {
    if (text == "knot" || text == "kn" || text == "knots") text = "kt";
    if (text == "nmi") text = "nm";
    auto r = units::ParseQuantity("1 " + text, dim);
    if (!r.ok()) return false;
    *f = *r;
    return true;
  };
  switch (q) {
    case Quantity::kTime: return via(units::Dimension::kTime, u);
    case Quantity::kLength: return via(units::Dimension::kLength, u);
    case Quantity::kSpeed: return via(units::Dimension::kSpeed, u);
    case Quantity::kVerticalSpeed: return via(units::Dimension::kVerticalSpeed, u);
    case Quantity::kAngle:
      if (u == "deg") *f = units::kDegToRad;
      else if (u == "rad") *f = 1;
      else return false;
      return true;
    case Quantity::kTurnRate:
      if (u == "deg/s") *f = units::kDegToRad;
      else if (u == "rad/s") *f = 1;
      else return false;
      return true;
    case Quantity::kAccel:
      if (u == "m/s^2") *f = 1;
      else if (u == "g") *f = units::kStandardGravityMps2;
      else if (u == "ft/s^2") *f = units::kFootM;
      else return false;
      return true;
    case Quantity::kNumber: return u.empty() || u == "unitless" || u == "none";
  }
  return false;
}

struct Entry {
  std::string value;  // text before the unit
  std::string unit;   // text inside [ ], may be empty
  size_t line = 0;
};

class Reader {
 public:
  Reader(std::map<std::string, Entry> entries, std::string_view source)
      : entries_(std::move(entries)), source_(source) {}

  Status Error(const std::string& key, const std::string& what) const {
    auto it = entries_.find(key);
    const std::string where = it == entries_.end() ? std::string(source_)
                                                   : std::string(source_) + ":" + std::to_string(it->second.line);
    return Status::Invalid(where + ": " + key + ": " + what);
  }
  bool Has(const std::string& key) const { return entries_.count(key) > 0; }

  // Reads `key` into *out (SI) when present. Missing keys keep the default.
  Status Number(const std::string& key, Quantity q, double* out) {
    used_.push_back(key);
    auto it = entries_.find(key);
    if (it == entries_.end()) return Status::Ok();
    double factor = 1;
    if (!UnitFactor(q, it->second.unit, &factor))
      return Error(key, "unit [" + it->second.unit + "] does not fit this parameter");
    auto v = units::ParseFiniteNumber(Trim(it->second.value));
    if (!v.ok()) return Error(key, "not a number: \"" + it->second.value + "\"");
    *out = *v * factor;
    return Status::Ok();
  }
  Status Bool(const std::string& key, bool* out) {
    used_.push_back(key);
    auto it = entries_.find(key);
    if (it == entries_.end()) return Status::Ok();
    const std::string v = Lower(Trim(it->second.value));
    if (v == "true") *out = true;
    else if (v == "false") *out = false;
    else return Error(key, "expected true or false, found \"" + it->second.value + "\"");
    return Status::Ok();
  }
  Status Text(const std::string& key, std::string* out) {
    used_.push_back(key);
    auto it = entries_.find(key);
    if (it == entries_.end()) return Status::Ok();
    *out = std::string(Trim(it->second.value));
    return Status::Ok();
  }
  // A parameter of a feature deconflict does not implement: accepted when it keeps a value with no effect.
  Status Inert(const std::string& key, Quantity q, double inert_value, const char* feature) {
    double v = inert_value;
    if (Status s = Number(key, q, &v); !s.ok()) return s;
    if (v != inert_value) return Error(key, std::string(feature) + " is not implemented; only the value that "
                                                                   "disables it is accepted");
    return Status::Ok();
  }
  // A parameter that only tunes outputs deconflict does not produce (hysteresis of bands, contours): read for
  // its syntax, not used.
  Status Ignored(const std::string& key, Quantity q) {
    double v = 0;
    return Number(key, q, &v);
  }
  Status CheckAllUsed() const {
    for (const auto& [key, e] : entries_)
      if (std::find(used_.begin(), used_.end(), key) == used_.end())
        return Error(key, "unknown parameter (not a DAIDALUS v2 configuration key deconflict reads)");
    return Status::Ok();
  }

 private:
  std::map<std::string, Entry> entries_;
  std::string_view source_;
  std::vector<std::string> used_;
};

Status ReadDetector(Reader& r, const std::string& alerter, const std::string& det, Detector3D* d) {
  std::string cls;
  const std::string load = alerter + "_load_core_detection_" + det;
  if (Status s = r.Text(load, &cls); !s.ok()) return s;
  const std::string p = alerter + "_" + det + "_";
  if (cls == "gov.nasa.larcfm.ACCoRD.WCV_TAUMOD") {
    d->kind = Detector3D::Kind::kWellClear;
    for (auto [key, out] : {std::pair{"WCV_DTHR", &d->well_clear.dthr_m}, std::pair{"WCV_ZTHR", &d->well_clear.zthr_m}})
      if (Status s = r.Number(p + key, Quantity::kLength, out); !s.ok()) return s;
    for (auto [key, out] : {std::pair{"WCV_TTHR", &d->well_clear.tthr_s}, std::pair{"WCV_TCOA", &d->well_clear.tcoa_s}})
      if (Status s = r.Number(p + key, Quantity::kTime, out); !s.ok()) return s;
  } else if (cls == "gov.nasa.larcfm.ACCoRD.CDCylinder") {
    d->kind = Detector3D::Kind::kCylinder;
    if (Status s = r.Number(p + "D", Quantity::kLength, &d->d_m); !s.ok()) return s;
    if (Status s = r.Number(p + "H", Quantity::kLength, &d->h_m); !s.ok()) return s;
  } else {
    return r.Error(load, "detector \"" + cls + "\" is not supported (WCV_TAUMOD or CDCylinder)");
  }
  return Status::Ok();
}

Status ReadAlerter(Reader& r, const std::string& name, Alerter* a) {
  a->name = name;
  for (int n = 1; r.Has(name + "_alert_" + std::to_string(n) + "_region"); ++n) {
    const std::string p = name + "_alert_" + std::to_string(n) + "_";
    AlertLevel level;
    std::string region, det;
    if (Status s = r.Text(p + "region", &region); !s.ok()) return s;
    auto reg = ParseBandsRegion(region);
    if (!reg.ok()) return r.Error(p + "region", reg.status().message());
    level.region = *reg;
    if (Status s = r.Number(p + "alerting_time", Quantity::kTime, &level.alerting_time_s); !s.ok()) return s;
    level.early_alerting_time_s = level.alerting_time_s;
    if (Status s = r.Number(p + "early_alerting_time", Quantity::kTime, &level.early_alerting_time_s); !s.ok())
      return s;
    for (auto [key, q] : {std::pair{"spread_hdir", Quantity::kAngle}, std::pair{"spread_hs", Quantity::kSpeed},
                          std::pair{"spread_vs", Quantity::kVerticalSpeed}, std::pair{"spread_alt", Quantity::kLength}})
      if (Status s = r.Inert(p + key, q, 0, "alerting with manoeuvre spread"); !s.ok()) return s;
    if (Status s = r.Text(p + "detector", &det); !s.ok()) return s;
    if (det.empty()) return r.Error(p + "region", "alert level without a detector (" + p + "detector)");
    if (Status s = ReadDetector(r, name, det, &level.detector); !s.ok()) return s;
    a->levels.push_back(level);
  }
  if (a->levels.empty()) return Status::Invalid("alerter " + name + " has no levels (" + name + "_alert_1_region)");
  return Status::Ok();
}

Status ReadCore(Reader& r, BandsConfig* c) {
  using Q = Quantity;
  const std::pair<const char*, std::pair<Q, double*>> numbers[] = {
      {"lookahead_time", {Q::kTime, &c->lookahead_s}},
      {"left_hdir", {Q::kAngle, &c->left_trk_rad}},
      {"right_hdir", {Q::kAngle, &c->right_trk_rad}},
      {"min_hs", {Q::kSpeed, &c->min_gs_mps}},
      {"max_hs", {Q::kSpeed, &c->max_gs_mps}},
      {"min_vs", {Q::kVerticalSpeed, &c->min_vs_mps}},
      {"max_vs", {Q::kVerticalSpeed, &c->max_vs_mps}},
      {"min_alt", {Q::kLength, &c->min_alt_m}},
      {"max_alt", {Q::kLength, &c->max_alt_m}},
      {"step_hdir", {Q::kAngle, &c->step_trk_rad}},
      {"step_hs", {Q::kSpeed, &c->step_gs_mps}},
      {"step_vs", {Q::kVerticalSpeed, &c->step_vs_mps}},
      {"step_alt", {Q::kLength, &c->step_alt_m}},
      {"horizontal_accel", {Q::kAccel, &c->horizontal_accel_mps2}},
      {"vertical_accel", {Q::kAccel, &c->vertical_accel_mps2}},
      {"turn_rate", {Q::kTurnRate, &c->turn_rate_radps}},
      {"bank_angle", {Q::kAngle, &c->bank_angle_rad}},
      {"vertical_rate", {Q::kVerticalSpeed, &c->vertical_rate_mps}},
      {"min_horizontal_recovery", {Q::kLength, &c->min_horizontal_recovery_m}},
      {"min_vertical_recovery", {Q::kLength, &c->min_vertical_recovery_m}},
      {"ca_factor", {Q::kNumber, &c->ca_factor}},
      {"horizontal_nmac", {Q::kLength, &c->horizontal_nmac_m}},
      {"vertical_nmac", {Q::kLength, &c->vertical_nmac_m}},
      {"recovery_stability_time", {Q::kTime, &c->recovery_stability_time_s}},
  };
  for (const auto& [key, qo] : numbers)
    if (Status s = r.Number(key, qo.first, qo.second); !s.ok()) return s;
  const std::pair<const char*, bool*> bools[] = {
      {"recovery_hdir", &c->recovery_trk}, {"recovery_hs", &c->recovery_gs},   {"recovery_vs", &c->recovery_vs},
      {"recovery_alt", &c->recovery_alt},  {"ca_bands", &c->ca_bands},         {"conflict_crit", &c->conflict_crit},
      {"recovery_crit", &c->recovery_crit}, {"ownship_centric_alerting", &c->ownship_centric_alerting}};
  for (const auto& [key, out] : bools)
    if (Status s = r.Bool(key, out); !s.ok()) return s;
  // Relative ranges: only 0 (absolute ranges) is implemented.
  for (auto [key, q] : {std::pair{"below_relative_hs", Q::kSpeed}, std::pair{"above_relative_hs", Q::kSpeed},
                        std::pair{"below_relative_vs", Q::kVerticalSpeed}, std::pair{"above_relative_vs", Q::kVerticalSpeed},
                        std::pair{"below_relative_alt", Q::kLength}, std::pair{"above_relative_alt", Q::kLength}})
    if (Status s = r.Inert(key, q, 0, "relative band ranges"); !s.ok()) return s;
  // Read for their syntax, not used: sensor uncertainty mitigation (no effect when the traffic carries no
  // uncertainty, as in .daa files), hysteresis/persistence/M-of-N (stateless bands here), contours, DTA area.
  for (auto [key, q] : {std::pair{"h_pos_z_score", Q::kNumber}, std::pair{"h_vel_z_score_min", Q::kNumber},
                        std::pair{"h_vel_z_score_max", Q::kNumber}, std::pair{"h_vel_z_distance", Q::kLength},
                        std::pair{"v_pos_z_score", Q::kNumber}, std::pair{"v_vel_z_score", Q::kNumber},
                        std::pair{"min_airspeed", Q::kSpeed}, std::pair{"contour_thr", Q::kAngle},
                        std::pair{"hysteresis_time", Q::kTime}, std::pair{"persistence_time", Q::kTime},
                        std::pair{"persistence_preferred_hdir", Q::kAngle}, std::pair{"persistence_preferred_hs", Q::kSpeed},
                        std::pair{"persistence_preferred_vs", Q::kVerticalSpeed},
                        std::pair{"persistence_preferred_alt", Q::kLength}, std::pair{"alerting_m", Q::kNumber},
                        std::pair{"alerting_n", Q::kNumber}, std::pair{"dta_latitude", Q::kAngle},
                        std::pair{"dta_longitude", Q::kAngle}, std::pair{"dta_radius", Q::kLength},
                        std::pair{"dta_height", Q::kLength}, std::pair{"dta_alerter", Q::kNumber}})
    if (Status s = r.Ignored(key, q); !s.ok()) return s;
  bool ignored_flag = false;
  for (const char* key : {"bands_persistence", "bands_add_time_to_maneuver"})
    if (Status s = r.Bool(key, &ignored_flag); !s.ok()) return s;
  if (Status s = r.Inert("dta_logic", Q::kNumber, 0, "the terminal-area (DTA) logic"); !s.ok()) return s;
  if (Status s = r.Inert("hdir_bands_below_min_as", Q::kNumber, 0, "direction bands below minimum airspeed"); !s.ok())
    return s;
  std::string region;
  if (Status s = r.Text("corrective_region", &region); !s.ok()) return s;
  if (!region.empty()) {
    auto reg = ParseBandsRegion(region);
    if (!reg.ok() || *reg == BandsRegion::kNone) return r.Error("corrective_region", "expected FAR, MID or NEAR");
    c->corrective_region = *reg;
  }
  return Status::Ok();
}

}  // namespace

const char* BandsRegionName(BandsRegion region) {
  switch (region) {
    case BandsRegion::kNone: return "NONE";
    case BandsRegion::kFar: return "FAR";
    case BandsRegion::kMid: return "MID";
    case BandsRegion::kNear: return "NEAR";
    case BandsRegion::kRecovery: return "RECOVERY";
  }
  return "NONE";
}

Result<BandsRegion> ParseBandsRegion(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "none") return BandsRegion::kNone;
  if (t == "far") return BandsRegion::kFar;
  if (t == "mid") return BandsRegion::kMid;
  if (t == "near") return BandsRegion::kNear;
  return Status::Invalid("unknown region \"" + std::string(text) + "\" (NONE, FAR, MID or NEAR)");
}

int Severity(BandsRegion region) {
  switch (region) {
    case BandsRegion::kFar: return 1;
    case BandsRegion::kMid: return 2;
    case BandsRegion::kNear: return 3;
    default: return 0;
  }
}

bool Detector3D::operator==(const Detector3D& o) const {
  if (kind != o.kind) return false;
  if (kind == Kind::kCylinder) return d_m == o.d_m && h_m == o.h_m;
  return well_clear.dthr_m == o.well_clear.dthr_m && well_clear.zthr_m == o.well_clear.zthr_m &&
         well_clear.tthr_s == o.well_clear.tthr_s && well_clear.tcoa_s == o.well_clear.tcoa_s;
}

BandsConfig Do365Config() {
  BandsConfig c;
  Detector3D wc;
  wc.well_clear.dthr_m = units::NauticalMilesToMeters(0.66);
  wc.well_clear.zthr_m = units::FeetToMeters(450);
  wc.well_clear.tthr_s = 35;
  wc.well_clear.tcoa_s = 0;
  Detector3D preventive = wc;
  preventive.well_clear.zthr_m = units::FeetToMeters(700);
  c.alerters.push_back({"DWC_Phase_I",
                        {{BandsRegion::kNone, 55, 75, preventive}, {BandsRegion::kMid, 55, 75, wc},
                         {BandsRegion::kNear, 25, 55, wc}}});
  return c;
}

Status ValidateConfig(const BandsConfig& c) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  auto nonneg = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!positive(c.lookahead_s) || c.lookahead_s > 3600) return Status::Invalid("lookahead_time must be in (0, 3600] s");
  if (!positive(c.step_trk_rad) || !positive(c.step_gs_mps) || !positive(c.step_vs_mps) || !positive(c.step_alt_m))
    return Status::Invalid("step_hdir, step_hs, step_vs and step_alt must be > 0");
  if (!(c.min_gs_mps < c.max_gs_mps) || c.min_gs_mps < 0) return Status::Invalid("need 0 <= min_hs < max_hs");
  if (!(c.min_vs_mps < c.max_vs_mps)) return Status::Invalid("need min_vs < max_vs");
  if (!(c.min_alt_m < c.max_alt_m)) return Status::Invalid("need min_alt < max_alt");
  if (!nonneg(c.left_trk_rad) || !nonneg(c.right_trk_rad) || c.left_trk_rad > units::kPi + 1e-9 ||
      c.right_trk_rad > units::kPi + 1e-9)
    return Status::Invalid("left_hdir and right_hdir must be in [0, 180] deg");
  for (double v : {c.horizontal_accel_mps2, c.vertical_accel_mps2, c.turn_rate_radps, c.bank_angle_rad,
                   c.vertical_rate_mps, c.min_horizontal_recovery_m, c.min_vertical_recovery_m,
                   c.horizontal_nmac_m, c.vertical_nmac_m, c.recovery_stability_time_s})
    if (!nonneg(v)) return Status::Invalid("manoeuvre rates, recovery and NMAC distances must be finite and >= 0");
  if (!(c.ca_factor > 0 && c.ca_factor < 1)) return Status::Invalid("ca_factor must be in (0, 1)");
  if (c.alerters.empty()) return Status::Invalid("no alerter (alerters = ...)");
  for (const Alerter& a : c.alerters) {
    if (a.levels.empty()) return Status::Invalid("alerter " + a.name + " has no levels");
    for (const AlertLevel& l : a.levels) {
      const Detector3D& d = l.detector;
      const bool ok = d.kind == Detector3D::Kind::kCylinder
                          ? positive(d.d_m) && positive(d.h_m)
                          : positive(d.well_clear.dthr_m) && positive(d.well_clear.zthr_m) &&
                                nonneg(d.well_clear.tthr_s) && nonneg(d.well_clear.tcoa_s);
      if (!ok) return Status::Invalid("alerter " + a.name + ": detector thresholds must be positive");
      if (!nonneg(l.alerting_time_s) || !nonneg(l.early_alerting_time_s))
        return Status::Invalid("alerter " + a.name + ": alerting times must be >= 0");
    }
  }
  return Status::Ok();
}

Result<BandsConfig> ParseDaidalusConf(std::string_view text, std::string_view source) {
  std::map<std::string, Entry> entries;
  std::istringstream in{std::string(text)};
  std::string line;
  for (size_t no = 1; std::getline(in, line); ++no) {
    std::string_view l = Trim(line);
    if (l.empty() || l.front() == '#') continue;
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos)
      return Status::Invalid(std::string(source) + ":" + std::to_string(no) + ": expected key = value");
    std::string key(Trim(l.substr(0, eq)));
    std::string_view rest = Trim(l.substr(eq + 1));
    Entry e;
    e.line = no;
    const size_t lb = rest.find('[');
    if (lb != std::string_view::npos && rest.back() == ']') {
      e.unit = std::string(Trim(rest.substr(lb + 1, rest.size() - lb - 2)));
      rest = Trim(rest.substr(0, lb));
    }
    e.value = std::string(rest);
    if (entries.count(key))
      return Status::Invalid(std::string(source) + ":" + std::to_string(no) + ": " + key + ": given twice");
    entries.emplace(std::move(key), std::move(e));
  }
  Reader r(std::move(entries), source);
  BandsConfig c;
  if (Status s = ReadCore(r, &c); !s.ok()) return s;
  std::string names;
  if (Status s = r.Text("alerters", &names); !s.ok()) return s;
  std::stringstream ns(names);
  for (std::string name; std::getline(ns, name, ',');) {
    name = std::string(Trim(name));
    if (name.empty()) continue;
    Alerter a;
    if (Status s = ReadAlerter(r, name, &a); !s.ok()) return s;
    c.alerters.push_back(std::move(a));
  }
  if (Status s = r.CheckAllUsed(); !s.ok()) return s;
  if (Status s = ValidateConfig(c); !s.ok()) return Status::Invalid(std::string(source) + ": " + s.message());
  return c;
}

Result<BandsConfig> ReadDaidalusConf(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::Io("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ParseDaidalusConf(ss.str(), path);
}

int AlerterIndex(const BandsConfig& config, std::string_view name) {
  for (size_t i = 0; i < config.alerters.size(); ++i)
    if (config.alerters[i].name == name) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace deconflict::guidance
