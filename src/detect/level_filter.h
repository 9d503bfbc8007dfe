// The alert level of one pair over time: M-of-N, hysteresis and persistence as in the DAIDALUS v2 alerting
// logic (RTCA DO-365B; NASA DAIDALUS v2.0.4 parameters alerting_m, alerting_n, hysteresis_time,
// persistence_time, values of Configurations/DO_365B_no_SUM.conf), with one deliberate difference:
// raising is immediate.
//
// The semantics, as DAIDALUS defines them (Muñoz et al., "DAIDALUS: Detect and Avoid Alerting Logic for
// Unmanned Systems", DASC 2015; DAIDALUS v2 documentation of the hysteresis parameters):
// - M of N: the level reported is the highest level reached by at least M of the pair's last N computed
//   levels ("raw" levels, one per time step).
// - hysteresis time: the pair's window of recent levels is kept only while the pair is computed at least
//   this often; after a longer gap (or at the first computation) the window starts afresh, filled as if the
//   current raw level had been seen M times, so a new encounter is reported at its raw level at once.
// - persistence time: a level, once raised, is not lowered before this much time has passed since the raise.
//
// Difference, for safety: in DAIDALUS a level above the current one must also pass the M-of-N test, which
// delays an upgrade by up to N − M steps. Here a raw level above the current one is taken at once, so the
// filter never reports less than the detector sees now: Update(t, raw) >= raw, always (tested). M of N,
// hysteresis and persistence only slow down lowering: a lower level is reported once fewer than M of the last
// N raw levels reach the current one and the persistence time has passed since the last raise.
#pragma once

#include <array>
#include <cstdint>

#include "core/status.h"

namespace deconflict::detect {

enum class AlertLevel { kNone = 0, kCaution = 1, kWarning = 2 };
const char* AlertLevelName(AlertLevel level);  // "none", "caution", "warning"

inline constexpr int kMaxAlertingN = 32;  // largest N of the M-of-N window

// Defaults are DO_365B_no_SUM.conf's where it has the parameter.
struct AlertingOptions {
  // A conflict is at a level when its t_in_s <= that level's look-ahead (los counts as t_in = 0).
  // The detector's look-ahead should be >= caution_lookahead_s.
  double caution_lookahead_s = 300;
  double warning_lookahead_s = 60;
  // DAIDALUS hysteresis_time (DO_365B_no_SUM: 5 s): longest gap between two updates of a pair over which its
  // M-of-N window is kept. In [0, 3600].
  double hysteresis_s = 5;
  // DAIDALUS persistence_time (DO_365B_no_SUM: 4 s): a raised level is held at least this long. In [0, 3600].
  double persistence_s = 4;
  // DAIDALUS alerting_m / alerting_n (DO_365B_no_SUM: 2 of 4): a level is held while at least M of the last
  // N raw levels reach it. 1 <= M <= N <= kMaxAlertingN; M = N = 1 turns the window off.
  int alerting_m = 2;
  int alerting_n = 4;
  // Not a DAIDALUS parameter: an alert that has ended is the same episode (same alert id, level history kept,
  // no new notice unless it reaches a higher level than told before) when the pair alerts again within this
  // time of the end. In [0, 86400]; 0 makes every re-alert a new alert.
  double episode_gap_s = 300;
};

// kInvalidArgument naming the field when an option is out of its range (or not finite).
Status ValidateAlertingOptions(const AlertingOptions& o);

// REQUIRES: options valid (ValidateAlertingOptions) and the same on every call; time never goes backwards.
// About 56 bytes; no allocation.
class LevelFilter {
 public:
  // Feeds the raw level of time t_s and returns the level to report. Never lower than `raw`.
  AlertLevel Update(double t_s, AlertLevel raw, const AlertingOptions& o);
  AlertLevel level() const { return level_; }
  double raised_at_s() const { return raised_s_; }

 private:
  AlertLevel MofN(const AlertingOptions& o) const;

  std::array<int8_t, kMaxAlertingN> window_{};  // raw levels, ring buffer of N; -1 = empty slot
  double last_s_ = 0;
  double raised_s_ = 0;
  int8_t head_ = 0;  // slot of the oldest level
  bool started_ = false;
  AlertLevel level_ = AlertLevel::kNone;
};

}  // namespace deconflict::detect
