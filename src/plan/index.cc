#include "plan/index.h"

#include <s2/s2cell_id.h>
#include <s2/s2metrics.h>
#include <s2/s2region_coverer.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace deconflict::plan {
namespace {

constexpr int kLevels[] = {13, 10, 7, 4, 1};
constexpr double kRungSeconds[] = {60.0, 600.0, 3600.0, 86400.0, 0.0};  // 0: a single "any time" bucket
constexpr size_t kMaxKeysPerQueryRung = 8192;                // beyond this, scan instead
// Measured with bench/plan_bench (BM_PredictZoneEntriesTheatre): a covering cell (S2RegionCoverer
// flood fill + hash lookups) costs about as much as the cheap filters on 30-40 slots.
constexpr double kSlotsPerCoveringCell = 32;

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser (Steele, Lea, Flood 2014)
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t Key(uint64_t cell, int rung, int64_t bucket) {
  return Mix(cell ^ Mix((static_cast<uint64_t>(rung) << 56) ^ static_cast<uint64_t>(bucket)));
}

void Buckets(int rung, double t0, double t1, int64_t* b0, int64_t* b1) {
  if (kRungSeconds[rung] == 0) {
    *b0 = *b1 = 0;
    return;
  }
  *b0 = static_cast<int64_t>(std::floor(t0 / kRungSeconds[rung]));
  *b1 = static_cast<int64_t>(std::floor(t1 / kRungSeconds[rung]));
}

double EstimatedCells(const S2Cap& cap, int level) {
  return cap.GetArea() / S2::kAvgArea.GetValue(level);
}

// The centre-distance test on bounding caps, conservative by a tiny margin.
bool CapsWithin(const S2Point& a, double ra, const S2Point& b, double rb, double pad) {
  double reach = ra + rb + pad + 1e-12;
  if (reach >= M_PI) return true;
  return a.DotProd(b) >= std::cos(reach);
}

}  // namespace

VolumeIndex::VolumeIndex() {
  for (int li = 0; li < kNumLevels; ++li) {
    for (int r = 0; r < kNumRungs; ++r) {
      span_lo_[li][r] = std::numeric_limits<double>::infinity();
      span_hi_[li][r] = -std::numeric_limits<double>::infinity();
    }
  }
}

void VolumeIndex::Insert(uint64_t handle, const S2Cap& cap, double t0_s, double t1_s, double alt_lo_m,
                         double alt_hi_m) {
  std::vector<S2CellId> cells;
  int level_idx = kNumLevels - 1;
  for (int li = 0; li < kNumLevels; ++li) {
    const bool last = li == kNumLevels - 1;
    if (!last && EstimatedCells(cap, kLevels[li]) > 4.0 * kMaxCellsPerVolume) continue;
    cells.clear();
    S2RegionCoverer::GetSimpleCovering(cap, cap.center(), kLevels[li], &cells);
    if (last || static_cast<int>(cells.size()) <= kMaxCellsPerVolume) {
      level_idx = li;
      break;
    }
  }
  int rung = kNumRungs - 1;
  int64_t b0 = 0, b1 = 0;
  for (int r = 0; r < kNumRungs; ++r) {
    Buckets(r, t0_s, t1_s, &b0, &b1);
    if (b1 - b0 + 1 <= kMaxBucketsPerVolume) {
      rung = r;
      break;
    }
  }
  uint32_t slot_id;
  if (!free_slots_.empty()) {
    slot_id = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot_id = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    hot_.emplace_back();
  }
  Hot& h = hot_[slot_id];
  h.t0 = t0_s;
  h.t1 = t1_s;
  h.lo = alt_lo_m;
  h.hi = alt_hi_m;
  h.center = cap.center();
  h.radius = cap.GetRadius().radians();
  h.live = true;
  Slot& s = slots_[slot_id];
  s.handle = handle;
  s.level_idx = static_cast<uint8_t>(level_idx);
  s.rung = static_cast<uint8_t>(rung);
  s.keys.clear();
  for (S2CellId c : cells) {
    for (int64_t b = b0; b <= b1; ++b) {
      uint64_t k = Key(c.id(), rung, b);
      s.keys.push_back(k);
    }
  }
  std::sort(s.keys.begin(), s.keys.end());
  s.keys.erase(std::unique(s.keys.begin(), s.keys.end()), s.keys.end());
  s.keys.shrink_to_fit();
  for (uint64_t k : s.keys) postings_[k].push_back({t0_s, t1_s, slot_id});
  slot_of_[handle] = slot_id;
  ++count_[level_idx][rung];
  span_lo_[level_idx][rung] = std::min(span_lo_[level_idx][rung], t0_s);
  span_hi_[level_idx][rung] = std::max(span_hi_[level_idx][rung], t1_s);
}

