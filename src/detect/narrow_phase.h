// Narrow phase (internal): a conservative, division-free pair filter over structure-of-arrays that
// the compiler vectorises; the exact pair computation (separation.h in the pair frame) runs only on
// the pairs it passes.
//
// The filter works in the tangent plane of one reference normal c per block of aircraft (a grid
// bucket): each aircraft's ECEF foot point and horizontal velocity are projected on two unit
// vectors spanning the plane ⊥ c, giving planar (e, n) coordinates. For any unit c,
// |P_c x|² <= |x|² = |P_m x|² + (m·x)², where P_m is the projection of the exact pair frame (mid
// normal m) and |m·x| <= mu (the curvature bound derived in docs/detection.md). So a pair that loses
// horizontal separation D in the pair frame has |P_c x(t)|² < D² + mu² somewhere in [0, T], which the
// filter tests exactly: with s, w the planar relative position and velocity, f(t) = |w|² t² +
// 2 s·w t + |s|² - R² is negative somewhere in [0, T] iff C < 0, or B < 0 and (f(T) < 0 or
// (-B < A T and B² > A C)) with A = |w|², B = s·w, C = |s|² - R² — no division, no square root.
// Vertically it tests min over [0, T] of |dz + dvz t| < reach, also exactly.
//
// Single precision (8 lanes with AVX2): block coordinates are relative to the block's own tangent
// plane (|e|, |n| of order 100 km, rounding ~1 cm), and the caller inflates the reaches (R² by
// 0.1 %, the vertical reach by 5 cm) far beyond the worst rounding of the products, so the filter
// stays conservative; the exact computation is in double.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace deconflict::detect::internal {

// Per-aircraft float fields of a block, one array each (structure of arrays).
enum Field : int {
  kE, kN,    // planar position in the block's tangent plane, m
  kVe, kVn,  // planar velocity, m/s
  kAlt, kVs,  // altitude m, vertical rate m/s
  kSpeed,     // ground speed m/s (well-clear reach)
  kNumFields
};

// Bits of `corner`: bit d set when the aircraft's cell range starts at the block's cell in
// dimension d (x, y, z, altitude band). A pair is examined in the block that is its lowest common
// cell iff (corner_i | corner_j) == kAllCorners.
inline constexpr int32_t kAllCorners = 0xF;

// A block of aircraft as structure of arrays: float field f of aircraft j is field(f)[j]; party
// ids and corner bits are int32 arrays.
struct SoaBlock {
  std::vector<float> data;
  std::vector<int32_t> party_data, corner_data;
  size_t size = 0, stride = 0;
  void Resize(size_t n);  // contents unspecified after a resize
  float* field(int f) { return data.data() + static_cast<size_t>(f) * stride; }
  const float* field(int f) const { return data.data() + static_cast<size_t>(f) * stride; }
  int32_t* party() { return party_data.data(); }
  const int32_t* party() const { return party_data.data(); }
  int32_t* corner() { return corner_data.data(); }
  const int32_t* corner() const { return corner_data.data(); }
  size_t bytes() const {
    return data.capacity() * sizeof(float) + (party_data.capacity() + corner_data.capacity()) * sizeof(int32_t);
  }
};

struct FilterParams {
  float r2 = 0;    // horizontal reach squared, D² + mu² (inflated: conservative), m²
  float c2 = 0;    // extra reach² per (speed_i + speed_j)² (well clear: 2 TTHR²), s²
  float t = 0;     // look-ahead T, s
  float h = 0;     // vertical reach (inflated), m
  float tcoa = 0;  // extra vertical reach per |vz| (well clear TCOA), s
  bool same_party = false;  // pairs of the same party pass
};

// Aircraft i of `b` against aircraft j in [j0, j1) of the same block: hit[j - j0] = nonzero iff the
// pair passes the filter and, when `dedup`, the lowest-common-cell test on the corner bits.
// Returns the number of hits.
size_t FilterRow(const FilterParams& p, const SoaBlock& b, size_t i, size_t j0, size_t j1, bool dedup,
                 int32_t* hit);

}  // namespace deconflict::detect::internal
