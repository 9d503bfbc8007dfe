#include "record/merkle_tree.h"

#include <algorithm>
#include <string>

#include "record/merkle.h"

namespace deconflict::record {
namespace {

std::string Node(int level, std::uint64_t index) {
  return "subtree (level " + std::to_string(level) + ", index " + std::to_string(index) + ")";
}

}  // namespace

Result<Hash> MemoryTreeHashes::Get(int level, std::uint64_t index) const {
  if (level < 0 || static_cast<std::size_t>(level) >= levels_.size() || index >= levels_[level].size()) {
    return Status::NotFound(Node(level, index) + " is not stored");
  }
  return levels_[level][index];
}

Status MemoryTreeHashes::Put(std::span<const SubtreeHash> nodes) {
  // Check the whole batch first (all or nothing): each node either repeats a stored hash or extends its level.
  std::vector<std::uint64_t> next(levels_.size());
  for (std::size_t l = 0; l < levels_.size(); ++l) next[l] = levels_[l].size();
  for (const SubtreeHash& n : nodes) {
    if (n.level < 0 || n.level >= 64) return Status::Invalid(Node(n.level, n.index) + ": level out of range");
    const auto l = static_cast<std::size_t>(n.level);
    if (l >= next.size()) next.resize(l + 1, 0);
    if (l < levels_.size() && n.index < levels_[l].size()) {
      if (levels_[l][n.index] != n.hash)
        return Status::Conflict(Node(n.level, n.index) + " is stored with another hash");
    } else if (n.index == next[l]) {
      ++next[l];
    } else {
      return Status::Invalid(Node(n.level, n.index) + " would leave a gap: level " + std::to_string(l) + " has " +
                             std::to_string(next[l]) + " hashes");
    }
  }
  if (levels_.size() < next.size()) levels_.resize(next.size());
  for (const SubtreeHash& n : nodes) {
    auto& level = levels_[static_cast<std::size_t>(n.level)];
    if (n.index == level.size()) level.push_back(n.hash);
  }
  return Status::Ok();
}

Status MerkleTree::Append(const Hash& leaf_hash) {
  std::vector<SubtreeHash> nodes{{0, size_, leaf_hash}};
  Hash cur = leaf_hash;
  std::uint64_t index = size_;
  int level = 0;
  while ((index & 1) != 0) {  // this leaf completes the subtree whose left half is (level, index - 1)
    Result<Hash> left = hashes_.Get(level, index - 1);
    if (!left.ok()) return left.status();
    cur = MerkleNodeHash(*left, cur);
    index >>= 1;
    ++level;
    nodes.push_back({level, index, cur});
  }
  Status s = hashes_.Put(nodes);
  if (!s.ok()) return s;
  ++size_;
  return Status::Ok();
}

Result<Hash> MerkleTree::RangeHash(std::uint64_t begin, std::uint64_t end) const {
  if (begin == end) return EmptyTreeRoot();
  std::vector<Hash> parts;  // the complete subtrees left to right, largest first
  std::uint64_t pos = begin;
  const std::uint64_t n = end - begin;
  for (int level = 63; level >= 0; --level) {
    const std::uint64_t width = std::uint64_t{1} << level;
    if ((n & width) == 0) continue;
    if ((pos & (width - 1)) != 0) {
      return Status::Internal("leaves [" + std::to_string(begin) + ", " + std::to_string(end) +
                              ") do not split into aligned complete subtrees");
    }
    Result<Hash> h = hashes_.Get(level, pos >> level);
    if (!h.ok()) return h.status();
    parts.push_back(*h);
    pos += width;
  }
  Hash root = parts.back();
  for (std::size_t i = parts.size() - 1; i-- > 0;) root = MerkleNodeHash(parts[i], root);
  return root;
}

Result<Hash> MerkleTree::Root(std::uint64_t size) const {
  if (size > size_) {
    return Status::Invalid("tree size " + std::to_string(size) + " is larger than the tree (" + std::to_string(size_) +
                           " leaves)");
  }
  return RangeHash(0, size);
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(std::uint64_t index, std::uint64_t size) const {
  if (size > size_ || index >= size) {
    return Status::Invalid("no inclusion proof of leaf " + std::to_string(index) + " in tree size " +
                           std::to_string(size) + ": the tree has " + std::to_string(size_) +
                           " leaves and the index must be below the size");
  }
  std::vector<Hash> top_down;
  std::uint64_t lo = 0;
  std::uint64_t hi = size;
  std::uint64_t m = index;
  while (hi - lo > 1) {  // RFC 9162 §2.1.3.1, one recursion level per iteration
    const std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    Result<Hash> sibling = m < k ? RangeHash(lo + k, hi) : RangeHash(lo, lo + k);
    if (!sibling.ok()) return sibling.status();
    top_down.push_back(*sibling);
    if (m < k) {
      hi = lo + k;
    } else {
      lo += k;
      m -= k;
    }
  }
  std::reverse(top_down.begin(), top_down.end());
  return top_down;
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(std::uint64_t size1, std::uint64_t size2) const {
  if (size2 > size_ || size1 == 0 || size1 > size2) {
    return Status::Invalid("no consistency proof from tree size " + std::to_string(size1) + " to " +
                           std::to_string(size2) + ": the tree has " + std::to_string(size_) +
                           " leaves and 0 < size1 <= size2 is required");
  }
  std::vector<Hash> top_down;
  std::uint64_t lo = 0;
  std::uint64_t hi = size2;
  std::uint64_t m = size1;
  bool whole_old_tree = true;  // RFC 9162 §2.1.4.1 SUBPROOF's flag b
  while (m != hi - lo) {
    const std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    Result<Hash> h = m <= k ? RangeHash(lo + k, hi) : RangeHash(lo, lo + k);
    if (!h.ok()) return h.status();
    top_down.push_back(*h);
    if (m <= k) {
      hi = lo + k;
    } else {
      lo += k;
      m -= k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    Result<Hash> h = RangeHash(lo, hi);
    if (!h.ok()) return h.status();
    top_down.push_back(*h);
  }
  std::reverse(top_down.begin(), top_down.end());
  return top_down;
}

}  // namespace deconflict::record
