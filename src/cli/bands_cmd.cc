// `deconflict bands FILE.daa [--conf FILE.conf]`: DAIDALUS kinematic bands per time step (docs/detection.md).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/units.h"
#include "guidance/bands.h"
#include "guidance/bands_json.h"
#include "guidance/from_tracks.h"
#include "io/reader.h"

namespace deconflict::cli {
namespace {

using guidance::Dimension;

std::string TextNum(double v, double factor = 1) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.6g}", v * factor);
}

void WriteText(const guidance::Bands& b, std::ostream& out) {
  out << fmt::format("time {} s ownship {}\n", TextNum(b.time_s), b.ownship_id);
  for (const auto& t : b.traffic) {
    out << fmt::format("traffic {} alert_level {} time_to_violation {} s last_time_to_maneuver", t.id, t.alert_level,
                       TextNum(t.t_in_s));
    for (int d = 0; d < guidance::kNumDimensions; ++d)
      out << fmt::format(" {} {}", guidance::DimensionName(static_cast<Dimension>(d)),
                         TextNum(t.last_time_to_maneuver_s[d]));
    out << " s\n";
  }
  for (const auto& db : b.dims) {
    const guidance::DisplayUnit u = guidance::DisplayUnitOf(db.dimension);
    out << fmt::format("{} [{}] current {} {} resolution_up {} resolution_down {} preferred {} time_to_recovery {}",
                       guidance::DimensionName(db.dimension), u.name, TextNum(db.current, u.from_si),
                       guidance::BandsRegionName(db.current_region), TextNum(db.resolution_up, u.from_si),
                       TextNum(db.resolution_down, u.from_si), db.preferred_up ? "up" : "down",
                       TextNum(db.time_to_recovery_s));
    if (!std::isnan(db.time_to_recovery_s))
      out << fmt::format(" s recovery_distance {} nmi {} ft", TextNum(db.recovery_horizontal_m, 1 / units::kNauticalMileM),
                         TextNum(db.recovery_vertical_m, 1 / units::kFootM));
    out << "\n";
    for (const auto& i : db.intervals)
      out << fmt::format("  [{}, {}] {}\n", TextNum(i.lo, u.from_si), TextNum(i.hi, u.from_si),
                         guidance::BandsRegionName(i.region));
  }
}

struct BandsCommand {
  std::string path, conf, format = "text", alerter;
  std::string dthr, zthr, tthr, tcoa, lookahead, wind_to, wind_speed;
  bool conflict_crit = false;

  // Applies the command-line thresholds to every well-clear detector of every alerter.
  Status ApplyOverrides(guidance::BandsConfig* c) {
    auto apply = [&](const std::string& text, units::Dimension dim, auto setter) -> Status {
      if (text.empty()) return Status::Ok();
      auto v = units::ParseQuantity(text, dim);
      if (!v.ok()) return v.status();
      for (auto& a : c->alerters)
        for (auto& l : a.levels) setter(l.detector, *v);
      return Status::Ok();
    };
    using D = guidance::Detector3D;
    if (Status s = apply(dthr, units::Dimension::kLength, [](D& d, double v) { d.well_clear.dthr_m = v; }); !s.ok())
      return s;
    if (Status s = apply(zthr, units::Dimension::kLength, [](D& d, double v) { d.well_clear.zthr_m = v; }); !s.ok())
      return s;
    if (Status s = apply(tthr, units::Dimension::kTime, [](D& d, double v) { d.well_clear.tthr_s = v; }); !s.ok())
      return s;
    if (Status s = apply(tcoa, units::Dimension::kTime, [](D& d, double v) { d.well_clear.tcoa_s = v; }); !s.ok())
      return s;
    if (!lookahead.empty()) {
      auto v = units::ParseQuantity(lookahead, units::Dimension::kTime);
      if (!v.ok()) return v.status();
      c->lookahead_s = *v;
    }
    if (conflict_crit) c->conflict_crit = true;
    return guidance::ValidateConfig(*c);
  }

