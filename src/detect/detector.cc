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
// the pairs the broad phase has to keep; it vanishes to second order, measured < 1 m at 500 km
// (detector_test.cc checks the bound). Kept generous.
constexpr double kChordNormalMarginM = 20.0;
// Aircraft whose swept box covers more cells than this, or that travel farther than
// kMaxGridReachM within the look-ahead, skip the grid and are checked against everyone.
constexpr size_t kMaxCellsPerAircraft = 256;
constexpr double kMaxGridReachM = 150e3;
// Physical plausibility limits of an input state (beyond them the state is invalid).
constexpr double kMaxSpeedMps = 1500;        // ground speed
constexpr double kMaxVerticalRateMps = 500;  // |vs|
constexpr double kMinAltM = -2000, kMaxAltM = 100e3;

// A positive tolerance is widened by 1 µm so that altitudes coded in feet that sit exactly on the
// boundary (e.g. 900 ft apart with a 100 ft tolerance) are decided the same way whatever the
// rounding of the ft -> m conversion.
double EffectiveTolerance(double tol) { return tol > 0 ? tol + 1e-6 : 0; }

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
    if (!(m.horizontal_m > 0) || !std::isfinite(m.horizontal_m)) return bad("horizontal minimum must be > 0");
    if (!(m.vertical_m > 0) || !std::isfinite(m.vertical_m)) return bad("vertical minimum must be > 0");
    if (!(m.lookahead_s > 0) || !std::isfinite(m.lookahead_s)) return bad("look-ahead must be > 0");
    if (!(o.vertical_tolerance_m < m.vertical_m)) return bad("vertical tolerance must be < the vertical minimum");
    return {};
  };
  if (!(o.vertical_tolerance_m >= 0) || !std::isfinite(o.vertical_tolerance_m))
    return bad("vertical tolerance must be >= 0");
  if (Status s = check_minima(o.minima); !s.ok()) return s;
  for (const auto& [pair, m] : o.party_minima)
    if (Status s = check_minima(m); !s.ok()) return Status::Invalid(s.message() + " (parties " + pair.first + ", " + pair.second + ")");
  const WellClearThresholds& w = o.well_clear;
  if (!(w.dthr_m > 0) || !std::isfinite(w.dthr_m)) return bad("DTHR must be > 0");
  if (!(w.zthr_m > o.vertical_tolerance_m) || !std::isfinite(w.zthr_m)) return bad("ZTHR must be > vertical tolerance");
  if (!(w.tthr_s >= 0) || !std::isfinite(w.tthr_s)) return bad("TTHR must be >= 0");
  if (!(w.tcoa_s >= 0) || !std::isfinite(w.tcoa_s)) return bad("TCOA must be >= 0");
  if (!(w.lookahead_s > 0) || !std::isfinite(w.lookahead_s)) return bad("well-clear look-ahead must be > 0");
  return {};
}

struct Detector::Impl {
  // Valid airborne aircraft in input order ("compact" index k), as structure of arrays.
  SoaBlock all;
  std::vector<uint32_t> orig;           // compact -> input index
  std::vector<int32_t> override_party;  // compact -> index into the override matrix, -1 = none
  std::vector<int32_t> cell_lo, cell_hi;  // 4 per aircraft
  std::vector<uint32_t> big;            // aircraft checked against everyone
  std::vector<uint8_t> is_big;
  // Grid: entries (key, aircraft), hash table key -> bucket, buckets in CSR form.
  std::vector<uint64_t> entry_key;
  std::vector<uint32_t> entry_ac, entry_bucket;
  std::vector<uint64_t> table_key;
  std::vector<uint32_t> table_bucket;
  std::vector<uint64_t> bucket_key;
  std::vector<uint32_t> bucket_start, members;
  // Narrow phase scratch.
  SoaBlock scratch;
  std::vector<uint32_t> scratch_ac;
  std::vector<int64_t> hit;
  // Parties.
  std::unordered_map<std::string_view, int32_t> party_id;
  std::unordered_map<std::string, int32_t> override_index;  // party name -> override matrix index
  std::vector<SeparationMinima> override_matrix;            // q x q
  size_t q = 0;

