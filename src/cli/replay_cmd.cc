// `deconflict replay FILE`: steps through recorded traffic, writes alert events and a summary.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "cli/command.h"
#include "cli/detection_flags.h"
#include "core/units.h"
#include "io/cat004_output.h"
#include "io/replay.h"
#include "io/writer.h"

namespace deconflict::cli {
namespace {

using detect::AlertLevel;

// UNIX times as UTC date and time; scenario times (small values) as H:MM:SS.
std::string TimeText(double t) {
  if (t > 1e8) {
    std::time_t secs = static_cast<std::time_t>(std::floor(t));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    return buf;
  }
  long s = static_cast<long>(std::floor(t));
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

// A progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void Update(double fraction) {
    if (!enabled_) return;
    int percent = static_cast<int>(fraction * 100);
    if (percent == last_) return;
    last_ = percent;
    int filled = percent * 40 / 100;
    std::fprintf(stderr, "\rreplay [%s%s] %3d%%", std::string(filled, '#').c_str(),
                 std::string(40 - filled, '.').c_str(), percent);
    std::fflush(stderr);
  }
  void Clear() {
    if (enabled_ && last_ >= 0) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  bool enabled_;
  int last_ = -1;
};

struct ReplayCommand {
  DetectionFlags flags;
  AlertingFlags alerting_flags;
  std::string format = "text";
  std::string output;
  std::string step = "1s";
  std::string duration;
  std::size_t max_events = 20;
  bool stats = false;
  std::string speed;  // not given = as fast as possible; else X > 0 times real time
  CLI::Option* speed_opt = nullptr;
  std::vector<std::string> cat004;  // "party=ADDRESS:PORT": alerts as ASTERIX CAT004 over UDP

  // Paces the replay: the step at scenario time t (seconds after the first step) is not run before wall
  // time t / speed after the start. Called at each progress report of io::Replay, which reports step k of n
  // as k / n (every step, or every 0.5 % of the steps on long replays), so a replay at X times real time
  // lasts its interval / X and never runs ahead of it.
  class Pacer {
   public:
    Pacer(double speed, double step_s, double steps) : speed_(speed), step_s_(step_s), steps_(steps) {}
    void At(double fraction) {
      if (!(speed_ > 0) || steps_ < 1) return;
      const double scenario_s = std::min(fraction * steps_, steps_ - 1) * step_s_;
      std::this_thread::sleep_until(start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                 std::chrono::duration<double>(scenario_s / speed_)));
    }

   private:
    double speed_, step_s_, steps_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  };

