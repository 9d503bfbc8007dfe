// Separation models for one pair, in closed form: the CD3D cylinder of NASA ACCoRD/DAIDALUS and the
// RTCA DO-365 "well clear" volume (tau-mod, as DAIDALUS WCV_TAUMOD with WCV_TCOA vertical).
//
// Sources: C. Muñoz, A. Narkawicz, G. Hagen et al., "DAIDALUS: Detect and Avoid Alerting Logic for
// Unmanned Systems", DASC 2015; A. Narkawicz, C. Muñoz, "Formal verification of conflict detection
// algorithms for arbitrary trajectories", and the ACCoRD CD3D algorithm (NASA/TM, Galdino, Muñoz,
// Ayala 2007, "Formal verification of an optimal air traffic conflict resolution and recovery
// algorithm"); RTCA DO-365 (MOPS for DAA, 2017) §2.2.4.3.1 well-clear thresholds.
//
// Geometry: the pair's relative state, intruder minus ownship, straight-line constant velocity:
// horizontal s(t) = s + v t (only |s|², s·v and |v|² matter), vertical sz(t) = sz + vz t.
#pragma once

#include "core/units.h"

namespace deconflict::detect {

// The cylinder: D is a radius, H a half-height (DAIDALUS/ACCoRD CD3D). Defaults 5 NM, 1000 ft, 300 s.
struct SeparationMinima {
  double horizontal_m = units::NauticalMilesToMeters(5);  // D > 0
  double vertical_m = units::FeetToMeters(1000);         // H > 0
  double lookahead_s = 300;                              // T > 0
};

// DO-365 well-clear thresholds (DAIDALUS DO_365 phase I defaults, non-cooperative values not used).
struct WellClearThresholds {
  double dthr_m = units::FeetToMeters(4000);  // DTHR, horizontal distance threshold (also DMOD)
  double zthr_m = units::FeetToMeters(450);   // ZTHR, vertical distance threshold
  double tthr_s = 35;                         // TTHR, modified-tau threshold
  double tcoa_s = 0;                          // TCOA, time-to-co-altitude threshold
  double lookahead_s = 300;                   // T, alerting look-ahead of the detector
};

// Relative state of a pair reduced to what the models need.
struct PairGeometry {
  double ss = 0;  // |s|², m², horizontal relative position squared
  double sv = 0;  // s·v, m²/s
  double vv = 0;  // |v|², m²/s²
  double sz = 0;  // vertical relative position, m (intruder above ownship > 0)
  double vz = 0;  // vertical relative velocity, m/s
};
// From planar components (x east, y north) — convenient in tests and for other callers.
PairGeometry PlanarGeometry(double sx, double sy, double sz, double vx, double vy, double vz);

// Result for one pair over [0, T]. When !conflict the times are meaningless except t_cpa/d_cpa/dz_cpa.
struct PairResult {
  bool conflict = false;  // loss (cylinder) or violation (well clear) within [0, T]
  bool los = false;       // already lost / violated at t = 0
  double t_in_s = 0;      // entry into loss within [0, T] (0 when los)
  double t_out_s = 0;     // exit from loss, clamped to T
  double t_cpa_s = 0;     // horizontal time of closest approach, clamped to [0, T] (0 if |v| = 0)
  double d_cpa_m = 0;     // horizontal distance at t_cpa_s
  double dz_cpa_m = 0;    // |sz + vz t_cpa_s|
};

// CD3D semantics: loss at t iff |s(t)| < D and |sz(t)| < H (strict); the conflict interval is the
// intersection of the horizontal and vertical open intervals with [0, T], and there is a conflict iff
// it has positive length (t_in < t_out), so a tangent path (touching the boundary) is no conflict.
// Zero relative horizontal (vertical) velocity: the horizontal (vertical) interval is all time when
// inside, empty otherwise. REQUIRES: D, H, T > 0, finite geometry.
PairResult Cd3d(const PairGeometry& g, double D, double H, double T);

// DO-365 well clear (DAIDALUS WCV_TAUMOD, closed-form interval as in WCV_TAUMOD.horizontal_WCV_interval
// and WCV_TCOA.vertical_WCV_interval). Violation at t iff
//   horizontal: |s| <= DTHR, or (s·v < 0 and hmd <= DTHR and tau_mod <= TTHR) with
//               tau_mod = (DTHR² - |s|²) / (s·v) (DMOD = DTHR), hmd the horizontal miss distance;
//   vertical:   |sz| <= ZTHR, or 0 <= tcoa <= TCOA with tcoa = -sz/vz (sz·vz < 0).
// Thresholds are inclusive (<=) as in DAIDALUS. zthr_m is used as given (callers subtract any
// altitude-quantisation tolerance). REQUIRES: positive DTHR, ZTHR, TTHR >= 0, TCOA >= 0, T > 0.
PairResult WellClear(const PairGeometry& g, const WellClearThresholds& w);

// Well clear violated at t = 0 (WellClear(g, w).los without the interval computation; lookahead_s unused).
bool WellClearViolation(const PairGeometry& g, const WellClearThresholds& w);

}  // namespace deconflict::detect
