#include "plan/index.h"

#include <gtest/gtest.h>
#include <s2/s1angle.h>
#include <s2/s2latlng.h>

#include <algorithm>
#include <random>
#include <set>

namespace deconflict::plan {
namespace {

struct Item {
  uint64_t handle;
  S2Cap cap;
  double t0, t1, lo, hi;
};

// What the index promises: every live item whose cap comes within the padding, whose time window
// overlaps and whose band comes within the vertical padding is returned; removed items never are.
std::set<uint64_t> Expected(const std::vector<Item>& items, const std::set<uint64_t>& removed,
                            const VolumeIndex::Query& q) {
  std::set<uint64_t> out;
  const double pad = ConservativeAngle(q.pad_horizontal_m).ToAngle().radians();
  for (const Item& it : items) {
    if (removed.count(it.handle)) continue;
    if (it.t1 < q.t0_s || it.t0 > q.t1_s) continue;
    if (it.hi + q.pad_vertical_m < q.alt_lo_m || it.lo - q.pad_vertical_m > q.alt_hi_m) continue;
    const double gap = S1Angle(it.cap.center(), q.cap.center()).radians() - it.cap.GetRadius().radians() -
                       q.cap.GetRadius().radians() - pad;
    if (gap <= 0) out.insert(it.handle);
  }
  return out;
}

TEST(VolumeIndex, NeverLosesACandidateAcrossSizesDurationsAndRemovals) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> lat(-0.5, 0.5), lng(179.5, 180.5), u(0, 1);
  auto random_cap = [&](double max_m) {
    double radius_m = 5 + max_m * u(rng) * u(rng);
    double x = lng(rng);  // straddles the antimeridian
    if (x > 180) x -= 360;
    return S2Cap(S2LatLng::FromDegrees(lat(rng), x).ToPoint(), ConservativeAngle(radius_m));
  };
  auto random_window = [&](double* t0, double* t1) {
    const double durations[] = {5, 300, 3000, 20000, 200000, 3e6};  // every rung
    *t0 = 1.7e9 + 86400 * u(rng);
    *t1 = *t0 + durations[rng() % 6] * (0.5 + u(rng));
  };
  VolumeIndex index;
  std::vector<Item> items;
  for (uint64_t h = 1; h <= 3000; ++h) {
    Item it{h, random_cap(h % 50 == 0 ? 60000 : 3000), 0, 0, 0, 0};  // a few very large ones (coarse levels)
    random_window(&it.t0, &it.t1);
    it.lo = 100 * u(rng);
    it.hi = it.lo + 50 * u(rng);
    index.Insert(h, it.cap, it.t0, it.t1, it.lo, it.hi);
    items.push_back(it);
  }
  std::set<uint64_t> removed;
  for (uint64_t h = 1; h <= 3000; h += 3) {
    ASSERT_TRUE(index.Remove(h));
    removed.insert(h);
  }
  EXPECT_FALSE(index.Remove(1));
  EXPECT_EQ(index.size(), 3000u - removed.size());
  for (int i = 0; i < 300; ++i) {
    VolumeIndex::Query q;
    q.cap = random_cap(i % 30 == 0 ? 80000 : 2000);
    random_window(&q.t0_s, &q.t1_s);
    if (i % 25 == 0) q.t1_s = q.t0_s + 40 * 86400.0;  // a long query (clipped buckets or scan)
    q.alt_lo_m = 100 * u(rng);
    q.alt_hi_m = q.alt_lo_m + 30;
    q.pad_horizontal_m = (i % 2) ? 500 : 0;
    q.pad_vertical_m = (i % 3) ? 20 : 0;
    std::vector<uint64_t> got;
    index.Find(q, &got);
    const std::set<uint64_t> got_set(got.begin(), got.end());
    EXPECT_EQ(got_set.size(), got.size()) << "duplicates in query " << i;
    const std::set<uint64_t> want = Expected(items, removed, q);
    EXPECT_EQ(got_set, want) << "query " << i;
  }
  const auto st = index.GetStats();
  EXPECT_EQ(st.volumes, index.size());
  EXPECT_GT(st.bytes, 0u);
}

}  // namespace
}  // namespace deconflict::plan
