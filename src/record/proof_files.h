// Files that carry Merkle proofs to a party, for offline verification (`deconflict audit inclusion|consistency`,
// docs/record.md "Proof files"). Text, lines ending in "\n", hashes in standard base64 (RFC 4648 §4).
//
// Inclusion: C2SP tlog-proof v1 (c2sp.org/tlog-proof), extension .tlog-proof:
//   c2sp.org/tlog-proof@v1
//   extra <base64(salt (32 bytes) || entry hash (32 bytes))>    deconflict's leaf data (record/merkle.h)
//   index <leaf index = seq - 1>                                 decimal, no leading zero
//   <base64 hash>...                                            RFC 9162 inclusion path, leaf's sibling first
//   <empty line>
//   <the signed checkpoint, verbatim>                           record/checkpoint.h, with any cosignatures
//
// Consistency (deconflict's own; the same line style, like the `old` line of c2sp.org/tlog-witness):
//   deconflict/consistency-proof@v1
//   old <size1>
//   new <size2>
//   <base64 hash>...                                            RFC 9162 consistency proof
// verified against two signed checkpoints given beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "record/hash.h"
#include "record/merkle.h"

namespace deconflict::record {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";
inline constexpr std::string_view kConsistencyProofHeader = "deconflict/consistency-proof@v1";

struct TlogProof {
  std::optional<std::string> extra;  // decoded bytes of the `extra` line
  std::uint64_t index = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
};

std::string FormatTlogProof(const TlogProof& p);
// Strict: errors name the line ("tlog proof: line 4: hash is 31 bytes").
Result<TlogProof> ParseTlogProof(std::string_view text);

// deconflict's `extra`: salt || entry hash. kInvalidArgument unless exactly 64 bytes.
std::string EntryLeafExtra(const LeafSalt& salt, const Hash& entry_hash);
struct EntryLeafParts {
  LeafSalt salt{};
  Hash entry_hash{};
};
Result<EntryLeafParts> ParseEntryLeafExtra(std::string_view extra);

struct ConsistencyProofFile {
  std::uint64_t size1 = 0;
  std::uint64_t size2 = 0;
  std::vector<Hash> proof;
};

std::string FormatConsistencyProof(const ConsistencyProofFile& p);
Result<ConsistencyProofFile> ParseConsistencyProof(std::string_view text);

}  // namespace deconflict::record
