// `deconflict detect FILE`: conflicts in one snapshot of tracks.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/detection_flags.h"
#include "io/timeline.h"
#include "io/writer.h"

namespace deconflict::cli {
namespace {

struct DetectCommand {
  DetectionFlags flags;
  std::string format = "csv";
  std::string output;
  bool stats = false;
  double at_s = 0;
  CLI::Option* at_opt = nullptr;

  int Run() {
    using Clock = std::chrono::steady_clock;
    int exit_code = kExitOk;
    auto out_format = io::ParseOutputFormat(format);
    if (!out_format.ok()) {
      std::fprintf(stderr, "deconflict detect: --format: %s\n", out_format.status().message().c_str());
      return kExitUsage;
    }
    const auto t_read = Clock::now();
    io::ReadResult input;
    if (!flags.Read("detect", &input, &exit_code)) return exit_code;
    const double read_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_read).count();

    detect::DetectorOptions options;
    detect::AlertingOptions alerting;
    if (Status s = flags.Resolve(input.scenario, &options, &alerting); !s.ok()) {
      std::fprintf(stderr, "deconflict detect: %s\n", s.message().c_str());
      return kExitUsage;
    }

    auto stale_s = flags.StaleSeconds();
    if (!stale_s.ok()) {
      std::fprintf(stderr, "deconflict detect: %s\n", stale_s.status().message().c_str());
      return kExitUsage;
    }
    // One snapshot: each aircraft's latest state at or before the snapshot time, moved to it.
    std::vector<TrackState> snapshot;
    double snapshot_time = 0;
    if (!input.states.empty()) {
      io::TimelineOptions tl;
      tl.drop_on_ground = false;  // the detector leaves them out and counts them
      tl.stale_s = *stale_s;
      io::Timeline timeline(std::move(input.states), tl);
      snapshot_time = at_opt->count() > 0 ? at_s : timeline.all_reported_time_s();
      timeline.SnapshotAt(snapshot_time, &snapshot);
    }

    detect::Detector detector(options);
    detect::DetectStats st;
    std::vector<detect::Conflict> conflicts = detector.Detect(snapshot, &st);

    std::ofstream file;
    if (!output.empty()) {
      file.open(output);
      if (!file) {
        std::fprintf(stderr, "deconflict detect: cannot write %s\n", output.c_str());
        return kExitFailure;
      }
    }
    std::ostream& out = output.empty() ? std::cout : file;
    io::WriteConflicts(out, *out_format, snapshot, conflicts, alerting);
    out.flush();
    if (!out) {
      std::fprintf(stderr, "deconflict detect: write error on %s\n", output.empty() ? "stdout" : output.c_str());
      return kExitFailure;
    }
    if (stats) {
      std::fprintf(stderr,
                   "%s\n",
                   fmt::format("{{\"detect_ms\":{:.3f},\"aircraft\":{},\"candidate_pairs\":{},\"conflicts\":{},"
                               "\"on_ground\":{},\"invalid\":{},\"input_records\":{},\"skipped_lines\":{},"
                               "\"snapshot_time_s\":{:.3f},\"read_ms\":{:.3f}}}",
                               st.detect_ms, st.aircraft, st.candidate_pairs, st.conflicts, st.on_ground, st.invalid,
                               input.records, input.skipped, snapshot_time, read_ms)
                       .c_str());
    }
    return kExitOk;
  }
};

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto cmd_state = std::make_shared<DetectCommand>();
  CLI::App* cmd = app.add_subcommand(
      "detect",
      "Conflicts in one snapshot of tracks: one row per pair of aircraft of different parties that lose "
      "separation within the look-ahead (CSV columns in docs/io.md).\n"
      "The snapshot is each aircraft's latest state at --at (default: the earliest time at which every aircraft "
      "of the file has reported), moved there in a straight line; aircraft not heard for --stale before it are "
      "left out. BlueSky ZONER/ZONEDH/DTLOOK apply unless "
      "--horizontal/--vertical/--lookahead are given.\n"
      "Exit codes: 0 ok, 1 failure (I/O), 2 bad input data (the message names file, line and field), "
      "64 bad command line.");
  cmd_state->flags.Add(cmd);
  cmd->add_option("--format", cmd_state->format, "csv (default), json (one array) or jsonl");
  cmd->add_option("-o,--output", cmd_state->output, "write conflicts to this file (default: stdout)");
  cmd->add_flag("--stats", cmd_state->stats,
                "write one JSON line to stderr: detect_ms (detection alone), aircraft, candidate_pairs, conflicts, ...");
  cmd_state->at_opt = cmd->add_option("--at", cmd_state->at_s, "snapshot time, seconds in the file's time base");
  cmd->callback([cmd_state, exit_code] { *exit_code = cmd_state->Run(); });
});

}  // namespace
}  // namespace deconflict::cli
