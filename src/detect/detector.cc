#include "detect/detector.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "detect/narrow_phase.h"
#include "geo/local_frame.h"

namespace deconflict::detect {

using internal::FilterParams;
using internal::SoaBlock;
namespace f = internal;

namespace {

// Smallest radius of curvature of the WGS84 ellipsoid (meridian at the equator, b²/a), m.
constexpr double kMinCurvatureRadiusM = 6335439.0;
// Bound on |m·s| (component of the chord between two surface points along their mid normal) for
// the pairs the grid has to keep (initial distance up to ~1500 km given the option limits); it
// vanishes to second order: measured 0.3 m up to 250 km, 21 m up to 1000 km, 61 m up to 2000 km
// (detector_test.cc checks the bound).
constexpr double kChordNormalMarginM = 100.0;
// Aircraft whose swept box covers more cells than this, or that travel farther than
// kMaxGridReachM within the look-ahead, skip the grid and are checked against everyone.
constexpr size_t kMaxCellsPerAircraft = 256;
constexpr double kMaxGridReachM = 300e3;
// Option limits (they keep the grid's curvature bound valid; see docs/detection.md).
constexpr double kMaxHorizontalM = 200e3;
constexpr double kMaxLookaheadS = 3600;
constexpr double kMaxTthrS = 120;
// Physical plausibility limits of an input state (beyond them the state is invalid).
constexpr double kMaxSpeedMps = 1500;        // ground speed
constexpr double kMaxVerticalRateMps = 500;  // |vs|
constexpr double kMinAltM = -2000, kMaxAltM = 100e3;

// The tolerance is widened by 1 µm so that altitudes coded in feet that sit exactly on the boundary
// (1000 ft apart with tolerance 0, 900 ft apart with 100 ft) are decided as "not less than" whatever
// the rounding of the ft -> m conversion (37000 ft - 36000 ft is 304.79999999999 m in doubles).
double EffectiveTolerance(double tol) { return tol + 1e-6; }

bool ValidState(const TrackState& t) {
  return std::isfinite(t.lat_deg) && std::isfinite(t.lon_deg) && std::isfinite(t.alt_m) && std::isfinite(t.gs_mps) &&
         std::isfinite(t.trk_deg) && std::isfinite(t.vs_mps) && t.lat_deg >= -90 && t.lat_deg <= 90 &&
         t.gs_mps >= 0 && t.gs_mps <= kMaxSpeedMps && std::abs(t.vs_mps) <= kMaxVerticalRateMps &&
         t.alt_m >= kMinAltM && t.alt_m <= kMaxAltM;
}

inline uint64_t PackKey(int32_t x, int32_t y, int32_t z, int32_t b) {
  auto u = [](int32_t v) { return static_cast<uint64_t>(static_cast<uint16_t>(v + 32768)); };
  return (u(x) << 48) | (u(y) << 32) | (u(z) << 16) | u(b);
}

inline uint64_t HashKey(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}

}  // namespace

Status ValidateOptions(const DetectorOptions& o) {
  auto bad = [](const char* what) { return Status::Invalid(std::string("detector options: ") + what); };
  auto check_minima = [&](const SeparationMinima& m) -> Status {
    if (!(m.horizontal_m > 0) || !(m.horizontal_m <= kMaxHorizontalM)) return bad("horizontal minimum must be in (0, 200 km]");
    if (!(m.vertical_m > 0) || !std::isfinite(m.vertical_m)) return bad("vertical minimum must be > 0");
    if (!(m.lookahead_s > 0) || !(m.lookahead_s <= kMaxLookaheadS)) return bad("look-ahead must be in (0, 3600 s]");
    if (!(o.vertical_tolerance_m < m.vertical_m)) return bad("vertical tolerance must be < the vertical minimum");
    return {};
  };
  if (!(o.vertical_tolerance_m >= 0) || !std::isfinite(o.vertical_tolerance_m))
    return bad("vertical tolerance must be >= 0");
  if (Status s = check_minima(o.minima); !s.ok()) return s;
  for (const auto& [pair, m] : o.party_minima)
    if (Status s = check_minima(m); !s.ok()) return Status::Invalid(s.message() + " (parties " + pair.first + ", " + pair.second + ")");
  const WellClearThresholds& w = o.well_clear;
  if (!(w.dthr_m > 0) || !(w.dthr_m <= kMaxHorizontalM)) return bad("DTHR must be in (0, 200 km]");
  if (!(w.zthr_m > o.vertical_tolerance_m) || !std::isfinite(w.zthr_m)) return bad("ZTHR must be > vertical tolerance");
  if (!(w.tthr_s >= 0) || !(w.tthr_s <= kMaxTthrS)) return bad("TTHR must be in [0, 120 s]");
  if (!(w.tcoa_s >= 0) || !std::isfinite(w.tcoa_s)) return bad("TCOA must be >= 0");
  if (!(w.lookahead_s > 0) || !(w.lookahead_s <= kMaxLookaheadS)) return bad("well-clear look-ahead must be in (0, 3600 s]");
  return {};
}

// Valid airborne aircraft in input order ("compact" index k), one array per field.
enum AircraftField : int { kPx, kPy, kPz, kUx, kUy, kUz, kVx, kVy, kVz, kAltA, kVsA, kSpeedA, kPartyA, kNumAircraftFields };

struct Detector::Impl {
  std::vector<double> ac[kNumAircraftFields];
  std::vector<int32_t> lo[4];           // broad-phase cell range lower corner per aircraft
  std::vector<uint32_t> orig;           // compact -> input index
  std::vector<int32_t> override_party;  // compact -> index into the override matrix, -1 = none
  std::vector<uint32_t> big;            // aircraft outside the grid: checked exactly against everyone
  std::vector<uint8_t> is_big;
  // Grid: entries (key, aircraft), hash table key -> bucket, buckets in CSR form.
  std::vector<uint64_t> entry_key;
  std::vector<uint32_t> entry_ac, entry_bucket;
  std::vector<uint64_t> table_key;
  std::vector<uint32_t> table_bucket;
  std::vector<uint64_t> bucket_key;
  std::vector<uint32_t> bucket_start, members, fill;
  // Spatial ordering scratch.
  std::vector<uint64_t> sort_key;
  std::vector<uint32_t> perm;
  std::vector<double> sort_buf;
  std::vector<int32_t> sort_ov;
  std::vector<uint32_t> sort_count;
  // Narrow phase scratch.
  SoaBlock block;
  std::vector<int32_t> hit;
  int32_t parties = 0;  // party ids in use
  // Parties.
  std::unordered_map<std::string_view, int32_t> party_id;
  std::unordered_map<std::string, int32_t> override_index;  // party name -> override matrix index
  std::vector<SeparationMinima> override_matrix;            // q x q
  size_t q = 0;

