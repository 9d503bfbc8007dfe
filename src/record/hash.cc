#include "record/hash.h"

#include <sodium.h>

#include "record/sodium_init.h"

namespace deconflict::record {

Hash Blake2b256(std::string_view bytes) {
  EnsureSodium();
  Hash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                     nullptr, 0);
  return out;
}

Hash Sha256(std::string_view bytes) {
  EnsureSodium();
  Hash out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

std::string ToBase64(std::string_view bytes) {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.pop_back();  // the terminating NUL that sodium_bin2base64 writes
  return out;
}

Result<std::string> FromBase64(std::string_view text, std::string_view what) {
  EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                                   nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || end != text.data() + text.size()) {
    const std::size_t at = end == nullptr ? 0 : static_cast<std::size_t>(end - text.data());
    return Status::Invalid(std::string(what) + ": not valid base64 (RFC 4648, padded) at character " +
                           std::to_string(at + 1));
  }
  out.resize(len);
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xf];
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

template <std::size_t N>
Result<std::array<std::uint8_t, N>> FromHex(std::string_view hex, std::string_view what) {
  if (hex.size() != 2 * N) {
    return Status::Invalid(std::string(what) + ": expected " + std::to_string(2 * N) + " hex characters, got " +
                           std::to_string(hex.size()));
  }
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::Invalid(std::string(what) + ": not a hex digit at character " +
                             std::to_string(2 * i + (hi < 0 ? 0 : 1) + 1));
    }
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

template Result<std::array<std::uint8_t, 32>> FromHex<32>(std::string_view, std::string_view);
template Result<std::array<std::uint8_t, 64>> FromHex<64>(std::string_view, std::string_view);

std::string TokenHashHex(std::string_view token) { return ToHex(Blake2b256(token)); }

}  // namespace deconflict::record