  int Run() {
    if (format != "text" && format != "json") {
      std::fprintf(stderr, "deconflict bands: --format: expected text or json\n");
      return kExitUsage;
    }
    guidance::BandsConfig config = guidance::Do365Config();
    if (!conf.empty()) {
      auto c = guidance::ReadDaidalusConf(conf);
      if (!c.ok()) {
        std::fprintf(stderr, "deconflict bands: %s\n", c.status().message().c_str());
        return c.status().code() == ErrorCode::kIo ? kExitFailure : kExitBadInput;
      }
      config = std::move(*c);
    }
    if (Status s = ApplyOverrides(&config); !s.ok()) {
      std::fprintf(stderr, "deconflict bands: %s\n", s.message().c_str());
      return kExitUsage;
    }
    int alerter_index = 1;
    if (!alerter.empty() && (alerter_index = guidance::AlerterIndex(config, alerter)) == 0) {
      std::fprintf(stderr, "deconflict bands: --alerter: no alerter named %s\n", alerter.c_str());
      return kExitUsage;
    }
    geo::Vec3 wind;
    if (!wind_speed.empty()) {
      auto sp = units::ParseQuantity(wind_speed, units::Dimension::kSpeed);
      auto to = units::ParseQuantity(wind_to.empty() ? "0" : wind_to, units::Dimension::kAngle);
      if (!sp.ok() || !to.ok()) {
        std::fprintf(stderr, "deconflict bands: --wind-speed/--wind-to: %s\n",
                     (!sp.ok() ? sp.status() : to.status()).message().c_str());
        return kExitUsage;
      }
      wind = {*sp * std::sin(*to * units::kDegToRad), *sp * std::cos(*to * units::kDegToRad), 0};
    }
    auto read = io::ReadStates(path, io::InputFormat::kAuto);
    if (!read.ok()) {
      std::fprintf(stderr, "deconflict bands: %s\n", read.status().message().c_str());
      return read.status().code() == ErrorCode::kIo ? kExitFailure : kExitBadInput;
    }
    for (guidance::BandsInput& in : guidance::InputsPerTime(read->states, "ownship", alerter_index, false)) {
      in.wind_mps = wind;
      guidance::Bands b = guidance::ComputeBands(config, in);
      guidance::ComputeLastTimesToManeuver(config, in, &b);
      if (format == "json") {
        std::cout << guidance::BandsJson(b).dump() << "\n";
      } else {
        WriteText(b, std::cout);
      }
    }
    std::cout.flush();
    return std::cout ? kExitOk : kExitFailure;
  }
};

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto st = std::make_shared<BandsCommand>();
  CLI::App* cmd = app.add_subcommand(
      "bands",
      "Resolution guidance: NASA DAIDALUS kinematic bands (track, ground speed, vertical speed, altitude) for the "
      "ownship of each time step of a DAIDALUS .daa file (first aircraft of each time), with regions NONE / FAR / "
      "MID / NEAR / RECOVERY, resolutions, preferred direction, time to recovery and last times to manoeuvre. "
      "Formats in docs/detection.md. Default configuration: DO-365B Phase I (DAIDALUS DO_365B_no_SUM).\n"
      "Exit codes: 0 ok, 1 failure (I/O), 2 bad input data, 64 bad command line.");
  cmd->add_option("file", st->path, "DAIDALUS encounter file (.daa) or any states file with an 'ownship' party")
      ->required();
  cmd->add_option("--conf", st->conf, "DAIDALUS v2 configuration file (.conf)");
  cmd->add_option("--format", st->format, "text (default) or json (one object per line and time)");
  cmd->add_option("--alerter", st->alerter, "alerter name of the traffic (default: the first of the configuration)");
  cmd->add_option("--dthr", st->dthr, "DTHR of every well-clear detector, e.g. 4000ft or 0.66nm");
  cmd->add_option("--zthr", st->zthr, "ZTHR of every well-clear detector, e.g. 450ft");
  cmd->add_option("--tthr", st->tthr, "TTHR of every well-clear detector, e.g. 35s");
  cmd->add_option("--tcoa", st->tcoa, "TCOA of every well-clear detector, e.g. 0s");
  cmd->add_option("--lookahead", st->lookahead, "look-ahead time, e.g. 180s");
  cmd->add_option("--wind-speed", st->wind_speed, "wind speed, e.g. 10kt: bands become heading/airspeed");
  cmd->add_option("--wind-to", st->wind_to, "direction the wind blows to, degrees clockwise from north");
  cmd->add_flag("--conflict-crit", st->conflict_crit, "implicit coordination with the most urgent aircraft");
  cmd->callback([st, exit_code] { *exit_code = st->Run(); });
});

}  // namespace
}  // namespace deconflict::cli