  int Run() {
    int exit_code = kExitOk;
    std::optional<io::OutputFormat> machine_format;
    if (format != "text") {
      auto f = io::ParseOutputFormat(format);
      if (!f.ok()) {
        std::fprintf(stderr, "deconflict replay: --format: %s (or text)\n", f.status().message().c_str());
        return kExitUsage;
      }
      machine_format = *f;
    }
    io::ReplayOptions options;
    auto step_s = units::ParseQuantity(step, units::Dimension::kTime);
    if (!step_s.ok() || !(*step_s > 0)) {
      std::fprintf(stderr, "deconflict replay: --step: %s\n",
                   step_s.ok() ? "must be positive" : step_s.status().message().c_str());
      return kExitUsage;
    }
    options.step_s = *step_s;
    double speed_x = 0;
    if (speed_opt && speed_opt->count() > 0) {
      char* end = nullptr;
      speed_x = std::strtod(speed.c_str(), &end);
      if (end == speed.c_str() || *end != '\0' || !(speed_x > 0) || !std::isfinite(speed_x)) {
        std::fprintf(stderr,
                     "deconflict replay: --speed: \"%s\" is not a number > 0 (1 = real time, 60 = a minute per "
                     "second)\n",
                     speed.c_str());
        return kExitUsage;
      }
    }

    io::ReadResult input;
    if (!flags.Read("replay", &input, &exit_code)) return exit_code;
    if (Status s = flags.Resolve(input.scenario, &options.detector, &options.alerting); !s.ok()) {
      std::fprintf(stderr, "deconflict replay: %s\n", s.message().c_str());
      return kExitUsage;
    }
    if (Status s = alerting_flags.Resolve(&options.alerting); !s.ok()) {
      std::fprintf(stderr, "deconflict replay: %s\n", s.message().c_str());
      return kExitUsage;
    }
    auto stale_s = flags.StaleSeconds();
    if (!stale_s.ok()) {
      std::fprintf(stderr, "deconflict replay: %s\n", stale_s.status().message().c_str());
      return kExitUsage;
    }
    options.stale_s = *stale_s;
    const bool scenario = flags.resolved_format == io::InputFormat::kBlueSky;
    if (!input.states.empty()) {
      double first = input.states.front().time_s, last = first;
      for (const auto& s : input.states) {
        first = std::min(first, s.time_s);
        last = std::max(last, s.time_s);
      }
      if (!duration.empty()) {
        auto d = units::ParseQuantity(duration, units::Dimension::kTime);
        if (!d.ok() || !(*d >= 0)) {
          std::fprintf(stderr, "deconflict replay: --duration: %s\n",
                       d.ok() ? "must not be negative" : d.status().message().c_str());
          return kExitUsage;
        }
        options.end_s = first + *d;
      } else if (scenario) {
        // Let the scenario's aircraft fly on for one look-ahead after the last CRE.
        options.end_s = last + options.detector.minima.lookahead_s;
      }
    }

    std::ofstream file;
    if (!output.empty()) {
      file.open(output);
      if (!file) {
        std::fprintf(stderr, "deconflict replay: cannot write %s\n", output.c_str());
        return kExitFailure;
      }
    }
    std::ostream& out = output.empty() ? std::cout : file;

    std::optional<io::Cat004Sender> cat004_out;
    if (!cat004.empty()) {
      std::vector<io::Cat004Destination> destinations;
      for (const std::string& text : cat004) {
        auto d = io::ParseCat004Destination(text);
        if (!d.ok()) {
          std::fprintf(stderr, "deconflict replay: --cat004: %s\n", d.status().message().c_str());
          return kExitUsage;
        }
        destinations.push_back(*d);
      }
      auto sender = io::Cat004Sender::Open(std::move(destinations));
      if (!sender.ok()) {
        std::fprintf(stderr, "deconflict replay: --cat004: %s\n", sender.status().message().c_str());
        return kExitFailure;
      }
      cat004_out.emplace(std::move(sender).value());
    }
    std::unordered_map<std::string, std::string> callsigns;
    for (const auto& s : input.states)
      if (!s.callsign.empty()) callsigns[s.id] = s.callsign;
    const std::size_t input_states = input.states.size();

    std::unique_ptr<io::EventWriter> writer;
    if (machine_format) writer = std::make_unique<io::EventWriter>(out, *machine_format);
    std::map<std::uint64_t, io::ReplayEvent> ended;  // text mode: each alert's latest end
    ProgressBar bar;
    // The number of steps io::Replay runs (its replayed interval / step + 1), for pacing.
    double steps = 0;
    if (!input.states.empty() && speed_x > 0) {
      double first = input.states.front().time_s, last = first;
      for (const auto& s : input.states) {
        first = std::min(first, s.time_s);
        last = std::max(last, s.time_s);
      }
      const double interval_s = options.end_s.value_or(last) - options.start_s.value_or(first);
      if (interval_s >= 0) steps = std::floor(interval_s / options.step_s) + 1;
    }
    Pacer pacer(speed_x, options.step_s, steps);
    auto summary = io::Replay(
        std::move(input.states), options,
        [&](const io::ReplayEvent& e) {
          if (cat004_out) cat004_out->Send(e, callsigns);
          if (writer) {
            writer->Write(e);
            if (speed_x > 0) out.flush();  // paced: each event is seen when it happens
          } else if (e.event.kind == detect::AlertEvent::Kind::kEnd) {
            ended[e.event.alert_id] = e;
          }
        },
        [&](double f) {
          pacer.At(f);
          bar.Update(f);
        });
    bar.Clear();
    if (!summary.ok()) {
      std::fprintf(stderr, "deconflict replay: %s\n", summary.status().message().c_str());
      return kExitUsage;
    }
    if (writer) writer->Finish();
    else WriteText(out, *summary, options, input_states, Values(ended), callsigns);
    out.flush();
    if (!out) {
      std::fprintf(stderr, "deconflict replay: write error on %s\n", output.empty() ? "stdout" : output.c_str());
      return kExitFailure;
    }
    if (stats) std::fprintf(stderr, "%s\n", StatsJson(*summary, input.skipped).c_str());
    return kExitOk;
  }

