// Spatio-temporal prefilter for 10^5..10^6 active volumes: S2 cells x time buckets.
//
// Each volume is filed under the cells of one S2 level (the finest of 13, 10, 7, 4, 1 whose
// fixed-level covering of the volume's bounding cap has at most kMaxCellsPerVolume cells; level 13
// cells are ~1 km wide, as in the InterUSS DSS) times the time buckets of one size (the shortest of
// 1 min, 10 min, 1 h, 1 day that needs at most kMaxBucketsPerVolume of them; longer volumes go to a
// single "any time" bucket).
// A query computes, for every (level, bucket size) that holds volumes, the cells of its own padded
// cap at that level and its buckets, and returns every volume filed under one of them whose
// altitude band and time window also come within the padding. The answer is a superset of the
// volumes that can conflict (conservative); the exact test on the sphere follows in the caller.
// Hash collisions of keys only add candidates, never lose one.
//
// Not thread-safe for writes; concurrent const queries are safe.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "plan/geometry.h"

namespace deconflict::plan {

class VolumeIndex {
 public:
  static constexpr int kMaxCellsPerVolume = 16;
  static constexpr int kMaxBucketsPerVolume = 8;

  struct Query {
    S2Cap cap;              // the outline's bound; padded by pad_horizontal_m inside Find
    double pad_horizontal_m = 0;
    double t0_s = 0, t1_s = 0;
    double alt_lo_m = 0, alt_hi_m = 0;
    double pad_vertical_m = 0;
  };

  // Files a volume under `handle` (any caller-chosen 64-bit value). REQUIRES: handle not present.
  void Insert(uint64_t handle, const S2Cap& cap, double t0_s, double t1_s, double alt_lo_m, double alt_hi_m);
  // Removes a handle; false when absent.
  bool Remove(uint64_t handle);
  bool Contains(uint64_t handle) const { return slot_of_.count(handle) != 0; }

  // Appends candidate handles (each once) to `out`.
  void Find(const Query& q, std::vector<uint64_t>* out) const;

  size_t size() const { return slot_of_.size(); }

  struct Stats {
    size_t volumes = 0;
    size_t keys = 0;
    size_t postings = 0;
    size_t bytes = 0;  // approximate memory held by the index (containers, postings, slots)
  };
  Stats GetStats() const;

 private:
  // What the query filter reads for every candidate, kept apart from the rest for the cache.
  struct Hot {
    double t0 = 0, t1 = 0, lo = 0, hi = 0;
    S2Point center;     // bounding cap, for a cheap distance filter
    double radius = 0;  // radians
    bool live = false;
  };
  struct Slot {
    uint64_t handle = 0;
    std::vector<uint64_t> keys;  // where it is filed, for removal
    uint8_t level_idx = 0, rung = 0;
  };
  static constexpr int kNumLevels = 5;
  static constexpr int kNumRungs = 5;  // 1 min, 10 min, 1 h, 1 day, any time

  std::vector<Hot> hot_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<uint64_t, uint32_t> slot_of_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings_;
  size_t count_[kNumLevels][kNumRungs] = {};
};

}  // namespace deconflict::plan