bool VolumeIndex::Remove(uint64_t handle) {
  auto it = slot_of_.find(handle);
  if (it == slot_of_.end()) return false;
  const uint32_t slot_id = it->second;
  Slot& s = slots_[slot_id];
  for (uint64_t k : s.keys) {
    auto p = postings_.find(k);
    if (p == postings_.end()) continue;
    auto& list = p->second;
    auto pos = std::find_if(list.begin(), list.end(), [slot_id](const Posting& x) { return x.slot == slot_id; });
    if (pos != list.end()) {
      *pos = list.back();
      list.pop_back();
    }
    if (list.empty()) postings_.erase(p);
  }
  --count_[s.level_idx][s.rung];
  s.keys.clear();
  s.keys.shrink_to_fit();
  hot_[slot_id].live = false;
  free_slots_.push_back(slot_id);
  slot_of_.erase(it);
  return true;
}

void VolumeIndex::Find(const Query& q, std::vector<uint64_t>* out) const {
  const double pad_rad = ConservativeAngle(q.pad_horizontal_m).ToAngle().radians();
  const S2Cap padded = pad_rad > 0 ? q.cap.Expanded(S1Angle::Radians(pad_rad)) : q.cap;
  const S2Point qc = q.cap.center();
  const double qr = q.cap.GetRadius().radians();
  std::vector<uint32_t> found;
  // Time is checked on the posting; the rest of the cheap filters read the slot's hot data.
  auto consider = [&](uint32_t slot_id) {
    const Hot& s = hot_[slot_id];
    if (!s.live) return;
    if (s.hi + q.pad_vertical_m < q.alt_lo_m || s.lo - q.pad_vertical_m > q.alt_hi_m) return;
    if (!CapsWithin(s.center, s.radius, qc, qr, pad_rad)) return;
    found.push_back(slot_id);
  };
  // A covering costs about as much per cell as filtering kSlotsPerCoveringCell slots: when the index
  // holds fewer volumes than the query's coverings would cost, scanning them all is cheaper.
  auto level_used = [this](int li) {
    for (int r = 0; r < kNumRungs; ++r)
      if (count_[li][r] > 0) return true;
    return false;
  };
  double covering_cost = 0;
  for (int li = 0; li < kNumLevels; ++li)
    if (level_used(li)) covering_cost += kSlotsPerCoveringCell * std::max(1.0, EstimatedCells(padded, kLevels[li]));
  bool scanned = covering_cost > static_cast<double>(slot_of_.size());
  std::vector<S2CellId> cells;
  for (int li = 0; li < kNumLevels && !scanned; ++li) {
    if (!level_used(li)) continue;
    const double estimate = EstimatedCells(padded, kLevels[li]);
    if (estimate > kMaxKeysPerQueryRung) {
      scanned = true;
      break;
    }
    cells.clear();
    S2RegionCoverer::GetSimpleCovering(padded, padded.center(), kLevels[li], &cells);
    for (int r = 0; r < kNumRungs && !scanned; ++r) {
      if (count_[li][r] == 0) continue;
      const double t0 = std::max(q.t0_s, span_lo_[li][r]), t1 = std::min(q.t1_s, span_hi_[li][r]);
      if (t0 > t1) continue;  // nothing filed here at that time
      int64_t b0, b1;
      Buckets(r, t0, t1, &b0, &b1);
      if (static_cast<double>(b1 - b0 + 1) * static_cast<double>(cells.size()) > kMaxKeysPerQueryRung) {
        scanned = true;
        break;
      }
      for (S2CellId c : cells) {
        for (int64_t b = b0; b <= b1; ++b) {
          auto p = postings_.find(Key(c.id(), r, b));
          if (p == postings_.end()) continue;
          for (const Posting& x : p->second) {
            if (x.t1 < q.t0_s || x.t0 > q.t1_s) continue;
            // A volume filed under several buckets that the query also spans is taken at the first
            // shared bucket only.
            if (kRungSeconds[r] > 0 &&
                b != std::max(b0, static_cast<int64_t>(std::floor(x.t0 / kRungSeconds[r]))))
              continue;
            consider(x.slot);
          }
        }
      }
    }
  }
  if (scanned) {  // a query too large for cell lookups: every live slot passes the cheap filters
    found.clear();
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (hot_[i].t1 < q.t0_s || hot_[i].t0 > q.t1_s) continue;
      consider(i);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  for (uint32_t slot_id : found) out->push_back(slots_[slot_id].handle);
}

VolumeIndex::Stats VolumeIndex::GetStats() const {
  Stats st;
  st.volumes = slot_of_.size();
  st.keys = postings_.size();
  size_t bytes = sizeof(*this);
  bytes += slots_.capacity() * sizeof(Slot) + hot_.capacity() * sizeof(Hot) + free_slots_.capacity() * sizeof(uint32_t);
  for (const Slot& s : slots_) bytes += s.keys.capacity() * sizeof(uint64_t);
  // unordered_map nodes: key + value + next pointer + cached hash, plus the bucket array.
  bytes += slot_of_.size() * (sizeof(uint64_t) + sizeof(uint32_t) + 2 * sizeof(void*)) +
           slot_of_.bucket_count() * sizeof(void*);
  bytes += postings_.bucket_count() * sizeof(void*);
  for (const auto& [k, list] : postings_) {
    bytes += sizeof(uint64_t) + sizeof(list) + 2 * sizeof(void*);
    bytes += list.capacity() * sizeof(Posting);
    st.postings += list.size();
  }
  st.bytes = bytes;
  return st;
}

}  // namespace deconflict::plan