  static std::vector<io::ReplayEvent> Values(const std::map<std::uint64_t, io::ReplayEvent>& m) {
    std::vector<io::ReplayEvent> v;
    for (const auto& [id, e] : m) v.push_back(e);
    return v;
  }

  static std::string StatsJson(const io::ReplaySummary& s, std::size_t skipped) {
    const io::AlertCounts& c = s.counts;
    return fmt::format(
        "{{\"aircraft\":{},\"airborne_aircraft\":{},\"steps\":{},\"max_simultaneous\":{},\"alerts\":{},"
        "\"caution_alerts\":{},\"warning_alerts\":{},\"los_alerts\":{},\"pair_conflicts\":{},\"detect_ms\":{:.3f},"
        "\"replay_ms\":{:.3f},\"skipped_lines\":{},\"hours\":{:.4f},\"resumes\":{},\"level_changes\":{},"
        "\"raises\":{},\"lowers\":{},\"ends\":{},\"events\":{},\"notices\":{},\"alerts_per_hour\":{:.2f},"
        "\"level_changes_per_hour\":{:.2f},\"notices_per_hour\":{:.2f},\"events_per_hour\":{:.2f}}}",
        s.aircraft, s.airborne_aircraft, s.steps, s.max_simultaneous, s.alerts, s.caution_alerts, s.warning_alerts,
        s.los_alerts, s.pair_conflicts, s.detect_ms, s.replay_ms, skipped, s.hours(), c.resumes, c.level_changes(),
        c.raises, c.lowers, c.ends, c.events(), c.notices, s.PerHour(c.alerts), s.PerHour(c.level_changes()),
        s.PerHour(c.notices), s.PerHour(c.events()));
  }

  std::string Name(const std::string& id, const std::unordered_map<std::string, std::string>& callsigns) const {
    auto it = callsigns.find(id);
    return it == callsigns.end() || it->second == id ? id : id + " " + it->second;
  }

