// Hashes and byte strings of the record: BLAKE2b-256 (RFC 7693) and SHA-256 (FIPS 180-4) via libsodium,
// hex text and standard base64 (RFC 4648 §4).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace deconflict::record {

// A 32-byte digest: BLAKE2b-256 (libsodium crypto_generichash with outlen 32, no key) for entries, SHA-256 for
// the Merkle tree (record/merkle.h) and signed-note key IDs.
using Hash = std::array<std::uint8_t, 32>;

// The all-zero hash: the `prev` of the first entry of a record.
inline constexpr Hash kZeroHash{};

// BLAKE2b-256 of `bytes`. Thread-safe.
Hash Blake2b256(std::string_view bytes);

// SHA-256 (FIPS 180-4) of `bytes` (libsodium crypto_hash_sha256). Thread-safe.
Hash Sha256(std::string_view bytes);

// Standard base64 with padding (RFC 4648 §4).
std::string ToBase64(std::string_view bytes);
// Strict decoding of RFC 4648 §4 base64: padding required, no whitespace, no non-zero trailing bits.
// The error names `what`.
Result<std::string> FromBase64(std::string_view text, std::string_view what);

// Lower-case hex of `bytes` (2 characters per byte).
std::string ToHex(std::string_view bytes);
template <std::size_t N>
std::string ToHex(const std::array<std::uint8_t, N>& a) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(a.data()), N));
}

// Parses hex (either case) of exactly N bytes. The error names `what` and the reason.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> FromHex(std::string_view hex, std::string_view what);
extern template Result<std::array<std::uint8_t, 32>> FromHex<32>(std::string_view, std::string_view);
extern template Result<std::array<std::uint8_t, 64>> FromHex<64>(std::string_view, std::string_view);

// Hex of BLAKE2b-256 of `token`: how API tokens are stored (the store never sees a token itself).
// API tokens are long random strings (>= 128 bits), so an unsalted fast hash is appropriate.
std::string TokenHashHex(std::string_view token);

}  // namespace deconflict::record
