// Verification of a record from its first entry to its last, naming the first bad entry.
//
// An entry at position i (0-based, in the order read, which is ascending stored seq) is good when:
//   1. its seq is exactly i+1 (a deleted, inserted or swapped entry breaks this or rule 3),
//   2. its time is not before the previous entry's time,
//   3. its prev equals the previous entry's hash (kZeroHash for the first),
//   4. its hash equals BLAKE2b-256 of its content (entry.h layout): any altered byte of content is caught,
//   5. its signature is a valid Ed25519 signature of its hash by the server public key.
// The verifier stops at the first bad entry. A truncated tail cannot be seen from the log alone; compare
// the head (last seq and hash) with a receipt a party holds (ChainVerifier::head, `audit verify --expect-head`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "record/entry.h"
#include "record/keys.h"

namespace deconflict::record {

struct VerifyFailure {
  std::uint64_t position = 0;  // 1-based position in the order read
  std::uint64_t seq = 0;       // seq stored in the bad entry
  std::string reason;          // e.g. "hash does not match content", "seq 5 expected, found 7"
};

// "record entry at position 7 (seq 7): hash does not match content"
std::string Describe(const VerifyFailure& f);

// Streaming verifier: feed entries in stored order. Not thread-safe; one per verification.
class ChainVerifier {
 public:
  explicit ChainVerifier(const PublicKey& pk) : pk_(pk) {}

  // Checks the next entry. Returns false at the first bad entry, then failure() says which and why;
  // later calls return false without checking.
  bool Add(const Entry& e);

  // Continues after an entry verified earlier (a stored, signed verified head): the next entry added must be
  // seq+1 with prev == hash and a time not before time_us. REQUIRES: nothing was added yet.
  void Resume(std::uint64_t seq, std::int64_t time_us, const Hash& hash) {
    count_ = last_seq_ = seq;
    last_time_us_ = time_us;
    last_hash_ = hash;
  }

  const std::optional<VerifyFailure>& failure() const { return failure_; }
  std::uint64_t count() const { return count_; }   // entries verified good (with the Resume()d prefix)
  std::uint64_t head_seq() const { return last_seq_; }
  const Hash& head_hash() const { return last_hash_; }

 private:
  PublicKey pk_;
  std::optional<VerifyFailure> failure_;
  std::uint64_t count_ = 0;
  std::uint64_t last_seq_ = 0;
  std::int64_t last_time_us_ = 0;
  Hash last_hash_ = kZeroHash;
};

// Checks one entry on its own (rules 4 and 5): its hash matches its content and its signature is valid.
// Used for receipts. On failure returns kCorruption naming the reason.
Status VerifyEntry(const Entry& e, const PublicKey& pk);

}  // namespace deconflict::record
