#include "detect/narrow_phase.h"

#include <cmath>

namespace deconflict::detect::internal {

void SoaBlock::Resize(size_t n) {
  size = n;
  stride = (n + 15) & ~size_t{15};
  if (data.size() < stride * kNumFields) data.resize(stride * kNumFields);
  if (party_data.size() < stride) {
    party_data.resize(stride);
    corner_data.resize(stride);
  }
}

namespace {

struct Row {
  float e, n, ve, vn, alt, vs, speed;
  int32_t party, need;  // need: corner bits the other aircraft must have
};

// g++ compiles an AVX2 and a default clone, chosen at load time. clang (the fuzzing tree only) does not
// support target_clones on templates: one default version there.
#if defined(__clang__)
#define DC_FILTER_CLONES
#else
#define DC_FILTER_CLONES __attribute__((target_clones("avx2", "default")))
#endif

template <bool kDedup>
DC_FILTER_CLONES int32_t FilterKernel(
    const FilterParams& p, const Row& r, const float* __restrict e, const float* __restrict nn,
    const float* __restrict ve, const float* __restrict vn, const float* __restrict alt,
    const float* __restrict vs, const float* __restrict speed, const int32_t* __restrict party,
    const int32_t* __restrict corner, size_t n, int32_t* __restrict hit) {
  const float r2 = p.r2, c2 = p.c2, T = p.t, h = p.h, tcoa = p.tcoa;
  const bool same = p.same_party;
  const float ei = r.e, ni = r.n, vei = r.ve, vni = r.vn, alti = r.alt, vsi = r.vs, spi = r.speed;
  const int32_t partyi = r.party, need = r.need;
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
    if constexpr (kDedup) ok = ok & ((corner[j] & need) == need);
    hit[j] = ok;
    count += ok;
  }
  return count;
}

}  // namespace

size_t FilterRow(const FilterParams& p, const SoaBlock& b, size_t i, size_t j0, size_t j1, bool dedup,
                 int32_t* hit) {
  auto at = [&](int f) { return b.field(f)[i]; };
  const Row r{at(kE), at(kN), at(kVe), at(kVn), at(kAlt), at(kVs), at(kSpeed), b.party()[i],
              kAllCorners & ~b.corner()[i]};
  auto c = [&](int f) { return b.field(f) + j0; };
  const size_t n = j1 - j0;
  if (dedup)
    return FilterKernel<true>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), b.party() + j0,
                              b.corner() + j0, n, hit);
  return FilterKernel<false>(p, r, c(kE), c(kN), c(kVe), c(kVn), c(kAlt), c(kVs), c(kSpeed), b.party() + j0,
                             b.corner() + j0, n, hit);
}

}  // namespace deconflict::detect::internal
