// Narrow phase (internal): a conservative, division-free pair filter over structure-of-arrays that
// the compiler vectorises, followed by the exact pair computation on survivors.
//
// The filter is exact per axis and conservative overall: it passes a pair when the horizontal
// distance (in the pair frame, see geo/local_frame.h) can fall below the horizontal reach within
// [0, T], and, separately, the vertical distance below the vertical reach within [0, T]. With the
// mid normal m' = up_a + up_b (unnormalised, k = |m'|²) and ECEF differences s, w, the horizontal
// quadratic scaled by k is f(t) = A t² + 2 B t + C with A = k|w|² - (w·m')², B = k s·w - (s·m')(w·m'),
// C = k|s|² - (s·m')² - k D² - c2 A; it is negative somewhere in [0, T] iff C < 0, or B < 0 and
// (f(T) < 0 or (-B < A T and B² > A C)) — no division, no square root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace deconflict::detect::internal {

// Per-aircraft fields, one array each (structure of arrays).
enum Field : int {
  kPx, kPy, kPz,  // ECEF foot point, m
  kUx, kUy, kUz,  // unit geodetic normal
  kVx, kVy, kVz,  // ECEF horizontal velocity, m/s
  kAlt, kVs,      // altitude m, vertical rate m/s
  kParty,         // party id (as double; exact)
  kLo0, kLo1, kLo2, kLo3,  // broad-phase cell range lower corner (x, y, z, altitude band)
  kNumFields
};

// A block of aircraft as structure of arrays: field f of aircraft j is data[f * stride + j].
struct SoaBlock {
  std::vector<double> data;
  size_t size = 0, stride = 0;
  void Resize(size_t n);  // keeps no old contents
  double* field(int f) { return data.data() + static_cast<size_t>(f) * stride; }
  const double* field(int f) const { return data.data() + static_cast<size_t>(f) * stride; }
  size_t bytes() const { return data.capacity() * sizeof(double); }
};

struct FilterParams {
  double d2 = 0;    // horizontal reach squared (inflated slightly: conservative), m²
  double c2 = 0;    // extra reach per |v_h|² (well clear: 2 TTHR²), s²
  double t = 0;     // look-ahead T, s
  double h = 0;     // vertical reach (inflated slightly), m
  double tcoa = 0;  // extra vertical reach per |vz| (well clear TCOA), s
  bool same_party = false;  // pairs of the same party pass
};

// For aircraft i (values read from `row`'s field arrays at index i) against aircraft j in [j0, j1)
// of `col`: hit[j - j0] = nonzero if the pair passes the filter (and, when `key` is non-null, the bucket
// de-duplication test max(lo_i, lo_j) == key in all four dimensions), else 0.
void FilterRow(const FilterParams& p, const SoaBlock& row, size_t i, const SoaBlock& col, size_t j0, size_t j1,
               const double* key, int64_t* hit);

}  // namespace deconflict::detect::internal
