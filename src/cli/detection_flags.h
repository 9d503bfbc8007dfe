// Command-line flags shared by `detect` and `replay`: separation minima with units, model, parties,
// input format and --skip-bad. Values are parsed with units::ParseQuantity after CLI11 has read them.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "core/status.h"
#include "detect/alerting.h"
#include "detect/detector.h"
#include "io/reader.h"

namespace deconflict::cli {

class DetectionFlags {
 public:
  std::string file;
  std::string input_format = "auto";
  std::string horizontal = "5nm";
  std::string vertical = "1000ft";
  std::string lookahead = "300s";
  std::string vertical_tolerance = "100ft";
  std::string warning_lookahead = "60s";
  std::string model = "cylinder";
  std::string stale = "30s";
  CLI::Option* stale_opt = nullptr;
  bool same_party = false;
  bool skip_bad = false;
  std::string asterix_date;                  // .ast: UTC date of the first record (YYYY-MM-DD)
  std::vector<std::string> asterix_editions;  // "[SAC/SIC:]CAT=EDITION", repeatable
  // Set by Add(): which minima were given on the command line (they override a scenario's own).
  CLI::Option* horizontal_opt = nullptr;
  CLI::Option* vertical_opt = nullptr;
  CLI::Option* lookahead_opt = nullptr;

  void Add(CLI::App* cmd);

  // Detector and alerting options from the flags; a scenario's ZONER/ZONEDH/DTLOOK apply where the flag
  // was not given. Errors (kInvalidArgument) name the flag.
  Status Resolve(const io::ScenarioSettings& scenario, detect::DetectorOptions* detector,
                 detect::AlertingOptions* alerting) const;

  // Reads the input file; prints skipped-line and ignored-command notes to stderr. Sets resolved_format.
  // On error prints "deconflict <command>: <message>" and returns the exit code in *exit_code.
  bool Read(const char* command, io::ReadResult* result, int* exit_code);
  io::InputFormat resolved_format = io::InputFormat::kAuto;

  // --stale in seconds: aircraft not heard for this long are left out of a snapshot. Default 30 s, and
  // never for BlueSky scenarios (each aircraft is created once and flies on). Call after Read().
  Result<double> StaleSeconds() const;

 private:
  // .sbs / .sbs.gz through feeds::ReadSbsFile.
  bool ReadSbs(const char* command, io::ReadResult* result, int* exit_code) const;
  // .ast / .pcap through feeds::ReadAsterixFile.
  bool ReadAsterix(const char* command, io::ReadResult* result, int* exit_code) const;
};

// Alert filtering flags (docs/detection.md section 7), defaults from DAIDALUS's DO_365B_no_SUM.conf:
// --hysteresis, --persistence, --alerting-m, --alerting-n, and our --episode-gap.
class AlertingFlags {
 public:
  std::string hysteresis = "5s";
  std::string persistence = "4s";
  int alerting_m = 2;
  int alerting_n = 4;
  std::string episode_gap = "300s";

  void Add(CLI::App* cmd);
  // Sets the filtering fields of *alerting (the look-aheads come from DetectionFlags::Resolve) and validates
  // all of it; errors (kInvalidArgument) name the flag or the option.
  Status Resolve(detect::AlertingOptions* alerting) const;
};

// Human-readable one-line description of the detection settings, e.g.
// "cylinder 5 NM / 1000 ft (altitude tolerance 100 ft), look-ahead 300 s".
std::string DescribeSettings(const detect::DetectorOptions& d);

}  // namespace deconflict::cli