  void WriteText(std::ostream& out, const io::ReplaySummary& s, const io::ReplayOptions& options,
                 std::size_t input_states, std::vector<io::ReplayEvent> ended,
                 const std::unordered_map<std::string, std::string>& callsigns) const {
    out << fmt::format("deconflict replay of {}: {} states, {} aircraft\n", flags.file, input_states, s.aircraft);
    out << fmt::format("  {} to {}, step {:g} s, {}\n", TimeText(s.first_time_s), TimeText(s.last_time_s),
                       options.step_s,
                       std::isinf(options.stale_s)
                           ? std::string("aircraft kept to the end")
                           : fmt::format("aircraft dropped after {:g} s without a report", options.stale_s));
    const detect::AlertingOptions& a = options.alerting;
    out << fmt::format("  {}; warning within {:g} s\n", DescribeSettings(options.detector), a.warning_lookahead_s);
    out << fmt::format("  alerting: {} of {}, hysteresis {:g} s, persistence {:g} s, same alert when it resumes within "
                       "{:g} s\n\n",
                       a.alerting_m, a.alerting_n, a.hysteresis_s, a.persistence_s, a.episode_gap_s);
    // The most notable alerts: losses of separation, then warnings, then the closest; shown in time order.
    std::stable_sort(ended.begin(), ended.end(), [](const io::ReplayEvent& a, const io::ReplayEvent& b) {
      if (a.los_seen != b.los_seen) return a.los_seen;
      if (a.max_level != b.max_level) return a.max_level > b.max_level;
      return a.event.min_h_dist_m < b.event.min_h_dist_m;
    });
    const std::size_t shown = max_events == 0 ? ended.size() : std::min(max_events, ended.size());
    std::vector<io::ReplayEvent> show(ended.begin(), ended.begin() + static_cast<std::ptrdiff_t>(shown));
    std::sort(show.begin(), show.end(), [](const io::ReplayEvent& a, const io::ReplayEvent& b) {
      return a.event.begin_time_s < b.event.begin_time_s;
    });
    if (ended.empty()) {
      out << "No alerts.\n\n";
    } else {
      out << fmt::format("Alerts: {} ({}most notable first: losses of separation, warnings, closest)\n",
                         ended.size(), shown < ended.size() ? fmt::format("showing {}, ", shown) : "");
      out << fmt::format("  {:<21} {:>7}  {:<34} {:<8} {:>9} {:>9}  {}\n", "begin", "length", "aircraft", "level",
                         "min horiz", "min vert", "separation");
      for (const auto& r : show) {
        const auto& e = r.event;
        out << fmt::format("  {:<21} {:>6.0f}s  {:<34} {:<8} {:>6.2f} NM {:>6.0f} ft  {}\n", TimeText(e.begin_time_s),
                           e.time_s - e.begin_time_s,
                           Name(e.id_a, callsigns) + " / " + Name(e.id_b, callsigns),
                           detect::AlertLevelName(r.max_level), units::MetersToNauticalMiles(e.min_h_dist_m),
                           units::MetersToFeet(e.min_v_dist_m), r.los_seen ? "LOST" : "kept");
      }
      out << "  (min horiz and min vert are the smallest seen during the alert, not necessarily at the same time)\n\n";
    }
    out << "Summary\n";
    out << fmt::format("  aircraft        {} ({} airborne, at most {} at once)\n", s.aircraft, s.airborne_aircraft,
                       s.max_simultaneous);
    out << fmt::format("  steps           {}\n", s.steps);
    const io::AlertCounts& c = s.counts;
    out << fmt::format("  alerts          {} (caution {}, warning {}); resumed {} times\n", s.alerts, s.caution_alerts,
                       s.warning_alerts, c.resumes);
    out << fmt::format("  loss of sep.    {}\n", s.los_alerts);
    out << fmt::format("  level changes   {} (up {}, down {})\n", c.level_changes(), c.raises, c.lowers);
    out << fmt::format("  notices         {} (new alerts, and alerts reaching a level not told before)\n", c.notices);
    out << fmt::format("  per hour        {:.1f} alerts, {:.1f} level changes, {:.1f} notices, {:.1f} events ({:.2f} h)\n",
                       s.PerHour(c.alerts), s.PerHour(c.level_changes()), s.PerHour(c.notices), s.PerHour(c.events()),
                       s.hours());
    out << fmt::format("  time            {:.0f} ms (detection {:.0f} ms)\n", s.replay_ms, s.detect_ms);
  }
};

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto st = std::make_shared<ReplayCommand>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Replay recorded traffic: at each time step, each aircraft's latest report moved to the step time in a "
      "straight line (aircraft on the ground or not heard for --stale are left out), conflict detection, and "
      "alerts with DAIDALUS M-of-N, hysteresis and persistence, raised at once, and grouped into episodes (an alert "
      "that resumes within --episode-gap keeps its id). Writes alert events (begin, level change, end, resume, with "
      "minimum separation) and a summary with alerts, level changes and notices per hour. A progress bar is drawn on stderr when it is a terminal.\n"
      "Exit codes: 0 ok, 1 failure (I/O), 2 bad input data (the message names file, line and field), "
      "64 bad command line.");
  st->flags.Add(cmd);
  st->alerting_flags.Add(cmd);
  cmd->add_option("--format", st->format,
                  "text (default: notable alerts and a summary, for people), csv, json or jsonl (every event)");
  cmd->add_option("-o,--output", st->output, "write to this file (default: stdout)");
  cmd->add_option("--step", st->step, "time step (default 1s)");
  cmd->add_option("--duration", st->duration,
                  "replay this long from the first report (default: to the last report; BlueSky scenarios: one "
                  "look-ahead past the last CRE)");
  cmd->add_option("--max-events", st->max_events, "text format: show at most this many alerts, 0 = all (default 20)");
  cmd->add_flag("--stats", st->stats, "write one JSON line with the summary to stderr");
  cmd->add_option("--cat004", st->cat004,
                  "send each alert event as an ASTERIX CAT004 safety-net message (STCA, End Of Conflict) over UDP "
                  "to party=ADDRESS:PORT, only the alerts of that party's aircraft (an aircraft without a party "
                  "is its own party: its id); repeatable (docs/io.md)");
  st->speed_opt = cmd->add_option("--speed", st->speed,
                  "replay paced at X times real time (1 = real time, 60 = a minute of traffic per second; events "
                  "are written as they happen with csv/json/jsonl); default: as fast as possible");
  cmd->callback([st, exit_code] { *exit_code = st->Run(); });
});

}  // namespace
}  // namespace deconflict::cli