  size_t Bytes() const {
    auto vb = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    return all.bytes() + scratch.bytes() + vb(orig) + vb(override_party) + vb(cell_lo) + vb(cell_hi) + vb(big) +
           vb(is_big) + vb(entry_key) + vb(entry_ac) + vb(entry_bucket) + vb(table_key) + vb(table_bucket) +
           vb(bucket_key) + vb(bucket_start) + vb(members) + vb(scratch_ac) + vb(hit) +
           party_id.size() * (sizeof(std::string_view) + sizeof(int32_t) + 16) +
           party_id.bucket_count() * sizeof(void*);
  }
};

Detector::Detector(DetectorOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  options_valid_ = ValidateOptions(options_).ok();
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

// Fills impl_->all with the valid airborne tracks; returns false when options are invalid.
void Detector::Prepare(std::span<const TrackState> tracks, DetectStats* st) {
  Impl& m = *impl_;
  m.party_id.clear();
  size_t n_valid = 0;
  for (const TrackState& t : tracks) {
    if (t.on_ground) {
      ++st->on_ground;
    } else if (!ValidState(t)) {
      ++st->invalid;
    } else {
      ++n_valid;
    }
  }
  m.all.Resize(n_valid);
  m.orig.resize(n_valid);
  m.override_party.resize(n_valid);
  int32_t next_party = 0;
  size_t k = 0;
  for (size_t i = 0; i < tracks.size(); ++i) {
    const TrackState& t = tracks[i];
    if (t.on_ground || !ValidState(t)) continue;
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
    if (m.q) {
      auto it = m.override_index.find(t.party);
      if (it != m.override_index.end() && !t.party.empty()) ov = it->second;
    }
    const double vals[] = {s.position_m.x, s.position_m.y, s.position_m.z, s.up.x, s.up.y, s.up.z,
                           s.velocity_mps.x, s.velocity_mps.y, s.velocity_mps.z, s.alt_m, s.vs_mps,
                           static_cast<double>(pid)};
    for (int fi = 0; fi < f::kLo0; ++fi) m.all.field(fi)[k] = vals[fi];
    for (int fi = f::kLo0; fi <= f::kLo3; ++fi) m.all.field(fi)[k] = 0;
    m.orig[k] = static_cast<uint32_t>(i);
    m.override_party[k] = ov;
    ++k;
  }
  st->aircraft = n_valid;
}

// Exact computation for compact aircraft ka < kb; true and *c filled when in conflict.
bool Detector::Evaluate(size_t ka, size_t kb, Conflict* c) const {
  const Impl& m = *impl_;
  auto surf = [&](size_t k) {
    const SoaBlock& a = m.all;
    geo::SurfaceState s;
    s.position_m = {a.field(f::kPx)[k], a.field(f::kPy)[k], a.field(f::kPz)[k]};
    s.up = {a.field(f::kUx)[k], a.field(f::kUy)[k], a.field(f::kUz)[k]};
    s.velocity_mps = {a.field(f::kVx)[k], a.field(f::kVy)[k], a.field(f::kVz)[k]};
    s.alt_m = a.field(f::kAlt)[k];
    s.vs_mps = a.field(f::kVs)[k];
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
    r = Cd3d(g, mm->horizontal_m, mm->vertical_m - EffectiveTolerance(options_.vertical_tolerance_m), mm->lookahead_s);
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

std::vector<Conflict> Detector::DetectBruteForce(std::span<const TrackState> tracks, DetectStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  DetectStats st;
  std::vector<Conflict> out;
  Prepare(tracks, &st);
  if (options_valid_) {
    const Impl& m = *impl_;
    const double* party = m.all.field(f::kParty);
    const size_t n = m.all.size;
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = a + 1; b < n; ++b) {
        if (!options_.include_same_party && party[a] == party[b]) continue;
        ++st.candidate_pairs;
        Conflict c;
        if (Evaluate(a, b, &c)) out.push_back(c);
      }
    }
  }
  st.conflicts = out.size();
  st.state_bytes = impl_->Bytes();
  st.detect_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = st;
  return out;
}

std::vector<Conflict> Detector::Detect(std::span<const TrackState> tracks, DetectStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  DetectStats st;
  std::vector<Conflict> out;
  Prepare(tracks, &st);
  Impl& m = *impl_;
  const size_t n = m.all.size;
  if (!options_valid_ || n < 2) {
    st.state_bytes = m.Bytes();
    st.detect_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (stats) *stats = st;
    return out;
  }

  // Filter parameters: the largest reach of any pair (conservative), slightly inflated so that
  // rounding never lets the filter drop a pair the exact computation keeps.
  FilterParams fp;
  fp.same_party = options_.include_same_party;
  double d_base, t_look, h_reach, tthr = 0, tcoa = 0;
  if (options_.model == Model::kCylinder) {
    d_base = options_.minima.horizontal_m;
    t_look = options_.minima.lookahead_s;
    double h = options_.minima.vertical_m;
    for (const auto& [pair, mm] : options_.party_minima) {
      d_base = std::max(d_base, mm.horizontal_m);
      t_look = std::max(t_look, mm.lookahead_s);
      h = std::max(h, mm.vertical_m);
    }
    h_reach = h - EffectiveTolerance(options_.vertical_tolerance_m);
    fp.d2 = d_base * d_base * (1 + 1e-6) + 1;
  } else {
    const WellClearThresholds& w = options_.well_clear;
    d_base = w.dthr_m;
    t_look = w.lookahead_s;
    tthr = w.tthr_s;
    tcoa = w.tcoa_s;
    h_reach = w.zthr_m - EffectiveTolerance(options_.vertical_tolerance_m);
    // Violation at t implies |s(t)| <= DTHR + TTHR |v| (from tau_mod <= TTHR), so
    // |s(t)|² <= 2 DTHR² + 2 TTHR² |v|².
    fp.d2 = 2 * d_base * d_base * (1 + 1e-6) + 1;
    fp.c2 = 2 * tthr * tthr * (1 + 1e-6);
  }
  fp.t = t_look;
  fp.h = h_reach * (1 + 1e-9) + 1e-6;
  fp.tcoa = tcoa * (1 + 1e-9);

  // Broad phase: swept boxes in ECEF (xyz) and altitude, padded so that any pair that can lose
  // separation has overlapping boxes (docs/detection.md derives the pads).
  const double* px = m.all.field(f::kPx);
  const double* py = m.all.field(f::kPy);
  const double* pz = m.all.field(f::kPz);
  const double* vx = m.all.field(f::kVx);
  const double* vy = m.all.field(f::kVy);
  const double* vz = m.all.field(f::kVz);
  const double* alt = m.all.field(f::kAlt);
  const double* vs = m.all.field(f::kVs);
  double v_max = 0, reach_sum = 0;
  for (size_t k = 0; k < n; ++k) {
    const double sp = std::sqrt(vx[k] * vx[k] + vy[k] * vy[k] + vz[k] * vz[k]);
    v_max = std::max(v_max, sp);
    reach_sum += sp * t_look;
  }
  const double d_bound = d_base + 2 * tthr * v_max;  // horizontal reach of the fastest pair
  // Cell size: about the mean distance flown in the look-ahead plus the separation, so that a box
  // covers a few cells; altitude bands a few vertical minima high.
  const double cell = std::max(1000.0, options_.grid.cell_factor * (reach_sum / n + d_base));
  const double band = std::max(30.0, options_.grid.band_factor * 2 * h_reach);
  const double inv_cell = 1 / cell, inv_band = 1 / band;

  m.cell_lo.resize(4 * n);
  m.cell_hi.resize(4 * n);
  m.is_big.assign(n, 0);
  m.big.clear();
  m.entry_key.clear();
  m.entry_ac.clear();
  double* lo_f[4] = {m.all.field(f::kLo0), m.all.field(f::kLo1), m.all.field(f::kLo2), m.all.field(f::kLo3)};
  for (size_t k = 0; k < n; ++k) {
    const double sp = std::sqrt(vx[k] * vx[k] + vy[k] * vy[k] + vz[k] * vz[k]);
    const double a = sp * t_look;
    const double curvature = 1.05 * (a * d_bound + 2 * a * a) / (2 * kMinCurvatureRadiusM);
    const double pad = d_base / 2 + tthr * sp + kChordNormalMarginM / 2 + curvature + 1;
    const double vpad = h_reach / 2 + tcoa * std::abs(vs[k]) + 1;
    const double p0[3] = {px[k], py[k], pz[k]}, v0[3] = {vx[k], vy[k], vz[k]};
    int32_t lo[4], hi[4];
    size_t cells = 1;
    for (int d = 0; d < 3; ++d) {
      const double e = p0[d] + v0[d] * t_look;
      lo[d] = static_cast<int32_t>(std::floor((std::min(p0[d], e) - pad) * inv_cell));
      hi[d] = static_cast<int32_t>(std::floor((std::max(p0[d], e) + pad) * inv_cell));
      cells *= static_cast<size_t>(hi[d] - lo[d] + 1);
    }
    const double az = alt[k] + vs[k] * t_look;
    lo[3] = static_cast<int32_t>(std::floor((std::min(alt[k], az) - vpad) * inv_band));
    hi[3] = static_cast<int32_t>(std::floor((std::max(alt[k], az) + vpad) * inv_band));
    lo[3] = std::clamp(lo[3], -30000, 30000);
    hi[3] = std::clamp(hi[3], -30000, 30000);
    cells *= static_cast<size_t>(hi[3] - lo[3] + 1);
    for (int d = 0; d < 4; ++d) {
      m.cell_lo[4 * k + d] = lo[d];
      m.cell_hi[4 * k + d] = hi[d];
      lo_f[d][k] = lo[d];
    }
    if (cells > kMaxCellsPerAircraft || a > kMaxGridReachM) {
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

  // Buckets: hash table key -> dense bucket id, then members in CSR order.
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
  {
    // Scatter in entry order; entries were generated by increasing aircraft, so each bucket's
    // members are sorted by compact index (which keeps a < b below).
    std::vector<uint32_t>& fill = m.scratch_ac;
    fill.assign(m.bucket_start.begin(), m.bucket_start.end() - 1);
    for (size_t e = 0; e < n_entries; ++e) m.members[fill[m.entry_bucket[e]]++] = m.entry_ac[e];
  }

  // Narrow phase per bucket: gather members into a contiguous block, filter each row, evaluate hits.
  Conflict c;
  for (size_t b = 0; b < n_buckets; ++b) {
    const uint32_t begin = m.bucket_start[b], end = m.bucket_start[b + 1];
    const size_t nb = end - begin;
    if (nb < 2) continue;
    m.scratch.Resize(nb);
    for (int fi = 0; fi < f::kNumFields; ++fi) {
      const double* src = m.all.field(fi);
      double* dst = m.scratch.field(fi);
      for (size_t j = 0; j < nb; ++j) dst[j] = src[m.members[begin + j]];
    }
    const uint64_t key = m.bucket_key[b];
    const double key_d[4] = {static_cast<double>(static_cast<int32_t>((key >> 48) & 0xffff) - 32768),
                             static_cast<double>(static_cast<int32_t>((key >> 32) & 0xffff) - 32768),
                             static_cast<double>(static_cast<int32_t>((key >> 16) & 0xffff) - 32768),
                             static_cast<double>(static_cast<int32_t>(key & 0xffff) - 32768)};
    if (m.hit.size() < nb) m.hit.resize(nb);
    st.candidate_pairs += nb * (nb - 1) / 2;
    for (size_t i = 0; i + 1 < nb; ++i) {
      internal::FilterRow(fp, m.scratch, i, m.scratch, i + 1, nb, key_d, m.hit.data());
      const int64_t* hit = m.hit.data();
      for (size_t j = 0; j < nb - i - 1; ++j) {
        if (!hit[j]) continue;
        ++st.filtered_pairs;
        if (Evaluate(m.members[begin + i], m.members[begin + i + 1 + j], &c)) out.push_back(c);
      }
    }
  }
  // Aircraft outside the grid: against every other aircraft (big pairs once, by index order).
  if (!m.big.empty()) {
    if (m.hit.size() < n) m.hit.resize(n);
    for (uint32_t kb : m.big) {
      internal::FilterRow(fp, m.all, kb, m.all, 0, n, nullptr, m.hit.data());
      st.candidate_pairs += n - 1;
      for (size_t j = 0; j < n; ++j) {
        if (!m.hit[j] || j == kb || (m.is_big[j] && j < kb)) continue;
        ++st.filtered_pairs;
        const size_t a = std::min<size_t>(j, kb), bb = std::max<size_t>(j, kb);
        if (Evaluate(a, bb, &c)) out.push_back(c);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Conflict& x, const Conflict& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  st.conflicts = out.size();
  st.grid_entries = n_entries;
  st.state_bytes = m.Bytes();
  st.detect_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = st;
  return out;
}

}  // namespace deconflict::detect
