// Signed tree heads as C2SP checkpoints (c2sp.org/tlog-checkpoint, v1.0.0) and witness cosignatures
// (c2sp.org/tlog-cosignature, Ed25519 cosignature/v1), both signed notes (record/note.h).
//
// Checkpoint note text (every line ends in "\n"):
//   <origin>                 non-empty; deconflict's log uses it as its key name too
//   <tree size>              ASCII decimal, no leading zero (just "0" for the empty tree)
//   <root hash>              base64 of the 32-byte RFC 9162 root (record/merkle_tree.h)
//   [<extension line>...]    non-empty, opaque
// signed by the log's Ed25519 key (type 0x01) under the key name <origin>.
//
// A cosignature is one more signature line, by a witness key of type 0x04, whose signature bytes are
//   timestamp (u64 big-endian, POSIX seconds, <= 2^63 - 1) || Ed25519 signature (64 bytes)
// over the message
//   "cosignature/v1\n" "time " <timestamp in decimal> "\n" <the checkpoint's note text>
// It states: at that time, this was the largest tree of this origin the witness had seen consistent with every
// earlier one it verified.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "record/hash.h"
#include "record/keys.h"
#include "record/note.h"

namespace deconflict::record {

inline constexpr std::uint64_t kMaxCosignatureTime = (std::uint64_t{1} << 63) - 1;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;
};

// A canonical ASCII decimal u64 (no sign, no leading zero but "0" itself). The error names `what`.
Result<std::uint64_t> ParseCanonicalDecimal(std::string_view s, std::string_view what);

// The note text of a checkpoint.
std::string CheckpointText(const Checkpoint& c);
// Parses a checkpoint's note text strictly; errors name the line ("checkpoint: line 2 (tree size): leading zero").
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// The signed note of `c` by the log key, key name = origin (which must be a valid key name).
Result<std::string> SignCheckpoint(const Checkpoint& c, const Signer& log_key);

struct VerifiedCheckpoint {
  Checkpoint checkpoint;
  Note note;  // with every signature line, for cosignature checks
};
// Parses a signed checkpoint and verifies the log's signature (type 0x01 key `log_key`); the origin must equal
// the log key's name (deconflict's rule: the checkpoint names the log whose key signed it).
Result<VerifiedCheckpoint> VerifyCheckpoint(std::string_view signed_note, const NoteVerifierKey& log_key);

// "cosignature/v1\ntime <timestamp>\n" + checkpoint_text.
std::string CosignatureMessage(std::string_view checkpoint_text, std::uint64_t timestamp);
// A witness's cosignature of `checkpoint_text` at `timestamp` (POSIX seconds) under `witness_name`.
// REQUIRES timestamp <= kMaxCosignatureTime and a valid key name.
NoteSignature Cosign(std::string_view checkpoint_text, std::string_view witness_name, std::uint64_t timestamp,
                     const Signer& witness);

struct VerifiedCosignature {
  std::string witness;  // key name
  std::uint64_t timestamp = 0;
};
// Verifies one cosignature by `witness` (a type 0x04 key) over `checkpoint_text`; returns its timestamp.
Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text, const NoteSignature& sig,
                                        const NoteVerifierKey& witness);
// The cosignatures in `note` by any of `witnesses` (type 0x04 keys; other signature lines are ignored, as the
// note spec requires). A matching line that does not verify is an error naming the witness.
Result<std::vector<VerifiedCosignature>> VerifyCosignatures(const Note& note,
                                                            std::span<const NoteVerifierKey> witnesses);

}  // namespace deconflict::record
