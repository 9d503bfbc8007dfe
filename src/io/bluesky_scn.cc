// BlueSky scenario files (.scn), TU Delft BlueSky open ATM simulator:
//   HH:MM:SS.hh>COMMAND arg,arg,...   (arguments separated by commas and/or blanks; '#' starts a comment line)
// Read: CRE acid,type,lat,lon,hdg,alt,spd (alt in ft or FLnnn; spd CAS in kt, or Mach when written M.8 / M0.8 /
// M80 or as a number in (0.1, 1.0), as BlueSky's txt2spd does), ZONER (NM), ZONEDH (ft), DTLOOK (s).
// Other commands (ASAS, RESO, DEST, ALT on an aircraft, ...) are counted in ReadResult::ignored_commands.
// Speed: BlueSky converts the CAS or Mach of CRE to true airspeed in the ISA atmosphere at the aircraft's
// altitude and, without wind, flies that as ground speed along the heading; we do the same.
#include <cmath>

#include "core/units.h"
#include "io/text_fields.h"

namespace deconflict::io::internal {

namespace {

// International Standard Atmosphere, ICAO Doc 7488/3 (layers up to 32 km).
constexpr double kP0 = 101325.0;     // Pa
constexpr double kRho0 = 1.225;      // kg/m^3
constexpr double kT0 = 288.15;       // K
constexpr double kR = 287.05287;     // J/(kg K), dry air
constexpr double kG0 = 9.80665;      // m/s^2
constexpr double kGamma = 1.4;

struct Atmosphere {
  double p;    // Pa
  double rho;  // kg/m^3
  double t;    // K
};

Atmosphere Isa(double h_m) {
  constexpr double kL1 = -0.0065, kH1 = 11000.0, kH2 = 20000.0, kL3 = 0.001;
  constexpr double kT11 = kT0 + kL1 * kH1;  // 216.65 K
  const double p11 = kP0 * std::pow(kT11 / kT0, -kG0 / (kL1 * kR));
  const double p20 = p11 * std::exp(-kG0 * (kH2 - kH1) / (kR * kT11));
  double t, p;
  if (h_m <= kH1) {
    t = kT0 + kL1 * h_m;
    p = kP0 * std::pow(t / kT0, -kG0 / (kL1 * kR));
  } else if (h_m <= kH2) {
    t = kT11;
    p = p11 * std::exp(-kG0 * (h_m - kH1) / (kR * kT11));
  } else {
    t = kT11 + kL3 * (h_m - kH2);
    p = p20 * std::pow(t / kT11, -kG0 / (kL3 * kR));
  }
  return {p, p / (kR * t), t};
}

// Calibrated to true airspeed, compressible flow (St Venant), as BlueSky's aero.vcas2tas.
double CasToTas(double cas_mps, double h_m) {
  Atmosphere a = Isa(h_m);
  double qc = kP0 * (std::pow(1.0 + kRho0 * cas_mps * cas_mps / (7.0 * kP0), 3.5) - 1.0);
  return std::sqrt(7.0 * a.p / a.rho * (std::pow(1.0 + qc / a.p, 2.0 / 7.0) - 1.0));
}

double MachToTas(double mach, double h_m) { return mach * std::sqrt(kGamma * kR * Isa(h_m).t); }

// "HH:MM:SS.hh" (also H:MM:SS, MM:SS or SS, as BlueSky's txt2tim) -> seconds.
std::optional<FieldError> ParseTimeStamp(std::string_view text, double* seconds) {
  std::vector<std::string_view> parts = SplitFields(text, ':');
  if (parts.empty() || parts.size() > 3) return FieldError{"time", "bad time stamp \"" + std::string(text) + "\""};
  double t = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    double v = 0;
    if (ParseNumber(parts[i], "time", &v) || v < 0)
      return FieldError{"time", "bad time stamp \"" + std::string(text) + "\" (expected HH:MM:SS.hh)"};
    t = t * 60.0 + v;
  }
  *seconds = t;
  return std::nullopt;
}

std::optional<FieldError> ParseAltitude(std::string_view text, double* alt_m) {
  std::string t = Lower(text);
  if (t.rfind("fl", 0) == 0) {
    double fl = 0;
    if (ParseNumber(std::string_view(t).substr(2), "alt", &fl))
      return FieldError{"alt", "bad flight level \"" + std::string(text) + "\""};
    *alt_m = fl * units::kFlightLevelM;
    return std::nullopt;
  }
  double ft = 0;
  if (auto e = ParseNumber(text, "alt", &ft)) return FieldError{"alt", e->message + " (feet or FLnnn)"};
  *alt_m = units::FeetToMeters(ft);
  return std::nullopt;
}

// BlueSky txt2spd: "M.8", "M0.8", "M80" and plain values in (0.1, 1.0) are Mach; otherwise CAS in knots.
std::optional<FieldError> ParseSpeed(std::string_view text, double alt_m, double* tas_mps) {
  std::string t = Lower(text);
  bool mach_prefix = !t.empty() && t[0] == 'm';
  std::string number = mach_prefix ? t.substr(1) : t;
  double v = 0;
  if (ParseNumber(number, "spd", &v) || v < 0)
    return FieldError{"spd", "bad speed \"" + std::string(text) + "\" (CAS in kt, or Mach as M.8 or 0.8)"};
  if (mach_prefix) {
    if (v >= 1.0 && number.find('.') == std::string::npos) v *= std::pow(10.0, -double(number.size()));  // M80
    *tas_mps = MachToTas(v, alt_m);
  } else if (v > 0.1 && v < 1.0) {
    *tas_mps = MachToTas(v, alt_m);
  } else {
    *tas_mps = CasToTas(units::KnotsToMps(v), alt_m);
  }
  return std::nullopt;
}

std::optional<FieldError> ParseCre(const std::vector<std::string_view>& args, double time_s, TrackState* st) {
  // args[0] = "CRE"
  static const char* kArgNames[] = {"acid", "type", "lat", "lon", "hdg", "alt", "spd"};
  if (args.size() < 8)
    return FieldError{kArgNames[args.size() - 1], "CRE needs acid,type,lat,lon,hdg,alt,spd (" + std::to_string(args.size() - 1) + " given)"};
  st->id = std::string(args[1]);
  st->callsign = st->id;
  st->time_s = time_s;
  if (auto e = ParseNumber(args[3], "lat", &st->lat_deg))
    return FieldError{"lat", e->message + " (decimal degrees; waypoint names are not supported)"};
  if (auto e = ParseNumber(args[4], "lon", &st->lon_deg))
    return FieldError{"lon", e->message + " (decimal degrees; waypoint names are not supported)"};
  std::string hdg = Lower(args[5]);
  if (!hdg.empty() && hdg.back() == 'm') return FieldError{"hdg", "magnetic headings are not supported"};
  if (!hdg.empty() && hdg.back() == 't') hdg.pop_back();
  if (auto e = ParseNumber(hdg, "hdg", &st->trk_deg)) return e;
  if (auto e = ParseAltitude(args[6], &st->alt_m)) return e;
  if (auto e = ParseSpeed(args[7], st->alt_m, &st->gs_mps)) return e;
  st->vs_mps = 0;
  auto e = CheckState(st);
  if (e) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"id", "acid"}, {"lat_deg", "lat"}, {"lon_deg", "lon"}, {"alt_m", "alt"}, {"gs_mps", "spd"}, {"trk_deg", "hdg"}};
    for (const auto& [ours, theirs] : kNames)
      if (e->field == ours) e->field = theirs;
  }
  return e;
}

