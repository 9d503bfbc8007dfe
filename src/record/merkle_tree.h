// An append-only Merkle tree (RFC 9162 §2.1, record/merkle.h) over a pluggable store of the hashes of its
// complete subtrees.
//
// The complete subtree (level, index) covers leaves [index * 2^level, (index + 1) * 2^level); level 0 holds the
// leaf hashes. The tree stores exactly the complete subtrees (about 2n hashes for n leaves) and nothing else:
//   - Append writes the leaf and each subtree it completes: 1 + (number of trailing 1 bits of the old size)
//     hashes, 2 on average, log2(n) at most — O(log n), in one TreeHashes::Put batch.
//   - The root at any size s <= n, an inclusion proof (index, s) and a consistency proof (s1, s2) read
//     O(log n) stored hashes and compute O(log n) node hashes: every subtree such a proof names is either
//     complete (one read) or a right edge [a, s) made of the complete subtrees of the binary digits of s - a
//     (at most log2(n) reads), and a proof needs at most two right edges (docs/record.md "The Merkle tree").
//     Nothing is rebuilt.
// Not thread-safe: callers serialise (the record appends under the store's write lock).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "core/status.h"
#include "record/hash.h"

namespace deconflict::record {

// The hash of one complete subtree.
struct SubtreeHash {
  int level = 0;
  std::uint64_t index = 0;
  Hash hash{};
};

// Where the complete-subtree hashes live. An in-memory store below; a durable one belongs to src/store.
class TreeHashes {
 public:
  virtual ~TreeHashes() = default;
  // The hash of complete subtree (level, index). kNotFound when it was never put; kIo/kCorruption from a
  // durable store.
  virtual Result<Hash> Get(int level, std::uint64_t index) const = 0;
  // Stores all of `nodes` or none of them (one transaction in a durable store). A subtree hash never changes:
  // putting a different hash for a stored (level, index) is kConflict.
  virtual Status Put(std::span<const SubtreeHash> nodes) = 0;
};

// TreeHashes in memory: one deque per level (no reallocation spikes; 32 bytes per hash, ~64 bytes per leaf).
// Puts must extend each level in order (the only way MerkleTree writes).
class MemoryTreeHashes final : public TreeHashes {
 public:
  Result<Hash> Get(int level, std::uint64_t index) const override;
  Status Put(std::span<const SubtreeHash> nodes) override;

 private:
  std::vector<std::deque<Hash>> levels_;
};

class MerkleTree {
 public:
  // A tree of `size` leaves whose subtree hashes are already in `hashes` (0 for a new tree). `hashes` must
  // outlive the tree.
  MerkleTree(TreeHashes& hashes, std::uint64_t size) : hashes_(hashes), size_(size) {}

  std::uint64_t size() const { return size_; }

  // Appends a leaf hash (record/merkle.h EntryLeafHash for a record entry); the new leaf's index is the old
  // size. On error nothing is stored and the size is unchanged.
  Status Append(const Hash& leaf_hash);

  // MTH of the first `size` leaves (EmptyTreeRoot() for 0). kInvalidArgument when size > size().
  Result<Hash> Root(std::uint64_t size) const;
  // RFC 9162 §2.1.3.1 PATH(index, D[0:size]). REQUIRES index < size <= size(), else kInvalidArgument.
  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size) const;
  // RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]). REQUIRES 0 < size1 <= size2 <= size(), else kInvalidArgument.
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t size1, std::uint64_t size2) const;

 private:
  // MTH(D[begin:end]) where begin is a multiple of the largest power of two <= end - begin (every range the
  // proofs of RFC 9162 name): the right fold of the complete subtrees of the binary digits of end - begin.
  Result<Hash> RangeHash(std::uint64_t begin, std::uint64_t end) const;

  TreeHashes& hashes_;
  std::uint64_t size_ = 0;
};

}  // namespace deconflict::record
