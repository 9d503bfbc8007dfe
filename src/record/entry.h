// One entry of the record: the append-only, hash-chained, signed log of everything deconflict did.
//
// hash = BLAKE2b-256(layout below), signature = Ed25519(hash) by the server key. The exact byte layout
// (docs/record.md gives it with an example) so any party can verify with any libsodium:
//
//   "deconflict.record.v1"            20 ASCII bytes, no terminator (domain separation)
//   seq                               u64 big-endian, first entry is 1, each next entry +1
//   time_us                           i64 big-endian, microseconds since 1970-01-01T00:00:00Z
//   len(kind)     kind                u32 big-endian byte length, then UTF-8 bytes
//   len(actor)    actor               idem
//   count(audience)                   u32 big-endian, then for each party id (sorted, unique):
//                                       len u32 big-endian, UTF-8 bytes
//   len(payload)  payload             u32 big-endian, then the canonical JSON text bytes
//   prev                              32 bytes: hash of entry seq-1 (all zero for seq 1)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "record/hash.h"
#include "record/keys.h"

namespace deconflict::record {

// Kinds of entries (free strings are allowed too; these are the ones deconflict writes).
namespace kind {
inline constexpr const char* kInput = "input";                      // a party's write (track batch, operation, zone)
inline constexpr const char* kAlert = "alert";                      // an alert created, updated or resolved
inline constexpr const char* kNotice = "notice";                    // a notice sent on the channel
inline constexpr const char* kDelivery = "delivery";                // a notice/alert delivered to a recipient
inline constexpr const char* kAcknowledgement = "acknowledgement";  // a recipient acknowledged
inline constexpr const char* kExpiry = "expiry";                    // a delivery expired unacknowledged
inline constexpr const char* kEscalation = "escalation";            // an unacknowledged notice escalated
inline constexpr const char* kAgreementVersion = "agreement_version";  // proposed, countered or accepted
inline constexpr const char* kDistress = "distress";                // distress declared or cancelled
inline constexpr const char* kParty = "party";                      // party or credential administration
inline constexpr const char* kSystem = "system";                    // server start, stop, key info
}  // namespace kind

// The actor name of the server itself (alerts, deliveries, expiries are the server's doing).
inline constexpr const char* kServerActor = "server";

// What a writer supplies; the store adds seq, time, prev, hash and signature.
struct EntryInput {
  std::string kind;                   // non-empty, <= 64 bytes
  std::string actor;                  // party id, or kServerActor; non-empty, <= 128 bytes
  std::vector<std::string> audience;  // parties this entry was shown to / concerns (may be empty);
                                      // sorted and de-duplicated on append
  std::string payload;                // JSON text; re-serialised canonically on append (see Canonicalize)
};

struct Entry {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::string kind;
  std::string actor;
  std::vector<std::string> audience;  // sorted, unique
  std::string payload;                // canonical JSON text
  Hash prev{};
  Hash hash{};
  Signature signature{};
};

inline constexpr std::size_t kMaxPayloadBytes = 16u << 20;  // 16 MiB

// Canonical JSON text of `json_text`: parsed and re-serialised with object keys sorted, no
// insignificant whitespace, UTF-8 (nlohmann::json::dump()). kInvalidArgument names the parse error.
Result<std::string> Canonicalize(std::string_view json_text);

// Checks kind/actor/audience/payload limits and canonicalises the payload and audience in place.
Status NormalizeInput(EntryInput& input);

// The bytes that are hashed (layout above).
std::string HashedBytes(const Entry& e);
// BLAKE2b-256 of HashedBytes(e).
Hash ComputeHash(const Entry& e);

// Fills e.seq, e.prev, e.hash and e.signature for a new entry following (prev_seq, prev_hash).
// REQUIRES: e.kind, actor, audience, payload, time_us set and normalised.
void SealEntry(Entry& e, std::uint64_t prev_seq, const Hash& prev_hash, const Signer& signer);

// One entry as one line of JSON (the `audit export` format, docs/record.md):
// {"seq":1,"time_us":..,"kind":"..","actor":"..","audience":[..],"payload":"<json text>",
//  "prev":"<hex>","hash":"<hex>","signature":"<hex>"}
std::string EntryToJson(const Entry& e);
// Parses EntryToJson output. Errors (kInvalidArgument) name the field.
Result<Entry> EntryFromJson(std::string_view line);

}  // namespace deconflict::record
