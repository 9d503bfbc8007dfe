// Property tests of the incremental tree against the recursive definition (record/merkle.h MerkleRootOf) and
// against the RFC 9162 verifiers: every proof verifies, any flipped bit fails.
#include "record/merkle_tree.h"

#include <gtest/gtest.h>

#include <random>

#include "record/merkle.h"
#include "record/merkle_verify.h"

namespace deconflict::record {
namespace {

Hash LeafNumber(std::uint64_t i) { return MerkleLeafHash("leaf " + std::to_string(i)); }

std::vector<Hash> Leaves(std::uint64_t n) {
  std::vector<Hash> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(LeafNumber(i));
  return out;
}

void Build(MerkleTree& tree, const std::vector<Hash>& leaves) {
  for (const Hash& l : leaves) ASSERT_TRUE(tree.Append(l).ok());
}

Hash RootAt(const MerkleTree& tree, std::uint64_t size) {
  auto r = tree.Root(size);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Hash{};
}

void FlipBit(Hash& h, std::size_t bit) { h[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8)); }

TEST(MerkleTree, EveryRootAndProofOfSmallTreesVerifies) {
  constexpr std::uint64_t kN = 70;
  const auto leaves = Leaves(kN);
  MemoryTreeHashes store;
  MerkleTree tree(store, 0);
  Build(tree, leaves);
  std::vector<Hash> roots;
  for (std::uint64_t s = 0; s <= kN; ++s) {
    roots.push_back(RootAt(tree, s));
    ASSERT_EQ(roots[s], MerkleRootOf(std::span(leaves).first(s))) << "size " << s;
  }
  for (std::uint64_t s = 1; s <= kN; ++s) {
    for (std::uint64_t i = 0; i < s; ++i) {
      auto p = tree.InclusionProof(i, s);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      ASSERT_TRUE(VerifyInclusion(i, s, leaves[i], *p, roots[s]).ok()) << i << " in " << s;
      EXPECT_FALSE(VerifyInclusion(i, s, leaves[(i + 1) % kN], *p, roots[s]).ok()) << i << " in " << s;
    }
    for (std::uint64_t s1 = 1; s1 <= s; ++s1) {
      auto p = tree.ConsistencyProof(s1, s);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      ASSERT_TRUE(VerifyConsistency(s1, s, *p, roots[s1], roots[s]).ok()) << s1 << " to " << s;
      if (s1 < s) {
        EXPECT_FALSE(VerifyConsistency(s1, s, *p, roots[s1 - 1], roots[s]).ok()) << s1 << " to " << s;
      }
    }
  }
}

// A random tree size up to 10^5, random proofs in it, each checked and then broken one bit at a time.
class MerkleTreeRandom : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kMax = 100000;
  void SetUp() override {
    seed_ = std::random_device{}();
    rng_.seed(seed_);
    leaves_ = Leaves(kMax);
    Build(tree_, leaves_);
  }
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi) {  // in [lo, hi]
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }
  std::uint32_t seed_ = 0;
  std::mt19937_64 rng_;
  std::vector<Hash> leaves_;
  MemoryTreeHashes store_;
  MerkleTree tree_{store_, 0};
};

TEST_F(MerkleTreeRandom, RootsAtRandomSizesMatchTheDefinition) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  EXPECT_EQ(RootAt(tree_, kMax), MerkleRootOf(leaves_));
  for (int t = 0; t < 8; ++t) {
    const std::uint64_t s = Uniform(1, kMax);
    EXPECT_EQ(RootAt(tree_, s), MerkleRootOf(std::span(leaves_).first(s))) << "size " << s;
  }
}

TEST_F(MerkleTreeRandom, InclusionProofsVerifyAndAnyFlippedBitFails) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  for (int t = 0; t < 300; ++t) {
    const std::uint64_t s = Uniform(1, kMax);
    const std::uint64_t i = Uniform(0, s - 1);
    const Hash root = RootAt(tree_, s);
    auto p = tree_.InclusionProof(i, s);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE(VerifyInclusion(i, s, leaves_[i], *p, root).ok()) << i << " in " << s;
    // (The same proof can fit several sizes — the size is bound by the signed checkpoint — but not their roots.)
    if (s < kMax) {
      EXPECT_FALSE(VerifyInclusion(i, s + 1, leaves_[i], *p, RootAt(tree_, s + 1)).ok());
    }
    if (s > 1 && (i ^ 1) < s) {
      EXPECT_FALSE(VerifyInclusion(i ^ 1, s, leaves_[i], *p, root).ok());
    }
    if (t % 30 != 0) continue;  // every bit of every hash for a tenth of the proofs
    for (std::size_t bit = 0; bit < 256; ++bit) {
      Hash leaf = leaves_[i];
      FlipBit(leaf, bit);
      EXPECT_FALSE(VerifyInclusion(i, s, leaf, *p, root).ok());
      Hash bad_root = root;
      FlipBit(bad_root, bit);
      EXPECT_FALSE(VerifyInclusion(i, s, leaves_[i], *p, bad_root).ok());
      for (std::size_t k = 0; k < p->size(); ++k) {
        std::vector<Hash> bad = *p;
        FlipBit(bad[k], bit);
        EXPECT_FALSE(VerifyInclusion(i, s, leaves_[i], bad, root).ok()) << "hash " << k << " bit " << bit;
      }
    }
  }
}

