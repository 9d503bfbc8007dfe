// The record's Merkle tree (docs/record.md "The Merkle tree"). Targets (issue 12):
//   - append with the tree updated (salted entry leaf + Append)   >= 10,000 entries/s
//   - inclusion proof and consistency proof at 10^7 entries        <= 100 us each
//   - verify a signed checkpoint and a consistency proof to it     <= 1 ms
// The 10^7-leaf tree is built once, in memory, storing every complete subtree hash (about 2n x 32 bytes =
// 640 MB; nothing is recomputed but the right edges a proof needs). Building it takes several seconds.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "record/checkpoint.h"
#include "record/merkle.h"
#include "record/merkle_tree.h"
#include "record/merkle_verify.h"

namespace {

using namespace deconflict::record;

constexpr std::uint64_t kBig = 10'000'000;

Hash EntryHashNumber(std::uint64_t i) { return Blake2b256("entry " + std::to_string(i)); }

struct BigTree {
  MemoryTreeHashes hashes;
  MerkleTree tree{hashes, 0};
  BigTree() {
    const LeafSalt salt{};  // building speed only; real leaves draw a random salt each (measured in BM_Append)
    for (std::uint64_t i = 0; i < kBig; ++i) {
      if (!tree.Append(EntryLeafHash(salt, EntryHashNumber(i))).ok()) std::abort();
    }
  }
};

BigTree& Big() {
  static BigTree* tree = new BigTree();  // built once, kept for the process
  return *tree;
}

void BM_AppendEntry(benchmark::State& state) {
  MemoryTreeHashes hashes;
  MerkleTree tree(hashes, 0);
  std::uint64_t i = 0;
  for (auto _ : state) {
    const Hash leaf = EntryLeafHash(RandomLeafSalt(), EntryHashNumber(i++));
    if (!tree.Append(leaf).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendEntry);

void BM_Root10M(benchmark::State& state) {
  const MerkleTree& tree = Big().tree;
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(tree.Root(kBig - rng() % 1000));
  }
}
BENCHMARK(BM_Root10M)->Unit(benchmark::kMicrosecond);

void BM_InclusionProof10M(benchmark::State& state) {
  const MerkleTree& tree = Big().tree;
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const std::uint64_t size = kBig - rng() % 1000;
    auto proof = tree.InclusionProof(rng() % size, size);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProof10M)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof10M(benchmark::State& state) {
  const MerkleTree& tree = Big().tree;
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    const std::uint64_t size2 = kBig - rng() % 1000;
    auto proof = tree.ConsistencyProof(1 + rng() % size2, size2);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_ConsistencyProof10M)->Unit(benchmark::kMicrosecond);

// What a party does on each new checkpoint: parse and verify the log's signature, then check the consistency
// proof from the last checkpoint it kept (here about 10^5 entries older).
void BM_VerifyCheckpointAndConsistency(benchmark::State& state) {
  const MerkleTree& tree = Big().tree;
  const Signer log_key = Signer::Generate();
  auto vkey = MakeNoteVerifierKey("deconflict.example/log", kNoteTypeEd25519, log_key.public_key());
  const std::uint64_t old_size = kBig - 123'457;
  const Hash old_root = *tree.Root(old_size);
  const auto signed_note = SignCheckpoint({"deconflict.example/log", kBig, *tree.Root(kBig), {}}, log_key);
  const auto proof = tree.ConsistencyProof(old_size, kBig);
  if (!vkey.ok() || !signed_note.ok() || !proof.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  for (auto _ : state) {
    auto c = VerifyCheckpoint(*signed_note, *vkey);
    if (!c.ok() || !VerifyConsistency(old_size, c->checkpoint.size, *proof, old_root, c->checkpoint.root).ok()) {
      state.SkipWithError("verification failed");
    }
  }
}
BENCHMARK(BM_VerifyCheckpointAndConsistency)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
