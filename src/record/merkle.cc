#include "record/merkle.h"

#include <sodium.h>

#include <bit>
#include <cassert>
#include <string>

#include "record/sodium_init.h"

namespace deconflict::record {

Hash EmptyTreeRoot() { return Sha256({}); }

Hash MerkleLeafHash(std::string_view data) {
  EnsureSodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  const unsigned char prefix = 0x00;
  crypto_hash_sha256_update(&st, &prefix, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  Hash out{};
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

Hash MerkleNodeHash(const Hash& left, const Hash& right) {
  std::array<unsigned char, 65> buf{};
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf.begin() + 1);
  std::copy(right.begin(), right.end(), buf.begin() + 33);
  Hash out{};
  crypto_hash_sha256(out.data(), buf.data(), buf.size());
  return out;
}

std::string EntryLeafData(const LeafSalt& salt, const Hash& entry_hash) {
  std::string data(kLeafDomain);
  data.append(reinterpret_cast<const char*>(salt.data()), salt.size());
  data.append(reinterpret_cast<const char*>(entry_hash.data()), entry_hash.size());
  return data;
}

Hash EntryLeafHash(const LeafSalt& salt, const Hash& entry_hash) {
  return MerkleLeafHash(EntryLeafData(salt, entry_hash));
}

LeafSalt RandomLeafSalt() {
  EnsureSodium();
  LeafSalt salt{};
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) {
  assert(n >= 2);
  return std::bit_floor(n - 1);
}

Hash MerkleRootOf(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyTreeRoot();
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = LargestPowerOfTwoBelow(leaves.size());
  return MerkleNodeHash(MerkleRootOf(leaves.first(k)), MerkleRootOf(leaves.subspan(k)));
}

}  // namespace deconflict::record
