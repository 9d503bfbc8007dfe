// The server's Ed25519 signing key (RFC 8032, libsodium crypto_sign_*) and its public half.
//
// Files in the data directory (see docs/record.md):
//   record_ed25519.key  64 hex characters: the 32-byte Ed25519 seed. Mode 0600, refused if group/other
//                       can read or write it (like OpenSSH). Created with O_EXCL and fsync'ed.
//   record_ed25519.pub  64 hex characters + "\n": the public key. Mode 0644. Anyone may have it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "record/hash.h"

namespace deconflict::record {

using PublicKey = std::array<std::uint8_t, 32>;  // crypto_sign_PUBLICKEYBYTES
using Signature = std::array<std::uint8_t, 64>;  // crypto_sign_BYTES (detached)

inline constexpr const char* kSecretKeyFile = "record_ed25519.key";
inline constexpr const char* kPublicKeyFile = "record_ed25519.pub";

// Holds the secret key. Signing is thread-safe (const). Not copyable; the secret is wiped on destruction.
class Signer {
 public:
  // A fresh random key (tests, benchmarks).
  static Signer Generate();
  // Deterministic key from a 32-byte seed (tests with known vectors).
  static Signer FromSeed(const std::array<std::uint8_t, 32>& seed);
  // Loads record_ed25519.key from `data_dir`, or creates both key files when neither exists.
  // Creates `data_dir` (mode 0700) when missing. Errors: kIo (unreadable, cannot create),
  // kPermissionDenied (key file readable or writable by group/other: "chmod 600 <file>"),
  // kCorruption (bad length/hex, or .pub present that does not match the secret key).
  static Result<Signer> LoadOrCreate(const std::string& data_dir);

  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  const PublicKey& public_key() const { return pk_; }
  // Ed25519 detached signature of `message`.
  Signature Sign(std::string_view message) const;

 private:
  Signer() = default;
  PublicKey pk_{};
  std::array<std::uint8_t, 64> sk_{};  // libsodium secret key (seed || public key)
};

// True when `sig` is a valid Ed25519 signature of `message` by `pk`. Thread-safe.
bool VerifySignature(const PublicKey& pk, std::string_view message, const Signature& sig);

// Reads a public key file (64 hex characters, surrounding whitespace ignored). Errors: kIo, kCorruption.
Result<PublicKey> ReadPublicKeyFile(const std::string& path);
// Parses 64 hex characters.
Result<PublicKey> ParsePublicKey(std::string_view hex);

}  // namespace deconflict::record