std::optional<FieldError> ParseSetting(const std::vector<std::string_view>& args, const char* name, double factor,
                                       std::optional<double>* out) {
  if (args.size() < 2) return FieldError{name, std::string(name) + " needs a value"};
  double v = 0;
  if (auto e = ParseNumber(args[1], name, &v)) return e;
  if (v <= 0) return FieldError{name, std::string(name) + " must be positive"};
  *out = v * factor;
  return std::nullopt;
}

}  // namespace

Status ParseBlueSkyScenario(std::string_view text, LineErrors& errors, ReadResult* result) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t li = 0; li < lines.size(); ++li) {
    std::string_view line = Trim(lines[li]);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t line_no = li + 1;
    ++result->records;
    std::optional<FieldError> err;
    TrackState st;
    bool have_state = false;
    std::size_t gt = line.find('>');
    double time_s = 0;
    if (gt == std::string_view::npos) {
      err = FieldError{"time", "no time stamp (expected HH:MM:SS.hh>COMMAND)"};
    } else {
      err = ParseTimeStamp(Trim(line.substr(0, gt)), &time_s);
    }
    if (!err) {
      std::vector<std::string_view> args = SplitCommaOrBlank(line.substr(gt + 1));
      std::string cmd = args.empty() ? "" : Lower(args[0]);
      if (cmd == "cre") {
        err = ParseCre(args, time_s, &st);
        have_state = !err;
      } else if (cmd == "zoner") {
        err = ParseSetting(args, "ZONER", units::kNauticalMileM, &result->scenario.horizontal_m);
      } else if (cmd == "zonedh") {
        err = ParseSetting(args, "ZONEDH", units::kFootM, &result->scenario.vertical_m);
      } else if (cmd == "dtlook") {
        err = ParseSetting(args, "DTLOOK", 1.0, &result->scenario.lookahead_s);
      } else {
        ++result->ignored_commands;
      }
    }
    if (err) {
      Status s = errors.Bad(line_no, *err);
      if (!s.ok()) return s;
      continue;
    }
    if (have_state) result->states.push_back(std::move(st));
  }
  return Status::Ok();
}

}  // namespace deconflict::io::internal
