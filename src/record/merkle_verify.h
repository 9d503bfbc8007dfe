// Verification of Merkle inclusion and consistency proofs exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 give the
// algorithms (RFC 6962's tree; record/merkle.h has the hashing), with the edge rules of the public test
// vectors of transparency-dev/merkle (tests/data/merkle, which every case of passes):
//   - every leaf hash, root and proof hash is exactly 32 bytes (SHA-256);
//   - a consistency proof from size 0 is an error (the empty tree is consistent with every tree, so such a
//     "proof" proves nothing and a caller asking for it has a bug);
//   - size1 == size2 needs an empty proof and root1 == root2 (compared as given);
//   - size1 > size2 is an error.
// Errors are kInvalidArgument and say which rule failed ("consistency proof: root2 does not match ...").
// The byte-level overloads exist for hashes read from outside (a proof file, a vector) whose length is not
// yet known to be 32.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "record/hash.h"

namespace deconflict::record {

using HashBytes = std::span<const std::uint8_t>;

// RFC 9162 §2.1.3.2: does `proof` prove that `leaf` is leaf `index` of the tree of `size` leaves with `root`?
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, HashBytes leaf, std::span<const HashBytes> proof,
                       HashBytes root);
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                       const Hash& root);

// RFC 9162 §2.1.4.2: does `proof` prove that the tree of `size1` leaves with `root1` is a prefix of the tree of
// `size2` leaves with `root2`?
Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, std::span<const HashBytes> proof, HashBytes root1,
                         HashBytes root2);
Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof, const Hash& root1,
                         const Hash& root2);

}  // namespace deconflict::record
