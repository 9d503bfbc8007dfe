// Receipts: a signed statement, for one party, of one record entry (what the party sent, or what it
// was shown). Verifiable offline with the server public key and any libsodium.
//
// A receipt carries the full entry (so its hash can be recomputed), the server public key, and a
// receipt signature = Ed25519 over
//   "deconflict.receipt.v1" (21 ASCII bytes) || u32 BE len(party) || party || i64 BE issued_us || entry hash (32)
// The entry signature proves the server recorded the entry; the receipt signature proves the server
// issued this receipt to `party` at `issued_us`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "record/entry.h"
#include "record/keys.h"

namespace deconflict::record {

struct Receipt {
  std::string party;        // the party the receipt is for
  std::int64_t issued_us = 0;
  Entry entry;
  PublicKey server_key{};
  Signature signature{};    // receipt signature (above)
};

// Builds and signs a receipt. REQUIRES: entry is sealed (signed by `signer`).
Receipt MakeReceipt(const Entry& entry, std::string_view party, std::int64_t issued_us, const Signer& signer);

// The signed bytes of the receipt statement (layout above).
std::string ReceiptSignedBytes(const Receipt& r);

// Verifies entry hash, entry signature and receipt signature against `trusted_key` (the key the
// verifier already trusts; a receipt whose server_key differs is refused). kCorruption names what failed.
Status VerifyReceipt(const Receipt& r, const PublicKey& trusted_key);

// JSON form: {"format":"deconflict.receipt.v1","party":..,"issued_us":..,"entry":{EntryToJson},
//             "server_key":"<hex>","signature":"<hex>"}
std::string ReceiptToJson(const Receipt& r);
Result<Receipt> ReceiptFromJson(std::string_view text);

}  // namespace deconflict::record
