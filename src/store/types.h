// Plain data kept by the store. No storage-engine types; every field says its unit and who sets it.
// Times are microseconds since 1970-01-01T00:00:00Z (UTC), type TimeUs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace deconflict::store {

using TimeUs = std::int64_t;

// Identifiers (party ids, document ids, notice ids) are 1..128 bytes of [A-Za-z0-9_.:@-].
// The store refuses others with kInvalidArgument naming the field.

struct Party {
  std::string id;
  std::string name;                // display name, may be empty
  std::string role = "party";      // "party" or "admin"
  std::string escalation_contact;  // free text (a party id, a phone, an e-mail); may be empty
  TimeUs created_us = 0;           // set by the store on create
};

// An API credential. The token itself is never stored, only record::TokenHashHex(token).
struct Credential {
  std::string token_hash;  // hex; unique
  std::string party_id;    // must exist
  std::string label;       // free text
  TimeUs created_us = 0;   // set by the store
  bool revoked = false;
};

// Operations, zones and agreements are documents: the engine's JSON body, opaque to the store,
// plus the few fields the store indexes and a version token for optimistic concurrency.
enum class DocumentKind { kOperation, kZone, kAgreement };
const char* DocumentKindName(DocumentKind k);  // "operation", "zone", "agreement"

struct Document {
  DocumentKind kind = DocumentKind::kOperation;
  std::string id;            // unique within kind
  std::string owner;         // owning party (agreement: the party that proposed the first version)
  std::string counterparty;  // agreement: the other party; empty for operations and zones
  std::string state;         // engine-defined ("accepted", "activated", "proposed", "in_force", ...)
  TimeUs start_us = 0;       // time window used by ListDocuments(active_at); 0/0 = always
  TimeUs end_us = 0;
  std::string body;          // JSON text, stored verbatim (the store checks it parses)
  std::int64_t version = 0;  // set by the store: 1 on create, +1 on each update. The version token.
  TimeUs updated_us = 0;     // set by the store
};

// Version expectation for PutDocument / DeleteDocument.
inline constexpr std::int64_t kMustNotExist = 0;  // create; kAlreadyExists if present
inline constexpr std::int64_t kAnyVersion = -1;   // unconditional create-or-update (server-internal use)

struct DocumentFilter {
  std::string owner;             // only documents owned by this party ("" = any)
  std::string involving;         // owner or counterparty is this party ("" = any)
  std::string state;             // only this state ("" = any)
  TimeUs active_at = 0;          // only windows containing this time (0 = any); 0/0 windows always match
  std::size_t limit = 10000;     // at most this many, ordered by id
};

// Track states are persisted as the latest state per (party, id); history lives in the record.
// (See core/track.h TrackState; time_s is kept as given.)

enum class DeliveryState { kQueued, kDelivered, kAcknowledged, kExpired };
const char* DeliveryStateName(DeliveryState s);  // "queued", "delivered", "acknowledged", "expired"

struct Notice {
  std::string id;          // unique
  std::string kind;        // "alert", "advisory", "operation_notice", "distress", "free_text", ...
  std::string sender;      // party id, or "server"
  int priority = 0;        // higher is more urgent; distress uses the highest
  std::string ref;         // linked operation/zone/alert id; may be empty
  std::string body;        // JSON text
  TimeUs created_us = 0;   // set by the store
};

// One notice to one recipient. Transitions (UpdateDelivery):
//   queued -> delivered -> acknowledged;  queued -> acknowledged (implies delivered, same time);
//   queued|delivered -> expired.  Acknowledged and expired are final.
struct Delivery {
  std::string notice_id;
  std::string recipient;
  DeliveryState state = DeliveryState::kQueued;
  TimeUs queued_us = 0;        // set by the store on CreateNotice
  TimeUs delivered_us = 0;     // 0 until delivered
  TimeUs acknowledged_us = 0;  // 0 until acknowledged
  TimeUs expired_us = 0;       // 0 unless expired
  TimeUs deadline_us = 0;      // acknowledgement deadline; 0 = none
  int escalation_level = 0;    // 0 = not escalated; raised by Escalate
  int priority = 0;            // copied from the notice, raised by Escalate
};

struct DeliveryFilter {
  std::string notice_id;        // "" = any
  std::string recipient;        // "" = any
  std::vector<DeliveryState> states;  // empty = any
  TimeUs deadline_before = 0;   // only deliveries with 0 < deadline_us < this (0 = no filter)
  std::size_t limit = 10000;    // ordered by (priority desc, queued_us, notice_id, recipient)
};

// Counters for /metrics. Monotonic since open.
struct StoreStats {
  std::uint64_t commits = 0;          // durable commits (each one fsync with synchronous=FULL)
  std::uint64_t write_calls = 0;      // Write() calls that succeeded
  std::uint64_t write_failures = 0;   // Write() calls that returned an error
  std::uint64_t record_entries = 0;   // entries appended since open
  std::uint64_t max_batch = 0;        // most Write() calls committed together
};

// What Store::VerifyIntegrity checked.
struct IntegrityReport {
  bool full = false;                    // from the first entry; otherwise from the verified head stored at a start
  std::uint64_t from_seq = 0;           // entries after this one were verified (0: all)
  std::uint64_t head_seq = 0;           // the last entry
  std::uint64_t entries_verified = 0;   // hash, chain and signature checked
  std::uint64_t rows_verified = 0;      // state rows whose seal and committing entry were checked
  std::uint64_t commits_checked = 0;    // row commits balanced (put - drop = stored)
  double seconds = 0;
};

}  // namespace deconflict::store