  size_t size() const { return orig.size(); }

  size_t Bytes() const {
    auto vb = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    size_t b = block.bytes() + vb(orig) + vb(override_party) + vb(big) + vb(is_big) + vb(entry_key) + vb(entry_ac) +
               vb(entry_bucket) + vb(table_key) + vb(table_bucket) + vb(bucket_key) + vb(bucket_start) +
               vb(members) + vb(fill) + vb(hit) + vb(sort_key) + vb(perm) + vb(sort_buf) + vb(sort_ov) + vb(sort_count) +
               party_id.size() * (sizeof(std::string_view) + sizeof(int32_t) + 2 * sizeof(void*)) +
               party_id.bucket_count() * sizeof(void*);
    for (const auto& v : ac) b += vb(v);
    for (const auto& v : lo) b += vb(v);
    return b;
  }
};

Detector::Detector(DetectorOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  options_status_ = ValidateOptions(options_);
  options_valid_ = options_status_.ok();
  // Override matrix over the parties named in party_minima.
  Impl& m = *impl_;
  for (const auto& [pair, minima] : options_.party_minima) {
    for (const std::string* name : {&pair.first, &pair.second})
      if (!m.override_index.count(*name)) m.override_index.emplace(*name, static_cast<int32_t>(m.override_index.size()));
  }
  m.q = m.override_index.size();
  m.override_matrix.assign(m.q * m.q, options_.minima);
  for (const auto& [pair, minima] : options_.party_minima) {
    const int32_t a = m.override_index.at(pair.first), b = m.override_index.at(pair.second);
    m.override_matrix[a * m.q + b] = minima;
    m.override_matrix[b * m.q + a] = minima;
  }
}
Detector::~Detector() = default;
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;

// Fills the compact aircraft arrays with the valid airborne tracks and counts the others.
void Detector::Prepare(std::span<const TrackState> tracks, DetectStats* st) {
  Impl& m = *impl_;
  m.party_id.clear();
  for (auto& v : m.ac) v.clear();
  m.orig.clear();
  m.override_party.clear();
  int32_t next_party = 0;
  for (size_t i = 0; i < tracks.size(); ++i) {
    const TrackState& t = tracks[i];
    if (t.on_ground) {
      ++st->on_ground;
      continue;
    }
    if (!ValidState(t)) {
      ++st->invalid;
      continue;
    }
    const geo::SurfaceState s = geo::ToSurfaceState(t.lat_deg, t.lon_deg, t.alt_m, t.gs_mps, t.trk_deg, t.vs_mps);
    int32_t pid;
    if (t.party.empty()) {
      pid = next_party++;  // its own party
    } else {
      auto [it, inserted] = m.party_id.emplace(std::string_view(t.party), next_party);
      if (inserted) ++next_party;
      pid = it->second;
    }
    int32_t ov = -1;
    if (m.q && !t.party.empty()) {
      auto it = m.override_index.find(t.party);
      if (it != m.override_index.end()) ov = it->second;
    }
    const double vals[kNumAircraftFields] = {
        s.position_m.x, s.position_m.y, s.position_m.z, s.up.x, s.up.y, s.up.z, s.velocity_mps.x,
        s.velocity_mps.y, s.velocity_mps.z, s.alt_m, s.vs_mps, t.gs_mps, static_cast<double>(pid)};
    for (int fi = 0; fi < kNumAircraftFields; ++fi) m.ac[fi].push_back(vals[fi]);
    m.orig.push_back(static_cast<uint32_t>(i));
    m.override_party.push_back(ov);
  }
  m.parties = next_party;
  st->aircraft = m.orig.size();
}

// Exact computation for compact aircraft ka < kb in the pair frame; true and *c filled on conflict.
bool Detector::Evaluate(size_t ka, size_t kb, Conflict* c) const {
  const Impl& m = *impl_;
  // Always in input order, so that the result does not depend on the internal order.
  if (m.orig[ka] > m.orig[kb]) std::swap(ka, kb);
  auto surf = [&](size_t k) {
    geo::SurfaceState s;
    s.position_m = {m.ac[kPx][k], m.ac[kPy][k], m.ac[kPz][k]};
    s.up = {m.ac[kUx][k], m.ac[kUy][k], m.ac[kUz][k]};
    s.velocity_mps = {m.ac[kVx][k], m.ac[kVy][k], m.ac[kVz][k]};
    s.alt_m = m.ac[kAltA][k];
    s.vs_mps = m.ac[kVsA][k];
    return s;
  };
  const geo::RelativeState rel = geo::Relative(surf(ka), surf(kb));
  const PairGeometry g{geo::Dot(rel.s_m, rel.s_m), geo::Dot(rel.s_m, rel.v_mps), geo::Dot(rel.v_mps, rel.v_mps),
                       rel.sz_m, rel.vz_mps};
  PairResult r;
  if (options_.model == Model::kCylinder) {
    const SeparationMinima* mm = &options_.minima;
    const int32_t oa = m.override_party[ka], ob = m.override_party[kb];
    if (oa >= 0 && ob >= 0) mm = &m.override_matrix[oa * m.q + ob];
    r = Cd3d(g, mm->horizontal_m, mm->vertical_m - EffectiveTolerance(options_.vertical_tolerance_m),
             mm->lookahead_s);
  } else {
    WellClearThresholds w = options_.well_clear;
    w.zthr_m -= EffectiveTolerance(options_.vertical_tolerance_m);
    r = WellClear(g, w);
  }
  if (!r.conflict) return false;
  c->a = m.orig[ka];
  c->b = m.orig[kb];
  c->t_in_s = r.t_in_s;
  c->t_out_s = r.t_out_s;
  c->t_cpa_s = r.t_cpa_s;
  c->d_cpa_m = r.d_cpa_m;
  c->dz_cpa_m = r.dz_cpa_m;
  c->los = r.los;
  c->h_dist_m = std::sqrt(g.ss);
  c->v_dist_m = std::abs(g.sz);
  return true;
}

bool Detector::PartiesChecked(size_t ka, size_t kb) const {
  return options_.include_same_party || impl_->ac[kPartyA][ka] != impl_->ac[kPartyA][kb];
}

// Reorders the compact aircraft by the grid cell of their start point (radix sort, 3 passes of 16
// bits), so that neighbours in space are neighbours in memory: the grid's hash table and the
// per-cell gathers then mostly hit the cache.
void Detector::SortSpatially(double inv_cell) {
  Impl& m = *impl_;
  const size_t n = m.size();
  std::vector<uint64_t>& key = m.sort_key;
  std::vector<uint32_t>& perm = m.perm;
  std::vector<uint32_t>& tmp = m.fill;
  key.resize(n);
  perm.resize(n);
  tmp.resize(n);
  for (size_t k = 0; k < n; ++k) {
    auto c = [&](int f) {
      return static_cast<uint64_t>(static_cast<uint16_t>(static_cast<int32_t>(std::floor(m.ac[f][k] * inv_cell)) + 32768));
    };
    key[k] = (c(kPx) << 32) | (c(kPy) << 16) | c(kPz);
    perm[k] = static_cast<uint32_t>(k);
  }
  std::vector<uint32_t>& count = m.sort_count;
  count.resize(65537);
  for (int pass = 0; pass < 3; ++pass) {
    const int shift = 16 * pass;
    std::fill(count.begin(), count.end(), 0);
    for (size_t k = 0; k < n; ++k) ++count[((key[perm[k]] >> shift) & 0xffff) + 1];
    for (size_t d = 0; d < 65536; ++d) count[d + 1] += count[d];
    for (size_t k = 0; k < n; ++k) tmp[count[(key[perm[k]] >> shift) & 0xffff]++] = perm[k];
    perm.swap(tmp);
  }
  std::vector<double>& buf = m.sort_buf;
  buf.resize(n);
  for (auto& field : m.ac) {
    for (size_t k = 0; k < n; ++k) buf[k] = field[perm[k]];
    field.swap(buf);
  }
  std::vector<uint32_t>& orig = tmp;
  std::vector<int32_t>& ov = m.sort_ov;
  ov.resize(n);
  for (size_t k = 0; k < n; ++k) {
    orig[k] = m.orig[perm[k]];
    ov[k] = m.override_party[perm[k]];
  }
  m.orig.swap(orig);
  m.override_party.swap(ov);
}

std::vector<Conflict> Detector::DetectBruteForce(std::span<const TrackState> tracks, DetectStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  DetectStats st;
  std::vector<Conflict> out;
  Prepare(tracks, &st);
  if (options_valid_) {
    const size_t n = impl_->size();
    Conflict c;
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = a + 1; b < n; ++b) {
        if (!PartiesChecked(a, b)) continue;
        ++st.candidate_pairs;
        if (Evaluate(a, b, &c)) out.push_back(c);
      }
    }
  }
  Finish(t0, &out, &st, stats);
  return out;
}

