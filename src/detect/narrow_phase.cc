#include "detect/narrow_phase.h"

#include <cmath>

namespace deconflict::detect::internal {

void SoaBlock::Resize(size_t n) {
  size = n;
  stride = (n + 15) & ~size_t{15};
  if (data.size() < stride * kNumFields) data.resize(stride * kNumFields);
}

namespace {

struct Row {
  float e, n, ve, vn, alt, vs, speed, party, lo0, lo1, lo2, lo3;
};

template <bool kDedup>
__attribute__((target_clones("avx2", "default"))) int32_t FilterKernel(
    const FilterParams& p, const Row& r, const float* __restrict e, const float* __restrict nn,
    const float* __restrict ve, const float* __restrict vn, const float* __restrict alt,
    const float* __restrict vs, const float* __restrict speed, const float* __restrict party,
    const float* __restrict lo0, const float* __restrict lo1, const float* __restrict lo2,
    const float* __restrict lo3, const float* key, size_t n, int32_t* __restrict hit) {
  const float r2 = p.r2, c2 = p.c2, T = p.t, h = p.h, tcoa = p.tcoa;
  const bool same = p.same_party;
  const float k0 = kDedup ? key[0] : 0, k1 = kDedup ? key[1] : 0, k2 = kDedup ? key[2] : 0,
               k3 = kDedup ? key[3] : 0;
  const float ei = r.e, ni = r.n, vei = r.ve, vni = r.vn, alti = r.alt, vsi = r.vs, spi = r.speed,
               partyi = r.party, lo0i = r.lo0, lo1i = r.lo1, lo2i = r.lo2, lo3i = r.lo3;
  int32_t count = 0;
  for (size_t j = 0; j < n; ++j) {
    const float sx = e[j] - ei, sy = nn[j] - ni, wx = ve[j] - vei, wy = vn[j] - vni;
    const float A = wx * wx + wy * wy;
    const float B = sx * wx + sy * wy;
    const float sp = speed[j] + spi;
    const float C = sx * sx + sy * sy - r2 - c2 * sp * sp;
    const float fT = C + T * (2 * B + A * T);
    const bool hz = (C < 0) | ((B < 0) & ((fT < 0) | ((-B < A * T) & (B * B > A * C))));
    const float dz = alt[j] - alti, dvz = vs[j] - vsi, dzT = dz + dvz * T;
    const float hv = h + tcoa * std::fabs(dvz);
    const bool vt = (std::fabs(dz) < hv) | (std::fabs(dzT) < hv) | (dz * dzT < 0);
    const bool pt = same | (party[j] != partyi);
    bool ok = hz & vt & pt;
    if constexpr (kDedup) {
      // max(lo_i, lo_j) == key, with plain compares (fmax does not vectorise without fast-math).
      const float m0 = lo0[j] > lo0i ? lo0[j] : lo0i, m1 = lo1[j] > lo1i ? lo1[j] : lo1i;
      const float m2 = lo2[j] > lo2i ? lo2[j] : lo2i, m3 = lo3[j] > lo3i ? lo3[j] : lo3i;
      ok = ok & (m0 == k0) & (m1 == k1) & (m2 == k2) & (m3 == k3);
    }
    hit[j] = ok;
    count += ok;
  }
  return count;
}

}  // namespace

size_t FilterRow(const FilterParams& p, const SoaBlock& b, size_t i, size_t j0, size_t j1, const float* key,
                 int32_t* hit) {
  auto at = [&](int f) { return b.field(f)[i]; };
  const Row r{at(kE), at(kN), at(kVe), at(kVn), at(kAlt), at(kVs), at(kSpeed), at(kParty),
              at(kLo0), at(kLo1), at(kLo2), at(kLo3)};
  auto c = [&](int f) { return b.field(f) + j0; };
  const size_t n = j1 - j0;
  if (key)
    return FilterKernel<true>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), c(kParty), c(kLo0),
                       c(kLo1), c(kLo2), c(kLo3), key, n, hit);
  return FilterKernel<false>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), c(kParty), c(kLo0),
                        c(kLo1), c(kLo2), c(kLo3), nullptr, n, hit);
}

}  // namespace deconflict::detect::internal
