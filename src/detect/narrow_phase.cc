#include "detect/narrow_phase.h"

#include <cmath>

namespace deconflict::detect::internal {

void SoaBlock::Resize(size_t n) {
  size = n;
  stride = (n + 7) & ~size_t{7};
  if (data.size() < stride * kNumFields) data.resize(stride * kNumFields);
}

namespace {

template <bool kDedup>
__attribute__((target_clones("avx2", "default"))) void FilterKernel(
    const FilterParams& p, double pxi, double pyi, double pzi, double uxi, double uyi, double uzi, double vxi,
    double vyi, double vzi, double alti, double vsi, double partyi, double lo0i, double lo1i, double lo2i,
    double lo3i, const double* __restrict px, const double* __restrict py, const double* __restrict pz,
    const double* __restrict ux, const double* __restrict uy, const double* __restrict uz,
    const double* __restrict vx, const double* __restrict vy, const double* __restrict vz,
    const double* __restrict alt, const double* __restrict vs, const double* __restrict party,
    const double* __restrict lo0, const double* __restrict lo1, const double* __restrict lo2,
    const double* __restrict lo3, const double* key, size_t n, int64_t* __restrict hit) {
  const double d2 = p.d2, c2 = p.c2, T = p.t, h = p.h, tcoa = p.tcoa;
  const bool same = p.same_party;
  const double k0 = kDedup ? key[0] : 0, k1 = kDedup ? key[1] : 0, k2 = kDedup ? key[2] : 0,
               k3 = kDedup ? key[3] : 0;
  for (size_t j = 0; j < n; ++j) {
    const double sx = px[j] - pxi, sy = py[j] - pyi, sz = pz[j] - pzi;
    const double wx = vx[j] - vxi, wy = vy[j] - vyi, wz = vz[j] - vzi;
    const double mx = ux[j] + uxi, my = uy[j] + uyi, mz = uz[j] + uzi;
    const double k = mx * mx + my * my + mz * mz;
    const double sm = sx * mx + sy * my + sz * mz;
    const double wm = wx * mx + wy * my + wz * mz;
    const double ss = sx * sx + sy * sy + sz * sz;
    const double sw = sx * wx + sy * wy + sz * wz;
    const double ww = wx * wx + wy * wy + wz * wz;
    const double A = k * ww - wm * wm;
    const double B = k * sw - sm * wm;
    const double C = k * ss - sm * sm - k * d2 - c2 * A;
    const double fT = C + T * (2 * B + A * T);
    const bool hz = (C < 0) | ((B < 0) & ((fT < 0) | ((-B < A * T) & (B * B > A * C))));
    const double dz = alt[j] - alti, dvz = vs[j] - vsi, dzT = dz + dvz * T;
    const double hv = h + tcoa * std::fabs(dvz);
    const bool vt = (std::fabs(dz) < hv) | (std::fabs(dzT) < hv) | (dz * dzT < 0);
    const bool pt = same | (party[j] != partyi);
    bool ok = hz & vt & pt;
    if constexpr (kDedup) {
      const bool dd = (std::fmax(lo0[j], lo0i) == k0) & (std::fmax(lo1[j], lo1i) == k1) &
                      (std::fmax(lo2[j], lo2i) == k2) & (std::fmax(lo3[j], lo3i) == k3);
      ok = ok & dd;
    }
    hit[j] = ok;
  }
}

}  // namespace

void FilterRow(const FilterParams& p, const SoaBlock& row, size_t i, const SoaBlock& col, size_t j0, size_t j1,
               const double* key, int64_t* hit) {
  auto r = [&](int f) { return row.field(f)[i]; };
  auto c = [&](int f) { return col.field(f) + j0; };
  const size_t n = j1 - j0;
  if (key) {
    FilterKernel<true>(p, r(kPx), r(kPy), r(kPz), r(kUx), r(kUy), r(kUz), r(kVx), r(kVy), r(kVz), r(kAlt), r(kVs),
                       r(kParty), r(kLo0), r(kLo1), r(kLo2), r(kLo3), c(kPx), c(kPy), c(kPz), c(kUx), c(kUy),
                       c(kUz), c(kVx), c(kVy), c(kVz), c(kAlt), c(kVs), c(kParty), c(kLo0), c(kLo1), c(kLo2),
                       c(kLo3), key, n, hit);
  } else {
    FilterKernel<false>(p, r(kPx), r(kPy), r(kPz), r(kUx), r(kUy), r(kUz), r(kVx), r(kVy), r(kVz), r(kAlt),
                        r(kVs), r(kParty), 0, 0, 0, 0, c(kPx), c(kPy), c(kPz), c(kUx), c(kUy), c(kUz), c(kVx),
                        c(kVy), c(kVz), c(kAlt), c(kVs), c(kParty), c(kLo0), c(kLo1), c(kLo2), c(kLo3), nullptr,
                        n, hit);
  }
}

}  // namespace deconflict::detect::internal
