// INTERNAL to the SQLite backend (sqlite_integrity.cc): the checks behind Store::VerifyIntegrity.
#pragma once

#include <optional>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {

// The last record entry verified at a start, signed by the server key (meta verified_head), so that the next
// start verifies only what came after it.
struct VerifiedHead {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  record::Hash hash = record::kZeroHash;
};
// nullopt when none was stored; kCorruption when its signature does not verify with pk.
Result<std::optional<VerifiedHead>> ReadVerifiedHead(Db& db, const record::PublicKey& pk);
Status WriteVerifiedHead(Db& db, const record::Signer& signer, const VerifiedHead& head);

// Verifies the record after `from` (every entry when nullopt): chain, hashes, signatures, audience index; `from`
// itself must still be the entry that was verified. *head: the last entry verified (unchanged when none).
Status VerifyChain(Db& db, const record::PublicKey& pk, const std::optional<VerifiedHead>& from,
                   IntegrityReport* report, VerifiedHead* head);

// Verifies that every stored row is sealed by the entry that wrote it, that those entries and every entry after
// from_seq commit to the stored row commits, and that nothing committed after from_seq (0: ever) is missing or
// rolled back. kCorruption names the object.
Status VerifyState(Db& db, const std::string& state_key, std::uint64_t from_seq, IntegrityReport* report);

}  // namespace deconflict::store::sqlite
