#include "cli/detection_flags.h"

#include <fmt/format.h>

#include <cstdio>
#include <limits>

#include "core/units.h"
#include "feeds/asterix_file.h"
#include "feeds/sbs_file.h"

namespace deconflict::cli {

void DetectionFlags::Add(CLI::App* cmd) {
  cmd->add_option("FILE", file, "input file: .csv, .jsonl, .json[.gz] (traffic), .scn (BlueSky), .daa (DAIDALUS), .sbs[.gz] (SBS-1), .ast / .pcap (ASTERIX CAT021, CAT062)")
      ->required();
  cmd->add_option("--input-format", input_format, "auto|csv|jsonl|traffic|scn|daa|sbs|asterix (default: by extension)");
  cmd->add_option("--asterix-date", asterix_date,
                  "ASTERIX .ast files: UTC date (YYYY-MM-DD) of the first record's time of day (default 1970-01-01; "
                  ".pcap files take the date from the capture)");
  cmd->add_option("--asterix-edition", asterix_editions,
                  "ASTERIX edition, CAT=EDITION or SAC/SIC:CAT=EDITION, repeatable: 21=2.4|2.6 (default 2.6), "
                  "62=0.17|1.17|1.18 (default 1.18), e.g. 25/100:62=0.17");
  horizontal_opt = cmd->add_option("--horizontal", horizontal,
                                   "horizontal minimum D, a radius, with unit: m, km, ft, nm (default 5nm)");
  vertical_opt = cmd->add_option("--vertical", vertical,
                                 "vertical minimum H, a half-height, with unit: m, ft, FLnnn (default 1000ft)");
  lookahead_opt = cmd->add_option("--lookahead", lookahead, "look-ahead time T: s, min, h (default 300s)");
  cmd->add_option("--vertical-tolerance", vertical_tolerance,
                  "altitude quantisation tolerance: vertical loss only when |dz| < H - tolerance; 0 gives the pure "
                  "cylinder (default 100ft)");
  cmd->add_option("--warning-lookahead", warning_lookahead,
                  "conflicts entered within this time are warnings, later ones cautions (default 60s)");
  cmd->add_option("--model", model, "cylinder (CD3D) or wellclear (DO-365 DAIDALUS thresholds)")
      ->check(CLI::IsMember({"cylinder", "wellclear"}));
  stale_opt = cmd->add_option("--stale", stale,
                              "leave out aircraft not heard for this long before the snapshot time (default 30s; "
                              "BlueSky scenarios: never)");
  cmd->add_flag("--same-party", same_party, "also check pairs of aircraft of the same party");
  cmd->add_flag("--skip-bad", skip_bad, "skip bad input lines (counted on stderr) instead of stopping");
}

namespace {
Status Quantity(const std::string& text, units::Dimension dim, const char* flag, double* out) {
  auto v = units::ParseQuantity(text, dim);
  if (!v.ok()) return Status::Invalid(std::string(flag) + ": " + v.status().message());
  *out = *v;
  return Status::Ok();
}
}  // namespace

Status DetectionFlags::Resolve(const io::ScenarioSettings& scenario, detect::DetectorOptions* d,
                               detect::AlertingOptions* alerting) const {
  using units::Dimension;
  double h = 0, v = 0, t = 0, tol = 0, warn = 0;
  if (Status s = Quantity(horizontal, Dimension::kLength, "--horizontal", &h); !s.ok()) return s;
  if (Status s = Quantity(vertical, Dimension::kLength, "--vertical", &v); !s.ok()) return s;
  if (Status s = Quantity(lookahead, Dimension::kTime, "--lookahead", &t); !s.ok()) return s;
  if (Status s = Quantity(vertical_tolerance, Dimension::kLength, "--vertical-tolerance", &tol); !s.ok()) return s;
  if (Status s = Quantity(warning_lookahead, Dimension::kTime, "--warning-lookahead", &warn); !s.ok()) return s;
  if (scenario.horizontal_m && horizontal_opt->count() == 0) h = *scenario.horizontal_m;
  if (scenario.vertical_m && vertical_opt->count() == 0) v = *scenario.vertical_m;
  if (scenario.lookahead_s && lookahead_opt->count() == 0) t = *scenario.lookahead_s;
  if (!(h > 0)) return Status::Invalid("--horizontal must be positive");
  if (!(v > 0)) return Status::Invalid("--vertical must be positive");
  if (!(t > 0)) return Status::Invalid("--lookahead must be positive");
  if (!(warn >= 0)) return Status::Invalid("--warning-lookahead must not be negative");
  d->model = model == "wellclear" ? detect::Model::kWellClear : detect::Model::kCylinder;
  d->minima = {h, v, t};
  d->well_clear.lookahead_s = t;
  const double limit = d->model == detect::Model::kWellClear ? d->well_clear.zthr_m : v;
  if (!(tol >= 0 && tol < limit))
    return Status::Invalid(fmt::format("--vertical-tolerance must be in [0, {:.0f} ft) for this model (found {:.0f} ft)",
                                       units::MetersToFeet(limit), units::MetersToFeet(tol)));
  d->vertical_tolerance_m = tol;
  d->include_same_party = same_party;
  alerting->caution_lookahead_s = t;
  alerting->warning_lookahead_s = std::min(warn, t);
  return Status::Ok();
}

void AlertingFlags::Add(CLI::App* cmd) {
  cmd->add_option("--hysteresis", hysteresis,
                  "DAIDALUS hysteresis_time: a pair's recent alert levels are kept while it is updated at least this "
                  "often (default 5s)");
  cmd->add_option("--persistence", persistence,
                  "DAIDALUS persistence_time: a raised alert level is held at least this long (default 4s)");
  cmd->add_option("--alerting-m", alerting_m,
                  "DAIDALUS alerting_m: a level is held while M of the last N levels reach it (default 2)");
  cmd->add_option("--alerting-n", alerting_n, "DAIDALUS alerting_n, the N of M of N, at most 32 (default 4)");
  cmd->add_option("--episode-gap", episode_gap,
                  "an alert that ended and alerts again within this time is the same alert, resumed (default 300s; "
                  "0: always a new alert)");
}

Status AlertingFlags::Resolve(detect::AlertingOptions* alerting) const {
  using units::Dimension;
  if (Status s = Quantity(hysteresis, Dimension::kTime, "--hysteresis", &alerting->hysteresis_s); !s.ok()) return s;
  if (Status s = Quantity(persistence, Dimension::kTime, "--persistence", &alerting->persistence_s); !s.ok()) return s;
  if (Status s = Quantity(episode_gap, Dimension::kTime, "--episode-gap", &alerting->episode_gap_s); !s.ok()) return s;
  alerting->alerting_m = alerting_m;
  alerting->alerting_n = alerting_n;
  return detect::ValidateAlertingOptions(*alerting);
}

Result<double> DetectionFlags::StaleSeconds() const {
  if (resolved_format == io::InputFormat::kBlueSky && stale_opt->count() == 0)
    return std::numeric_limits<double>::infinity();
  auto v = units::ParseQuantity(stale, units::Dimension::kTime);
  if (!v.ok()) return Status::Invalid("--stale: " + v.status().message());
  if (!(*v > 0)) return Status::Invalid("--stale must be positive");
  return *v;
}

bool DetectionFlags::Read(const char* command, io::ReadResult* result, int* exit_code) {
  auto format = io::ParseInputFormat(input_format);
  if (!format.ok()) {
    std::fprintf(stderr, "deconflict %s: --input-format: %s\n", command, format.status().message().c_str());
    *exit_code = kExitUsage;
    return false;
  }
  io::InputFormat resolved = *format;
  if (resolved == io::InputFormat::kAuto) {
    auto by_name = io::FormatFromPath(file);
    if (!by_name.ok()) {
      std::fprintf(stderr, "deconflict %s: %s\n", command, by_name.status().message().c_str());
      *exit_code = kExitUsage;
      return false;
    }
    resolved = *by_name;
  }
  resolved_format = resolved;
  if (resolved == io::InputFormat::kSbs) return ReadSbs(command, result, exit_code);
  if (resolved == io::InputFormat::kAsterix) return ReadAsterix(command, result, exit_code);
  io::ReadOptions options;
  options.skip_bad = skip_bad;
  auto read = io::ReadStates(file, resolved, options);
  if (!read.ok()) {
    std::fprintf(stderr, "deconflict %s: %s\n", command, read.status().message().c_str());
    *exit_code = read.status().code() == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailure;
    return false;
  }
  *result = std::move(*read);
  if (result->skipped > 0)
    std::fprintf(stderr, "deconflict %s: skipped %zu bad line%s of %zu in %s (first: %s)\n", command,
                 result->skipped, result->skipped == 1 ? "" : "s", result->records, file.c_str(),
                 result->first_skipped.c_str());
  if (result->incomplete > 0)
    std::fprintf(stderr, "deconflict %s: left out %zu airborne point%s with null fields in %s\n", command,
                 result->incomplete, result->incomplete == 1 ? "" : "s", file.c_str());
  if (result->ignored_commands > 0)
    std::fprintf(stderr, "deconflict %s: ignored %zu scenario command%s other than CRE, ZONER, ZONEDH, DTLOOK\n",
                 command, result->ignored_commands, result->ignored_commands == 1 ? "" : "s");
  return true;
}

bool DetectionFlags::ReadSbs(const char* command, io::ReadResult* result, int* exit_code) const {
  // SBS-1 lines go through the feeds engine's own reader and track assembly (src/feeds/sbs_file.h):
  // times as UTC, one update per aircraft and position time.
  feeds::SbsFileOptions options;
  options.strict = !skip_bad;
  options.bad_lines_logged_per_second = 0;
  auto read = feeds::ReadSbsFile(file, options);
  if (!read.ok()) {
    std::fprintf(stderr, "deconflict %s: %s\n", command, read.status().message().c_str());
    *exit_code = read.status().code() == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailure;
    return false;
  }
  result->states = std::move(read->updates);
  result->records = read->counters.lines;
  result->skipped = read->counters.bad;
  if (result->skipped > 0)
    std::fprintf(stderr, "deconflict %s: skipped %zu bad line%s of %zu in %s (%s)\n", command, result->skipped,
                 result->skipped == 1 ? "" : "s", result->records, file.c_str(), read->counters.Summary().c_str());
  return true;
}

bool DetectionFlags::ReadAsterix(const char* command, io::ReadResult* result, int* exit_code) const {
  // ASTERIX goes through the feeds engine's own stream and track assembly (src/feeds/asterix_file.h).
  feeds::AsterixFileOptions options;
  options.bad_logged_per_second = 0;
  auto usage = [&](const std::string& message) {
    std::fprintf(stderr, "deconflict %s: %s\n", command, message.c_str());
    *exit_code = kExitUsage;
    return false;
  };
  if (!asterix_date.empty()) {
    auto date = feeds::ParseUtcDate(asterix_date);
    if (!date.ok()) return usage("--asterix-date: " + date.status().message());
    options.date_s = *date;
  }
  for (const std::string& e : asterix_editions)
    if (Status s = options.decode.editions.Add(e); !s.ok()) return usage("--asterix-edition: " + s.message());
  auto read = feeds::ReadAsterixFile(file, options);
  if (!read.ok()) {
    std::fprintf(stderr, "deconflict %s: %s\n", command, read.status().message().c_str());
    *exit_code = read.status().code() == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailure;
    return false;
  }
  result->states = std::move(read->updates);
  result->records = read->counters.records + read->counters.bad;
  result->skipped = read->counters.bad;
  if (result->skipped > 0 && !skip_bad) {
    std::fprintf(stderr, "deconflict %s: %s: bad ASTERIX input (%s); --skip-bad to read the rest\n", command,
                 file.c_str(), read->counters.Summary().c_str());
    *exit_code = kExitBadInput;
    return false;
  }
  if (result->skipped > 0)
    std::fprintf(stderr, "deconflict %s: skipped %zu bad ASTERIX block%s or record%s in %s (%s)\n", command,
                 result->skipped, result->skipped == 1 ? "" : "s", result->skipped == 1 ? "" : "s", file.c_str(),
                 read->counters.Summary().c_str());
  return true;
}

std::string DescribeSettings(const detect::DetectorOptions& d) {
  using units::MetersToFeet;
  using units::MetersToNauticalMiles;
  if (d.model == detect::Model::kWellClear)
    return fmt::format("DO-365 well clear DTHR {:.0f} ft, ZTHR {:.0f} ft, TTHR {:.0f} s (altitude tolerance {:.0f} ft), "
                       "look-ahead {:.0f} s",
                       MetersToFeet(d.well_clear.dthr_m), MetersToFeet(d.well_clear.zthr_m), d.well_clear.tthr_s,
                       MetersToFeet(d.vertical_tolerance_m), d.well_clear.lookahead_s);
  return fmt::format("cylinder {:g} NM / {:g} ft (altitude tolerance {:g} ft), look-ahead {:g} s",
                     MetersToNauticalMiles(d.minima.horizontal_m), MetersToFeet(d.minima.vertical_m),
                     MetersToFeet(d.vertical_tolerance_m), d.minima.lookahead_s);
}

}  // namespace deconflict::cli
