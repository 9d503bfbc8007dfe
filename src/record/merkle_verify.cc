#include "record/merkle_verify.h"

#include <algorithm>
#include <string>

#include "record/merkle.h"

namespace deconflict::record {
namespace {

constexpr std::size_t kHashBytes = 32;

Status CheckLength(HashBytes h, const std::string& what) {
  if (h.size() != kHashBytes) {
    return Status::Invalid(what + " is " + std::to_string(h.size()) + " bytes, a SHA-256 hash is 32");
  }
  return Status::Ok();
}

Status CheckProofLengths(std::span<const HashBytes> proof, const std::string& what) {
  for (std::size_t i = 0; i < proof.size(); ++i) {
    Status s = CheckLength(proof[i], what + " hash " + std::to_string(i));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Hash ToHash(HashBytes h) {
  Hash out{};
  std::copy_n(h.begin(), kHashBytes, out.begin());
  return out;
}

bool Equal(HashBytes a, HashBytes b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

std::vector<HashBytes> AsBytes(std::span<const Hash> proof) {
  return std::vector<HashBytes>(proof.begin(), proof.end());
}

void ShiftUntilLsbSetOrZero(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, HashBytes leaf, std::span<const HashBytes> proof,
                       HashBytes root) {
  const std::string what = "inclusion proof of leaf " + std::to_string(index) + " in tree size " + std::to_string(size);
  if (index >= size) return Status::Invalid(what + ": the leaf index is not below the tree size");
  for (Status s : {CheckLength(leaf, what + ": leaf hash"), CheckLength(root, what + ": root"),
                   CheckProofLengths(proof, what + ":")}) {
    if (!s.ok()) return s;
  }
  // RFC 9162 §2.1.3.2 steps 2-5.
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = ToHash(leaf);
  for (HashBytes p : proof) {
    if (sn == 0) return Status::Invalid(what + ": the proof has more hashes than the path to the root");
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(ToHash(p), r);
      if ((fn & 1) == 0) ShiftUntilLsbSetOrZero(fn, sn);
    } else {
      r = MerkleNodeHash(r, ToHash(p));
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Invalid(what + ": the proof has fewer hashes than the path to the root");
  if (!Equal(r, root)) return Status::Invalid(what + ": the root computed from the proof does not match the root");
  return Status::Ok();
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                       const Hash& root) {
  const std::vector<HashBytes> bytes = AsBytes(proof);
  return VerifyInclusion(index, size, HashBytes(leaf), bytes, HashBytes(root));
}

namespace {

// RFC 9162 §2.1.4.2 steps 1-7, for 0 < size1 < size2 and hashes already checked to be 32 bytes.
Status VerifyConsistencyPath(std::uint64_t size1, std::uint64_t size2, std::span<const HashBytes> proof,
                             HashBytes root1, HashBytes root2, const std::string& what) {
  if (proof.empty()) return Status::Invalid(what + ": the proof is empty");
  std::vector<HashBytes> path(proof.begin(), proof.end());
  if ((size1 & (size1 - 1)) == 0) path.insert(path.begin(), root1);
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = ToHash(path[0]);
  Hash sr = fr;
  for (std::size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return Status::Invalid(what + ": the proof has more hashes than the paths to the roots");
    const Hash c = ToHash(path[i]);
    if ((fn & 1) != 0 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if ((fn & 1) == 0) ShiftUntilLsbSetOrZero(fn, sn);
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Invalid(what + ": the proof has fewer hashes than the paths to the roots");
  if (!Equal(fr, root1)) return Status::Invalid(what + ": root1 does not match the root computed from the proof");
  if (!Equal(sr, root2)) return Status::Invalid(what + ": root2 does not match the root computed from the proof");
  return Status::Ok();
}

}  // namespace

Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, std::span<const HashBytes> proof, HashBytes root1,
                         HashBytes root2) {
  const std::string what = "consistency proof from tree size " + std::to_string(size1) + " to " + std::to_string(size2);
  if (size1 > size2) return Status::Invalid(what + ": size1 is larger than size2");
  if (size1 == 0) return Status::Invalid(what + ": size1 is 0 (the empty tree needs no proof)");
  if (size1 == size2) {
    if (!proof.empty()) return Status::Invalid(what + ": equal sizes need an empty proof");
    if (!Equal(root1, root2)) return Status::Invalid(what + ": equal sizes but root1 and root2 differ");
    return Status::Ok();
  }
  for (Status s : {CheckLength(root1, what + ": root1"), CheckLength(root2, what + ": root2"),
                   CheckProofLengths(proof, what + ":")}) {
    if (!s.ok()) return s;
  }
  return VerifyConsistencyPath(size1, size2, proof, root1, root2, what);
}

Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof, const Hash& root1,
                         const Hash& root2) {
  const std::vector<HashBytes> bytes = AsBytes(proof);
  return VerifyConsistency(size1, size2, bytes, HashBytes(root1), HashBytes(root2));
}

}  // namespace deconflict::record
