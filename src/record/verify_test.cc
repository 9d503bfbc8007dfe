#include "record/verify.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace deconflict::record {
namespace {

std::vector<Entry> MakeChain(const Signer& signer, int n) {
  std::vector<Entry> chain;
  Hash prev = kZeroHash;
  for (int i = 0; i < n; ++i) {
    Entry e;
    e.time_us = 1700000000000000 + i;
    e.kind = i % 2 ? kind::kAlert : kind::kInput;
    e.actor = i % 2 ? kServerActor : "alpha";
    e.audience = {"alpha", "bravo"};
    e.payload = R"({"i":)" + std::to_string(i) + "}";
    SealEntry(e, static_cast<std::uint64_t>(i), prev, signer);
    prev = e.hash;
    chain.push_back(e);
  }
  return chain;
}

std::optional<VerifyFailure> Verify(const std::vector<Entry>& chain, const PublicKey& pk) {
  ChainVerifier v(pk);
  for (const auto& e : chain) {
    if (!v.Add(e)) break;
  }
  return v.failure();
}

class ChainVerifierTest : public ::testing::Test {
 protected:
  Signer signer_ = Signer::Generate();
  std::vector<Entry> chain_ = MakeChain(signer_, 6);
};

TEST_F(ChainVerifierTest, AcceptsAnIntactChain) {
  ChainVerifier v(signer_.public_key());
  for (const auto& e : chain_) EXPECT_TRUE(v.Add(e));
  EXPECT_FALSE(v.failure());
  EXPECT_EQ(v.count(), 6u);
  EXPECT_EQ(v.head_seq(), 6u);
  EXPECT_EQ(v.head_hash(), chain_.back().hash);
}

TEST_F(ChainVerifierTest, NamesEntryWithOneAlteredPayloadByte) {
  chain_[3].payload[5] ^= 0x01;
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 4u);
  EXPECT_EQ(f->position, 4u);
  EXPECT_NE(f->reason.find("hash"), std::string::npos);
}

TEST_F(ChainVerifierTest, NamesEntryWithAlteredStoredHash) {
  chain_[2].hash[0] ^= 0x80;
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 3u);
}

TEST_F(ChainVerifierTest, NamesEntryWithAlteredSignature) {
  chain_[5].signature[63] ^= 0x01;
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 6u);
  EXPECT_NE(f->reason.find("signature"), std::string::npos);
}

TEST_F(ChainVerifierTest, NamesFirstOfTwoSwappedEntries) {
  std::swap(chain_[1], chain_[2]);
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->position, 2u);
  EXPECT_EQ(f->seq, 3u);
}

TEST_F(ChainVerifierTest, NamesEntryAfterADeletedOne) {
  chain_.erase(chain_.begin() + 2);
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->position, 3u);
  EXPECT_EQ(f->seq, 4u);
  EXPECT_NE(f->reason.find("missing"), std::string::npos);
}

TEST_F(ChainVerifierTest, CatchesARebuiltChainWithRenumberedSeqs) {
  // Delete entry 3 and renumber the rest: the prev link of the renumbered entry no longer matches.
  chain_.erase(chain_.begin() + 2);
  for (std::size_t i = 2; i < chain_.size(); ++i) chain_[i].seq = i + 1;
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->position, 3u);
}

TEST_F(ChainVerifierTest, RefusesAChainSignedByAnotherKey) {
  const Signer other = Signer::Generate();
  auto f = Verify(chain_, other.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 1u);
  EXPECT_NE(f->reason.find("signature"), std::string::npos);
}

TEST_F(ChainVerifierTest, RefusesTimeGoingBackwards) {
  // Re-seal entry 4 with an earlier time so hash and signature are valid: only the time rule can catch it.
  Entry& e = chain_[3];
  e.time_us = chain_[2].time_us - 10;
  SealEntry(e, 3, chain_[2].hash, signer_);
  auto f = Verify(chain_, signer_.public_key());
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 4u);
  EXPECT_NE(f->reason.find("before"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::record