TEST_F(MerkleTreeRandom, ConsistencyProofsVerifyAndAnyFlippedBitFails) {
  SCOPED_TRACE("seed " + std::to_string(seed_));
  for (int t = 0; t < 300; ++t) {
    const std::uint64_t s2 = Uniform(1, kMax);
    const std::uint64_t s1 = t % 10 == 0 ? Uniform(1, std::min<std::uint64_t>(s2, 64)) : Uniform(1, s2);
    const Hash r1 = RootAt(tree_, s1);
    const Hash r2 = RootAt(tree_, s2);
    auto p = tree_.ConsistencyProof(s1, s2);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE(VerifyConsistency(s1, s2, *p, r1, r2).ok()) << s1 << " to " << s2;
    if (s1 == s2) continue;
    EXPECT_FALSE(VerifyConsistency(s1, s2, *p, r2, r1).ok());
    EXPECT_FALSE(VerifyConsistency(s1, s2, std::span(*p).first(p->size() - 1), r1, r2).ok());
    if (t % 30 != 1) continue;
    for (std::size_t bit = 0; bit < 256; ++bit) {
      Hash b1 = r1;
      FlipBit(b1, bit);
      EXPECT_FALSE(VerifyConsistency(s1, s2, *p, b1, r2).ok());
      Hash b2 = r2;
      FlipBit(b2, bit);
      EXPECT_FALSE(VerifyConsistency(s1, s2, *p, r1, b2).ok());
      for (std::size_t k = 0; k < p->size(); ++k) {
        std::vector<Hash> bad = *p;
        FlipBit(bad[k], bit);
        EXPECT_FALSE(VerifyConsistency(s1, s2, bad, r1, r2).ok()) << "hash " << k << " bit " << bit;
      }
    }
  }
}

TEST(MerkleTree, ReopenedOverTheSameHashesContinuesTheSameTree) {
  const auto leaves = Leaves(1000);
  MemoryTreeHashes store;
  {
    MerkleTree first(store, 0);
    Build(first, std::vector<Hash>(leaves.begin(), leaves.begin() + 613));
  }
  MerkleTree again(store, 613);
  Build(again, std::vector<Hash>(leaves.begin() + 613, leaves.end()));
  EXPECT_EQ(RootAt(again, 1000), MerkleRootOf(leaves));
  EXPECT_EQ(RootAt(again, 613), MerkleRootOf(std::span(leaves).first(613)));
}

TEST(MerkleTree, RefusesSizesBeyondTheTreeAndEmptyConsistency) {
  MemoryTreeHashes store;
  MerkleTree tree(store, 0);
  Build(tree, Leaves(5));
  EXPECT_EQ(RootAt(tree, 0), EmptyTreeRoot());
  EXPECT_EQ(tree.Root(6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(5, 5).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(0, 6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.ConsistencyProof(0, 5).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.ConsistencyProof(4, 3).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.ConsistencyProof(3, 6).status().code(), ErrorCode::kInvalidArgument);
  auto same = tree.ConsistencyProof(5, 5);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->empty());
}

TEST(MemoryTreeHashes, PutIsAllOrNothingAndRefusesGapsAndChangedHashes) {
  MemoryTreeHashes store;
  const Hash a = LeafNumber(1), b = LeafNumber(2);
  ASSERT_TRUE(store.Put(std::vector<SubtreeHash>{{0, 0, a}, {0, 1, b}}).ok());
  EXPECT_TRUE(store.Put(std::vector<SubtreeHash>{{0, 1, b}}).ok());  // the same hash again is harmless
  const Status changed = store.Put(std::vector<SubtreeHash>{{0, 2, a}, {0, 1, a}});
  EXPECT_EQ(changed.code(), ErrorCode::kConflict);
  EXPECT_EQ(store.Get(0, 2).status().code(), ErrorCode::kNotFound);  // the first node of the batch was not kept
  const Status gap = store.Put(std::vector<SubtreeHash>{{1, 1, a}});
  EXPECT_EQ(gap.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(gap.message().find("gap"), std::string::npos) << gap.message();
  auto got = store.Get(0, 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, b);
}

// A store that fails: the tree's size must not move and the error must come through.
class FailingHashes final : public TreeHashes {
 public:
  Result<Hash> Get(int level, std::uint64_t index) const override { return inner.Get(level, index); }
  Status Put(std::span<const SubtreeHash> nodes) override {
    if (fail) return Status::Io("disk full");
    return inner.Put(nodes);
  }
  MemoryTreeHashes inner;
  bool fail = false;
};

TEST(MerkleTree, AFailedPutLeavesTheTreeUnchanged) {
  FailingHashes store;
  MerkleTree tree(store, 0);
  Build(tree, Leaves(3));
  store.fail = true;
  EXPECT_EQ(tree.Append(LeafNumber(3)).code(), ErrorCode::kIo);
  EXPECT_EQ(tree.size(), 3u);
  store.fail = false;
  ASSERT_TRUE(tree.Append(LeafNumber(3)).ok());
  EXPECT_EQ(RootAt(tree, 4), MerkleRootOf(Leaves(4)));
}

}  // namespace
}  // namespace deconflict::record