void Detector::Finish(std::chrono::steady_clock::time_point t0, std::vector<Conflict>* out, DetectStats* st,
                      DetectStats* stats) const {
  std::sort(out->begin(), out->end(),
            [](const Conflict& x, const Conflict& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  st->conflicts = out->size();
  st->state_bytes = impl_->Bytes();
  st->detect_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = *st;
}

std::vector<Conflict> Detector::Detect(std::span<const TrackState> tracks, DetectStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  DetectStats st;
  std::vector<Conflict> out;
  Prepare(tracks, &st);
  Impl& m = *impl_;
  const size_t n = m.size();
  if (!options_valid_ || n < 2) {
    Finish(t0, &out, &st, stats);
    return out;
  }

  // Reach of the models: the largest over all pairs of parties (conservative).
  double d_base, t_look, h_reach, tthr = 0, tcoa = 0;
  const double tol = EffectiveTolerance(options_.vertical_tolerance_m);
  if (options_.model == Model::kCylinder) {
    d_base = options_.minima.horizontal_m;
    t_look = options_.minima.lookahead_s;
    double h = options_.minima.vertical_m;
    for (const auto& [pair, mm] : options_.party_minima) {
      d_base = std::max(d_base, mm.horizontal_m);
      t_look = std::max(t_look, mm.lookahead_s);
      h = std::max(h, mm.vertical_m);
    }
    h_reach = h - tol;
  } else {
    const WellClearThresholds& w = options_.well_clear;
    d_base = w.dthr_m;
    t_look = w.lookahead_s;
    tthr = w.tthr_s;
    tcoa = w.tcoa_s;
    h_reach = w.zthr_m - tol;
  }

  // Aircraft that travel too far for the grid's curvature bound are checked exactly against all.
  const std::vector<double>& speed = m.ac[kSpeedA];
  m.is_big.assign(n, 0);
  m.big.clear();
  double v_max = 0, reach_sum = 0;
  for (size_t k = 0; k < n; ++k) {
    if (speed[k] * t_look > kMaxGridReachM) {
      m.is_big[k] = 1;
      continue;
    }
    v_max = std::max(v_max, speed[k]);
    reach_sum += speed[k] * t_look;
  }
  // Bound mu on |m·x(t)|, the part of the 3-D relative position along the pair's mid normal, for
  // any pair that can lose separation (docs/detection.md): with a the largest distance flown,
  // S = d_bound + 2a the largest initial distance of such a pair, and R the smallest radius of
  // curvature, |m·x| <= |m·s| + T|m·w| <= c + a S / R, self-consistently divided by (1 - a/R).
  const double a_max = v_max * t_look;
  const double d_bound = d_base + 2 * tthr * v_max;
  const double s_max = d_bound + 2 * a_max;
  const double mu = 1.05 * (kChordNormalMarginM + a_max * s_max / kMinCurvatureRadiusM) /
                    (1 - a_max / kMinCurvatureRadiusM);

  // Filter parameters in single precision, inflated far beyond rounding (see narrow_phase.h).
  FilterParams fp;
  fp.same_party = options_.include_same_party;
  fp.t = static_cast<float>(t_look);
  fp.h = static_cast<float>(h_reach * (1 + 1e-6) + 0.05);
  fp.tcoa = static_cast<float>(tcoa * (1 + 1e-6));
  if (options_.model == Model::kCylinder) {
    fp.r2 = static_cast<float>((d_base * d_base + mu * mu) * 1.001 + 1);
  } else {
    // Violation at t implies |s(t)| <= DTHR + TTHR |v| (from tau_mod <= TTHR and hmd <= DTHR), and
    // |v| <= speed_a + speed_b, so |s(t)|² <= 2 DTHR² + 2 TTHR² (speed_a + speed_b)².
    fp.r2 = static_cast<float>((2 * d_base * d_base + mu * mu) * 1.001 + 1);
    fp.c2 = static_cast<float>(2 * tthr * tthr * 1.001);
  }

  // Broad phase: swept boxes in ECEF (xyz) and altitude, padded so that any pair that can lose
  // separation has overlapping boxes: |x(t)| <= |P_m x(t)| + |m·x(t)| < D + TTHR (v_a + v_b) + mu.
  const double cell = std::max(1000.0, options_.grid.cell_factor * (reach_sum / n + d_base));
  const double band = std::max(30.0, options_.grid.band_factor * 2 * h_reach);
  const double inv_cell = 1 / cell, inv_band = 1 / band;
  SortSpatially(inv_cell);
  for (size_t k = 0; k < n; ++k) m.is_big[k] = speed[k] * t_look > kMaxGridReachM;  // in the new order
  m.entry_key.clear();
  m.entry_ac.clear();
  for (auto& v : m.lo) v.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const double pad = d_base / 2 + tthr * speed[k] + mu / 2 + 1;
    const double vpad = h_reach / 2 + tcoa * std::abs(m.ac[kVsA][k]) + 1;
    int32_t lo[4], hi[4];
    size_t cells = 1;
    for (int d = 0; d < 3; ++d) {
      const double p0 = m.ac[kPx + d][k], e = p0 + m.ac[kVx + d][k] * t_look;
      lo[d] = static_cast<int32_t>(std::floor((std::min(p0, e) - pad) * inv_cell));
      hi[d] = static_cast<int32_t>(std::floor((std::max(p0, e) + pad) * inv_cell));
      cells *= static_cast<size_t>(hi[d] - lo[d] + 1);
    }
    const double a0 = m.ac[kAltA][k], a1 = a0 + m.ac[kVsA][k] * t_look;
    lo[3] = std::clamp(static_cast<int32_t>(std::floor((std::min(a0, a1) - vpad) * inv_band)), -30000, 30000);
    hi[3] = std::clamp(static_cast<int32_t>(std::floor((std::max(a0, a1) + vpad) * inv_band)), -30000, 30000);
    cells *= static_cast<size_t>(hi[3] - lo[3] + 1);
    for (int d = 0; d < 4; ++d) m.lo[d][k] = lo[d];
    if (m.is_big[k] || cells > kMaxCellsPerAircraft) {
      m.is_big[k] = 1;
      m.big.push_back(static_cast<uint32_t>(k));
      continue;
    }
    for (int32_t x = lo[0]; x <= hi[0]; ++x)
      for (int32_t y = lo[1]; y <= hi[1]; ++y)
        for (int32_t z = lo[2]; z <= hi[2]; ++z)
          for (int32_t b = lo[3]; b <= hi[3]; ++b) {
            m.entry_key.push_back(PackKey(x, y, z, b));
            m.entry_ac.push_back(static_cast<uint32_t>(k));
          }
  }

  // Buckets: hash table key -> dense bucket id, then members in CSR order. Entries were generated
  // by increasing aircraft, so each bucket lists its members by increasing compact index.
  const size_t n_entries = m.entry_key.size();
  size_t cap = 16;
  while (cap < 2 * n_entries) cap <<= 1;
  constexpr uint64_t kEmpty = ~uint64_t{0};
  m.table_key.assign(cap, kEmpty);
  m.table_bucket.resize(cap);
  m.bucket_key.clear();
  m.entry_bucket.resize(n_entries);
  const uint64_t mask = cap - 1;
  for (size_t e = 0; e < n_entries; ++e) {
    const uint64_t key = m.entry_key[e];
    uint64_t h = HashKey(key) & mask;
    while (m.table_key[h] != kEmpty && m.table_key[h] != key) h = (h + 1) & mask;
    if (m.table_key[h] == kEmpty) {
      m.table_key[h] = key;
      m.table_bucket[h] = static_cast<uint32_t>(m.bucket_key.size());
      m.bucket_key.push_back(key);
    }
    m.entry_bucket[e] = m.table_bucket[h];
  }
  const size_t n_buckets = m.bucket_key.size();
  m.bucket_start.assign(n_buckets + 1, 0);
  for (size_t e = 0; e < n_entries; ++e) ++m.bucket_start[m.entry_bucket[e] + 1];
  for (size_t b = 0; b < n_buckets; ++b) m.bucket_start[b + 1] += m.bucket_start[b];
  m.members.resize(n_entries);
  m.fill.assign(m.bucket_start.begin(), m.bucket_start.end() - 1);
  for (size_t e = 0; e < n_entries; ++e) m.members[m.fill[m.entry_bucket[e]]++] = m.entry_ac[e];

  // Narrow phase per bucket: project the members onto the tangent plane of the first member's
  // normal, filter each row (vectorised), compute the survivors exactly in their pair frame.
  Conflict c;
  for (size_t b = 0; b < n_buckets; ++b) {
    const uint32_t begin = m.bucket_start[b], end = m.bucket_start[b + 1];
    const size_t nb = end - begin;
    if (nb < 2) continue;
    const uint32_t* mem = &m.members[begin];
    const geo::Vec3 up{m.ac[kUx][mem[0]], m.ac[kUy][mem[0]], m.ac[kUz][mem[0]]};
    geo::Vec3 east = geo::Cross(geo::Vec3{0, 0, 1}, up);
    if (geo::Norm(east) < 0.1) east = geo::Cross(geo::Vec3{0, 1, 0}, up);
    east = (1 / geo::Norm(east)) * east;
    const geo::Vec3 north = geo::Cross(up, east);
    SoaBlock& blk = m.block;
    blk.Resize(nb);
    float* fe = blk.field(internal::kE);
    float* fn = blk.field(internal::kN);
    float* fve = blk.field(internal::kVe);
    float* fvn = blk.field(internal::kVn);
    for (size_t j = 0; j < nb; ++j) {
      const size_t k = mem[j];
      const geo::Vec3 p{m.ac[kPx][k], m.ac[kPy][k], m.ac[kPz][k]}, v{m.ac[kVx][k], m.ac[kVy][k], m.ac[kVz][k]};
      fe[j] = static_cast<float>(geo::Dot(east, p));
      fn[j] = static_cast<float>(geo::Dot(north, p));
      fve[j] = static_cast<float>(geo::Dot(east, v));
      fvn[j] = static_cast<float>(geo::Dot(north, v));
    }
    const std::pair<int, int> copies[] = {
        {internal::kAlt, kAltA}, {internal::kVs, kVsA}, {internal::kSpeed, kSpeedA}};
    for (auto [dst, src] : copies) {
      float* d = blk.field(dst);
      const double* s = m.ac[src].data();
      for (size_t j = 0; j < nb; ++j) d[j] = static_cast<float>(s[mem[j]]);
    }
    // Corner bits: where each member's cell range starts at this bucket's cell.
    const uint64_t key = m.bucket_key[b];
    const int32_t key_c[4] = {static_cast<int32_t>((key >> 48) & 0xffff) - 32768,
                              static_cast<int32_t>((key >> 32) & 0xffff) - 32768,
                              static_cast<int32_t>((key >> 16) & 0xffff) - 32768,
                              static_cast<int32_t>(key & 0xffff) - 32768};
    int32_t* party = blk.party();
    int32_t* corner = blk.corner();
    for (size_t j = 0; j < nb; ++j) {
      const size_t k = mem[j];
      party[j] = static_cast<int32_t>(m.ac[kPartyA][k]);
      corner[j] = (m.lo[0][k] == key_c[0]) | (m.lo[1][k] == key_c[1]) << 1 | (m.lo[2][k] == key_c[2]) << 2 |
                  (m.lo[3][k] == key_c[3]) << 3;
    }
    if (m.hit.size() < nb) m.hit.resize(nb);
    st.candidate_pairs += nb * (nb - 1) / 2;
    for (size_t i = 0; i + 1 < nb; ++i) {
      if (internal::FilterRow(fp, blk, i, i + 1, nb, /*dedup=*/true, m.hit.data()) == 0) continue;
      const int32_t* hit = m.hit.data();
      for (size_t j = 0; j < nb - i - 1; ++j) {
        if (!hit[j] || !PartiesChecked(mem[i], mem[i + 1 + j])) continue;
        ++st.filtered_pairs;
        if (Evaluate(mem[i], mem[i + 1 + j], &c)) out.push_back(c);
      }
    }
  }
  // Aircraft outside the grid: exactly against every other aircraft (pairs of two such once).
  for (uint32_t kb : m.big) {
    for (size_t j = 0; j < n; ++j) {
      if (j == kb || (m.is_big[j] && j < kb) || !PartiesChecked(j, kb)) continue;
      ++st.candidate_pairs;
      ++st.filtered_pairs;
      if (Evaluate(std::min<size_t>(j, kb), std::max<size_t>(j, kb), &c)) out.push_back(c);
    }
  }
  st.grid_entries = n_entries;
  Finish(t0, &out, &st, stats);
  return out;
}

}  // namespace deconflict::detect
