#include "detect/narrow_phase.h"

#include <cmath>

namespace deconflict::detect::internal {

void SoaBlock::Resize(size_t n) {
  size = n;
  stride = (n + 7) & ~size_t{7};
  if (data.size() < stride * kNumFields) data.resize(stride * kNumFields);
}

namespace {

struct Row {
  double e, n, ve, vn, alt, vs, speed, party, lo0, lo1, lo2, lo3;
};

template <bool kDedup>
__attribute__((target_clones("avx2", "default"))) void FilterKernel(
    const FilterParams& p, const Row& r, const double* __restrict e, const double* __restrict nn,
    const double* __restrict ve, const double* __restrict vn, const double* __restrict alt,
    const double* __restrict vs, const double* __restrict speed, const double* __restrict party,
    const double* __restrict lo0, const double* __restrict lo1, const double* __restrict lo2,
    const double* __restrict lo3, const double* key, size_t n, int64_t* __restrict hit) {
  const double r2 = p.r2, c2 = p.c2, T = p.t, h = p.h, tcoa = p.tcoa;
  const bool same = p.same_party;
  const double k0 = kDedup ? key[0] : 0, k1 = kDedup ? key[1] : 0, k2 = kDedup ? key[2] : 0,
               k3 = kDedup ? key[3] : 0;
  const double ei = r.e, ni = r.n, vei = r.ve, vni = r.vn, alti = r.alt, vsi = r.vs, spi = r.speed,
               partyi = r.party, lo0i = r.lo0, lo1i = r.lo1, lo2i = r.lo2, lo3i = r.lo3;
  for (size_t j = 0; j < n; ++j) {
    const double sx = e[j] - ei, sy = nn[j] - ni, wx = ve[j] - vei, wy = vn[j] - vni;
    const double A = wx * wx + wy * wy;
    const double B = sx * wx + sy * wy;
    const double sp = speed[j] + spi;
    const double C = sx * sx + sy * sy - r2 - c2 * sp * sp;
    const double fT = C + T * (2 * B + A * T);
    const bool hz = (C < 0) | ((B < 0) & ((fT < 0) | ((-B < A * T) & (B * B > A * C))));
    const double dz = alt[j] - alti, dvz = vs[j] - vsi, dzT = dz + dvz * T;
    const double hv = h + tcoa * std::fabs(dvz);
    const bool vt = (std::fabs(dz) < hv) | (std::fabs(dzT) < hv) | (dz * dzT < 0);
    const bool pt = same | (party[j] != partyi);
    bool ok = hz & vt & pt;
    if constexpr (kDedup) {
      // max(lo_i, lo_j) == key, with plain compares (fmax does not vectorise without fast-math).
      const double m0 = lo0[j] > lo0i ? lo0[j] : lo0i, m1 = lo1[j] > lo1i ? lo1[j] : lo1i;
      const double m2 = lo2[j] > lo2i ? lo2[j] : lo2i, m3 = lo3[j] > lo3i ? lo3[j] : lo3i;
      ok = ok & (m0 == k0) & (m1 == k1) & (m2 == k2) & (m3 == k3);
    }
    hit[j] = ok;
  }
}

}  // namespace

void FilterRow(const FilterParams& p, const SoaBlock& b, size_t i, size_t j0, size_t j1, const double* key,
               int64_t* hit) {
  auto at = [&](int f) { return b.field(f)[i]; };
  const Row r{at(kE), at(kN), at(kVe), at(kVn), at(kAlt), at(kVs), at(kSpeed), at(kParty),
              at(kLo0), at(kLo1), at(kLo2), at(kLo3)};
  auto c = [&](int f) { return b.field(f) + j0; };
  const size_t n = j1 - j0;
  if (key) {
    FilterKernel<true>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), c(kParty), c(kLo0),
                       c(kLo1), c(kLo2), c(kLo3), key, n, hit);
  } else {
    FilterKernel<false>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), c(kParty), c(kLo0),
                        c(kLo1), c(kLo2), c(kLo3), nullptr, n, hit);
  }
}

}  // namespace deconflict::detect::internal
