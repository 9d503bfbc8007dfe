// Merkle tree hashing of RFC 9162 §2.1.1 (the same tree as RFC 6962 §2.1), SHA-256, and the leaf that stands
// for one record entry.
//
//   MTH({})        = SHA-256()                                  (the empty tree)
//   leaf hash      = SHA-256(0x00 || leaf data)
//   node hash      = SHA-256(0x01 || left || right)
//   MTH(D[n]), n>1 = node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest power of two smaller than n
//
// The leaf data of record entry `seq` (leaf index seq-1), docs/record.md "The Merkle tree":
//
//   "deconflict.leaf.v1"   18 ASCII bytes, no terminator (domain separation from any other use of the tree)
//   salt                   32 random bytes chosen when the entry is appended and kept with it
//   entry hash             32 bytes: the entry's BLAKE2b-256 `hash` (record/entry.h)
//
// The tree is over entry hashes, not entry bytes: the hash already commits to every field and to the chain
// (`prev`), a party holding a receipt has it, and proofs stay independent of the entry format. The salt makes
// a leaf unguessable: a party shown a sibling leaf hash in a proof cannot test a candidate entry against it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "record/hash.h"

namespace deconflict::record {

inline constexpr std::string_view kLeafDomain = "deconflict.leaf.v1";
using LeafSalt = std::array<std::uint8_t, 32>;

// SHA-256 of nothing: the root of the empty tree.
Hash EmptyTreeRoot();
// SHA-256(0x00 || data).
Hash MerkleLeafHash(std::string_view data);
// SHA-256(0x01 || left || right).
Hash MerkleNodeHash(const Hash& left, const Hash& right);

// The leaf data of an entry: kLeafDomain || salt || entry_hash (82 bytes).
std::string EntryLeafData(const LeafSalt& salt, const Hash& entry_hash);
// MerkleLeafHash(EntryLeafData(salt, entry_hash)).
Hash EntryLeafHash(const LeafSalt& salt, const Hash& entry_hash);
// 32 bytes from libsodium's CSPRNG (randombytes_buf).
LeafSalt RandomLeafSalt();

// MTH of `leaves` (leaf hashes) by the recursive definition above: O(n) and a reference for tests; the
// incremental tree (record/merkle_tree.h) is what the record uses.
Hash MerkleRootOf(std::span<const Hash> leaves);

// Largest power of two strictly smaller than n. REQUIRES: n >= 2.
std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n);

}  // namespace deconflict::record
