// Hashes and byte strings of the record: BLAKE2b-256 (RFC 7693) via libsodium, and hex text.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace deconflict::record {

// A 32-byte BLAKE2b-256 digest (libsodium crypto_generichash with outlen 32, no key).
using Hash = std::array<std::uint8_t, 32>;

// The all-zero hash: the `prev` of the first entry of a record.
inline constexpr Hash kZeroHash{};

// BLAKE2b-256 of `bytes`. Thread-safe.
Hash Blake2b256(std::string_view bytes);

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
