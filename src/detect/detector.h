// Tactical conflict detection over one snapshot of tracks: which pairs of aircraft (of different
// parties, by default) lose separation within the look-ahead, under straight-line projection.
//
// Cost grows with the number of aircraft and of pairs that can actually meet, not N²: a broad phase
// (hash grid of swept boxes over the look-ahead in ECEF plus altitude bands; conservative, never
// misses a pair) and a vectorised narrow phase over structure-of-arrays (division-free exact
// filter, then the closed-form models of separation.h on survivors). See docs/detection.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "detect/separation.h"

namespace deconflict::detect {

enum class Model {
  kCylinder,   // CD3D cylinder with SeparationMinima (default)
  kWellClear,  // DO-365 well clear with WellClearThresholds
};

// Unordered pair of party names; build with MakePartyPair so that {a, b} == {b, a}.
using PartyPair = std::pair<std::string, std::string>;
inline PartyPair MakePartyPair(std::string a, std::string b) {
  return a <= b ? PartyPair{std::move(a), std::move(b)} : PartyPair{std::move(b), std::move(a)};
}

struct DetectorOptions {
  Model model = Model::kCylinder;
  SeparationMinima minima;  // default minima for the cylinder
  // Altitude quantisation tolerance: vertical loss only when |dz| < H - vertical_tolerance_m
  // (cylinder), |dz| <= ZTHR - vertical_tolerance_m (well clear). Default 100 ft: ADS-B/Mode C
  // altitudes come in 25 ft or 100 ft steps, so two aircraft at the standard 1000 ft spacing can
  // report 900–1100 ft apart; at 100 ft none of them is flagged, while any real bust of more than
  // 100 ft is (docs/detection.md). 0 gives the pure cylinder. The tolerance is widened by 1 µm so
  // that feet-coded altitudes exactly on the boundary (e.g. 1000 ft apart with tolerance 0) are
  // never decided by the rounding of ft -> m.
  // REQUIRES: 0 <= tol < H (and < ZTHR).
  double vertical_tolerance_m = units::FeetToMeters(100);
  WellClearThresholds well_clear;
  bool include_same_party = false;  // also check pairs of the same (non-empty) party
  // Minima for specific pairs of parties (the agreement between them), used instead of `minima`.
  // Keys from MakePartyPair. Only for the cylinder model.
  std::map<PartyPair, SeparationMinima> party_minima;
  // Broad-phase grid tuning. Performance only: results are the same for any positive values.
  // Cell edge = cell_factor × (mean distance flown in the look-ahead + horizontal minimum);
  // altitude band height = band_factor × 2 × (vertical minimum − tolerance).
  struct GridTuning {
    double cell_factor = 1.5;
    double band_factor = 3.0;
  } grid;
};

// OK, or an error naming the bad field: horizontal minimum and DTHR in (0, 200 km], vertical
// minimum > 0, look-ahead in (0, 3600 s], TTHR in [0, 120 s], TCOA >= 0, 0 <= tolerance < H and
// < ZTHR, all finite.
Status ValidateOptions(const DetectorOptions& options);

// One pair in conflict. a < b are indices into the span given to Detect().
struct Conflict {
  uint32_t a = 0, b = 0;
  double t_in_s = 0;    // entry into loss, within [0, T]; 0 when los
  double t_out_s = 0;   // exit from loss, clamped to T
  double t_cpa_s = 0;   // horizontal time of closest approach, clamped to [0, T]
  double d_cpa_m = 0;   // horizontal distance at t_cpa_s
  double dz_cpa_m = 0;  // |vertical distance| at t_cpa_s
  bool los = false;     // separation already lost (well clear already violated) at t = 0
  double h_dist_m = 0;  // horizontal distance now
  double v_dist_m = 0;  // |vertical distance| now
};

struct DetectStats {
  size_t aircraft = 0;         // airborne, valid tracks considered
  size_t on_ground = 0;        // left out: on_ground
  size_t invalid = 0;          // left out: non-finite field, |lat| > 90, gs < 0, implausible (see Detect)
  size_t candidate_pairs = 0;  // pair checks done by the narrow-phase filter (pairs sharing a grid cell)
  size_t filtered_pairs = 0;   // pairs that passed the filter and were computed exactly
  size_t grid_entries = 0;     // (cell, aircraft) entries of the broad-phase grid
  size_t conflicts = 0;
  double detect_ms = 0;        // wall time of Detect(), milliseconds
  size_t state_bytes = 0;      // bytes held by the detector's reusable buffers after the call
};

// Reusable detector. Keeps its buffers between calls (no allocation in steady state).
// Not thread-safe: use one Detector per thread.
class Detector {
 public:
  explicit Detector(DetectorOptions options = {});
  ~Detector();
  Detector(Detector&&) noexcept;
  Detector& operator=(Detector&&) noexcept;

  // Conflicts among `tracks` at their common time (each track's time_s is not used for projection:
  // the snapshot is taken as simultaneous). Pairs: different parties (empty party = own party), or
  // all pairs with include_same_party. Tracks with on_ground, or invalid (NaN/inf in position,
  // altitude or velocity, |lat| > 90°, gs < 0) or physically implausible (gs > 1500 m/s,
  // |vs| > 500 m/s, altitude outside [-2 km, 100 km]), are left out and counted in stats: never a
  // crash, never a garbage pair. Longitudes may be any finite value. Result sorted by (a, b); the
  // same conflicts, bit for bit, as DetectBruteForce() (property-tested). With invalid options
  // (options_status()) it returns no conflicts. REQUIRES: tracks.size() < 2^32.
  std::vector<Conflict> Detect(std::span<const TrackState> tracks, DetectStats* stats = nullptr);

  // Reference O(N²) detection over all pairs with the same exact pair computation (for tests and the
  // benchmark baseline). Same contract as Detect().
  std::vector<Conflict> DetectBruteForce(std::span<const TrackState> tracks, DetectStats* stats = nullptr);

  const DetectorOptions& options() const { return options_; }
  // ValidateOptions(options()), kept from construction: when not OK, Detect() finds nothing.
  const Status& options_status() const { return options_status_; }

 private:
  struct Impl;
  void Prepare(std::span<const TrackState> tracks, DetectStats* stats);
  bool Evaluate(size_t ka, size_t kb, Conflict* c) const;
  bool PartiesChecked(size_t ka, size_t kb) const;
  void SortSpatially(double inv_cell);
  void Finish(std::chrono::steady_clock::time_point t0, std::vector<Conflict>* out, DetectStats* st,
              DetectStats* stats) const;

  DetectorOptions options_;
  Status options_status_;
  bool options_valid_ = false;
  std::unique_ptr<Impl> impl_;
};

}  // namespace deconflict::detect
