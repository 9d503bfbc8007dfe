// Configuration of the resolution guidance (DAIDALUS kinematic bands): the bands' ranges and steps, the
// ownship's manoeuvre performance, recovery and collision-avoidance parameters, implicit coordination, and the
// alerters (alert levels, each with a region, alerting times and a detector: DO-365 well clear or a cylinder).
//
// Names follow NASA DAIDALUS v2 (Muñoz, Narkawicz, Hagen, Upchurch, Dutle, Consiglio, Chamberlain,
// "DAIDALUS: Detect and Avoid Alerting Logic for Unmanned Systems", DASC 2015; the DAIDALUS v2 user guide) and
// RTCA DO-365 (DTHR, ZTHR, TTHR, TCOA). SI units inside (m, s, m/s, m/s², rad, rad/s); the .conf file's units
// ([nmi], [ft], [knot], [fpm], [deg], [deg/s], [m/s^2], [G], [s]) are converted where it is read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/separation.h"

namespace deconflict::guidance {

// Band regions, DAIDALUS BandsRegion. NONE: no conflict; FAR/MID/NEAR: conflict at the alert level whose region
// it is (NEAR most severe); RECOVERY: loss of well clear can no longer be avoided, these values recover best.
enum class BandsRegion { kNone, kFar, kMid, kNear, kRecovery };
const char* BandsRegionName(BandsRegion region);  // "NONE", "FAR", "MID", "NEAR", "RECOVERY"
// Parses "NONE", "FAR", "MID", "NEAR" (case-insensitive). RECOVERY is not a configurable region.
Result<BandsRegion> ParseBandsRegion(std::string_view text);
// 0 for NONE/RECOVERY, 1 FAR, 2 MID, 3 NEAR.
int Severity(BandsRegion region);

// The detector of an alert level: DO-365 well clear (DAIDALUS WCV_TAUMOD with TCOA, detect::WellClear) or the
// CD3D cylinder (DAIDALUS CDCylinder, detect::Cd3d).
struct Detector3D {
  enum class Kind { kWellClear, kCylinder };
  Kind kind = Kind::kWellClear;
  detect::WellClearThresholds well_clear;  // DTHR, ZTHR, TTHR, TCOA (its lookahead_s is unused here)
  double d_m = units::NauticalMilesToMeters(5);  // cylinder D
  double h_m = units::FeetToMeters(1000);        // cylinder H
  bool operator==(const Detector3D& o) const;
};

struct AlertLevel {
  BandsRegion region = BandsRegion::kNone;  // region of the bands this level colours (NONE: no bands)
  double alerting_time_s = 0;               // conflict before this time raises the level
  double early_alerting_time_s = 0;         // the level's early alerting time (last time to manoeuvre)
  Detector3D detector;
};

struct Alerter {
  std::string name;
  std::vector<AlertLevel> levels;  // levels[0] is alert level 1 (least severe)
};

struct BandsConfig {
  double lookahead_s = 180;
  double left_trk_rad = units::kPi, right_trk_rad = units::kPi;  // left_hdir / right_hdir
  double min_gs_mps = units::KnotsToMps(10), max_gs_mps = units::KnotsToMps(700);
  double min_vs_mps = units::FpmToMps(-6000), max_vs_mps = units::FpmToMps(6000);
  double min_alt_m = units::FeetToMeters(100), max_alt_m = units::FeetToMeters(50000);
  double step_trk_rad = units::kDegToRad, step_gs_mps = units::KnotsToMps(5);
  double step_vs_mps = units::FpmToMps(100), step_alt_m = units::FeetToMeters(100);
  // Manoeuvre performance. Zero means instantaneous bands for that dimension (turn: turn_rate and bank both 0).
  double horizontal_accel_mps2 = 2.0;
  double vertical_accel_mps2 = 0.25 * units::kStandardGravityMps2;
  double turn_rate_radps = 3 * units::kDegToRad;
  double bank_angle_rad = 0;  // used when turn_rate is 0: rate = g tan(bank) / airspeed
  double vertical_rate_mps = units::FpmToMps(500);  // climb/descent rate of altitude manoeuvres
  // Recovery bands.
  double min_horizontal_recovery_m = units::NauticalMilesToMeters(0.66);
  double min_vertical_recovery_m = units::FeetToMeters(450);
  bool recovery_trk = true, recovery_gs = true, recovery_vs = true, recovery_alt = true;
  bool ca_bands = true;    // collision-avoidance bands: shrink the recovery volume towards the NMAC volume
  double ca_factor = 0.1;  // shrink factor per iteration
  double horizontal_nmac_m = units::FeetToMeters(500), vertical_nmac_m = units::FeetToMeters(100);
  double recovery_stability_time_s = 3;
  // Implicit coordination (DAIDALUS conflict_crit / recovery_crit).
  bool conflict_crit = false, recovery_crit = false;
  bool ownship_centric_alerting = false;
  BandsRegion corrective_region = BandsRegion::kMid;
  std::vector<Alerter> alerters;  // alerter 1 is alerters[0]
};

// The DO-365B configuration (DAIDALUS DO_365B_no_SUM, Phase I alerter only).
BandsConfig Do365Config();

// OK or an error naming the first bad field (steps > 0, min < max, rates >= 0, at least one alerter, each with
// at least one level, positive detector thresholds, look-ahead in (0, 3600 s]).
Status ValidateConfig(const BandsConfig& config);

// Parses a DAIDALUS v2 .conf file ("key = value [unit]" lines, '#' comments). Every key the DAIDALUS v2.0.4
// configuration writes is understood; parameters of features deconflict does not implement (sensor uncertainty
// mitigation, terminal-area logic, hysteresis of bands, contours) must keep their disabled values or are
// ignored where they only tune outputs (listed in docs/detection.md). An unknown key, a unit that does not fit
// the quantity, or a detector other than WCV_TAUMOD / CDCylinder is an error naming `source`, the line and the
// key.
Result<BandsConfig> ParseDaidalusConf(std::string_view text, std::string_view source);
Result<BandsConfig> ReadDaidalusConf(const std::string& path);

// The alerter with this name (1-based index), or 0 when there is none.
int AlerterIndex(const BandsConfig& config, std::string_view name);

}  // namespace deconflict::guidance
