#include "store/rules.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "record/verify.h"
#include "store/validate.h"

namespace deconflict::store {
namespace {

Status StaleVersion(DocumentKind kind, std::string_view id, std::int64_t stored, std::string_view what,
                    std::int64_t expected) {
  return Status::Conflict("stale version token: " + DocumentName(kind, id) + " is at version " + std::to_string(stored) +
                          ", the " + std::string(what) + " expected version " + std::to_string(expected));
}

bool Final(DeliveryState s) { return s == DeliveryState::kAcknowledged || s == DeliveryState::kExpired; }

}  // namespace

std::string DocumentName(DocumentKind kind, std::string_view id) {
  return std::string(DocumentKindName(kind)) + " " + std::string(id);
}

std::string DeliveryName(std::string_view notice_id, std::string_view recipient) {
  return "delivery of notice " + std::string(notice_id) + " to " + std::string(recipient);
}

TimeUs NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- sealing: every row written is committed to by the next entry ----

Seal RulesTx::SealOf(const Row& row) const {
  const std::uint64_t rseq = head_.seq + 1;  // the next entry this transaction appends commits to it
  return Seal{rseq, RowDigest(state_key_, row.spec->table, rseq, row.values)};
}

void RulesTx::Queue(const Row& row, const std::string& digest, const std::string& replaced) {
  if (!replaced.empty()) pending_.push_back(RowCommit{"drop", row.spec->table, row.name(), replaced});
  pending_.push_back(RowCommit{"put", row.spec->table, row.name(), digest});
}

Result<std::string> RulesTx::CommitRows(std::string payload) {
  if (pending_.empty()) return payload;
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) {
    return Status::Invalid("a record entry that follows state changes needs a JSON object payload (it gets \"rows\")");
  }
  if (j.contains("rows")) return Status::Invalid("record entry payload field \"rows\" is reserved for the store");
  j["rows"] = RowsRoot(pending_);
  return j.dump();
}

Status RulesTx::UncommittedRowsError() const {
  return Status::Internal("the write changed " + pending_.front().object + " (and " +
                          std::to_string(pending_.size() - 1) +
                          " more) without appending a record entry after it: every state change must be in the "
                          "record (docs/storage.md); nothing of the write was stored");
}

// ---- the record head ----

Result<record::Entry> RulesTx::Append(record::EntryInput input) {
  if (Status s = record::NormalizeInput(input); !s.ok()) return s;
  auto payload = CommitRows(std::move(input.payload));  // the rows written since the last entry
  if (!payload.ok()) return payload.status();
  record::Entry e;
  e.time_us = std::max(NowUs(), head_.time_us);  // never before the previous entry
  e.kind = std::move(input.kind);
  e.actor = std::move(input.actor);
  e.audience = std::move(input.audience);
  e.payload = std::move(*payload);
  record::SealEntry(e, head_.seq, head_.hash, signer_);
  if (Status s = rows_.InsertEntry(e, pending_); !s.ok()) return s;
  pending_.clear();
  head_ = ChainHead{e.seq, e.time_us, e.hash};
  ++appended_;
  return e;
}

// ---- parties and credentials ----

Status RulesTx::CreateParty(Party& party) {
  if (Status s = ValidateId(party.id, "party id"); !s.ok()) return s;
  if (party.role != "party" && party.role != "admin") {
    return Status::Invalid("party " + party.id + ": role must be \"party\" or \"admin\", not \"" + party.role + "\"");
  }
  if (party.id == record::kServerActor) {
    return Status::Invalid("party id \"server\" is reserved for the server itself");
  }
  party.created_us = NowUs();
  const Row row = PartyRow(party);
  const Seal seal = SealOf(row);
  Status s = rows_.InsertParty(party, seal);
  if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "party " + party.id + " already exists"};
  if (!s.ok()) return s;
  Queue(row, seal.digest, "");
  return Status::Ok();
}

Status RulesTx::AddCredential(Credential& credential) {
  if (credential.token_hash.size() < 32 || credential.token_hash.size() > 128) {
    return Status::Invalid("credential token_hash must be 32 to 128 characters (a hex hash, not a token)");
  }
  if (auto p = GetParty(credential.party_id); !p.ok()) return p.status();
  credential.created_us = NowUs();
  const Row row = CredentialRow(credential);
  const Seal seal = SealOf(row);
  Status s = rows_.InsertCredential(credential, seal);
  if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "credential already exists"};
  if (!s.ok()) return s;
  Queue(row, seal.digest, "");
  return Status::Ok();
}

Status RulesTx::RevokeCredential(std::string_view token_hash) {
  auto found = FindCredential(token_hash);
  if (!found.ok() && found.status().code() == ErrorCode::kNotFound) {
    return Status::NotFound("no credential with this token hash");
  }
  if (!found.ok()) return found.status();
  Credential c = *found;
  c.revoked = true;
  const Row row = CredentialRow(c);
  const Seal seal = SealOf(row);
  auto replaced = rows_.ReplaceCredential(c, seal);
  if (!replaced.ok()) return replaced.status();
  Queue(row, seal.digest, *replaced);
  return Status::Ok();
}

// ---- documents: owner kept, versions never reused, compare-and-set ----

Status RulesTx::InsertHistory(const Document& d, bool deleted) {
  const Row row = HistoryRow(d, deleted);
  const Seal seal = SealOf(row);
  if (Status s = rows_.InsertHistory(d, deleted, seal); !s.ok()) return s;
  Queue(row, seal.digest, "");
  return Status::Ok();
}

Result<Document> RulesTx::PutDocument(const Document& in, std::int64_t expected_version) {
  if (Status s = ValidateDocument(in); !s.ok()) return s;
  if (expected_version < kAnyVersion) {
    return Status::Invalid(DocumentName(in.kind, in.id) + ": expected version " + std::to_string(expected_version) +
                           " is not a version token");
  }
  auto current = GetDocument(in.kind, in.id);
  if (!current.ok() && current.status().code() != ErrorCode::kNotFound) return current.status();
  const bool exists = current.ok();
  if (exists && current->owner != in.owner) {
    return Status(ErrorCode::kPermissionDenied,
                  DocumentName(in.kind, in.id) + " is owned by " + current->owner + ", not " + in.owner);
  }
  Document d = in;
  d.updated_us = NowUs();
  if (!exists) {
    if (expected_version > 0) return Status::NotFound(DocumentName(in.kind, in.id) + " does not exist");
    // Versions are never reused, even after a delete: continue after the last version in history.
    auto last = rows_.LastVersion(d.kind, d.id);
    if (!last.ok()) return last.status();
    d.version = *last + 1;
    const Row row = DocumentRow(d);
    const Seal seal = SealOf(row);
    if (Status s = rows_.InsertDocument(d, seal); !s.ok()) return s;
    Queue(row, seal.digest, "");
  } else {
    if (expected_version == kMustNotExist) {
      return Status(ErrorCode::kAlreadyExists,
                    DocumentName(in.kind, in.id) + " already exists (version " + std::to_string(current->version) + ")");
    }
    const std::int64_t expected = expected_version == kAnyVersion ? current->version : expected_version;
    d.version = expected + 1;
    const Row row = DocumentRow(d);
    const Seal seal = SealOf(row);
    // Compare-and-set: the row changes only if it is still at the expected version.
    auto replaced = rows_.ReplaceDocument(d, expected, seal);
    if (!replaced.ok()) return replaced.status();
    if (!*replaced) return StaleVersion(in.kind, in.id, current->version, "write", expected);
    Queue(row, seal.digest, **replaced);
  }
  if (Status s = InsertHistory(d, false); !s.ok()) return s;
  return d;
}

Status RulesTx::DeleteDocument(DocumentKind kind, std::string_view id, std::int64_t expected_version) {
  auto current = GetDocument(kind, id);
  if (!current.ok()) return current.status();
  if (expected_version != kAnyVersion && expected_version != current->version) {
    return StaleVersion(kind, id, current->version, "delete", expected_version);
  }
  auto removed = rows_.RemoveDocument(kind, id, current->version);
  if (!removed.ok()) return removed.status();
  if (!*removed) return Status::Conflict("stale version token: " + DocumentName(kind, id) + " changed during the delete");
  if (!(*removed)->empty()) pending_.push_back(RowCommit{"drop", "documents", DocumentName(kind, id), **removed});
  Document tomb = *current;
  tomb.version += 1;
  tomb.state = "deleted";
  tomb.updated_us = NowUs();
  return InsertHistory(tomb, true);
}

// ---- tracks ----

Status RulesTx::UpsertTracks(std::span<const TrackState> tracks) {
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (Status s = ValidateTrack(tracks[i], i); !s.ok()) return s;
  }
  for (const TrackState& t : tracks) {
    const Row row = TrackRow(t);
    const Seal seal = SealOf(row);
    auto replaced = rows_.UpsertTrack(t, seal);
    if (!replaced.ok()) return replaced.status();
    Queue(row, seal.digest, *replaced);
  }
  return Status::Ok();
}

// ---- notices and deliveries: forward only ----

Status RulesTx::CreateNotice(Notice& notice, std::span<const std::string> recipients, TimeUs deadline_us) {
  if (Status s = ValidateNotice(notice, recipients); !s.ok()) return s;
  std::vector<std::string> unique(recipients.begin(), recipients.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (const auto& r : unique) {
    if (auto p = GetParty(r); !p.ok()) {
      return p.status().code() == ErrorCode::kNotFound
                 ? Status::NotFound("notice " + notice.id + ": recipient " + r + " is not a party")
                 : p.status();
    }
  }
  notice.created_us = NowUs();
  const Row row = NoticeRow(notice);
  const Seal seal = SealOf(row);
  if (Status s = rows_.InsertNotice(notice, seal); !s.ok()) {
    if (s.code() == ErrorCode::kAlreadyExists) return {ErrorCode::kAlreadyExists, "notice " + notice.id + " already exists"};
    return s;
  }
  Queue(row, seal.digest, "");
  for (const auto& r : unique) {
    Delivery d;
    d.notice_id = notice.id;
    d.recipient = r;
    d.state = DeliveryState::kQueued;
    d.queued_us = notice.created_us;
    d.deadline_us = deadline_us;
    d.priority = notice.priority;
    const Row drow = DeliveryRow(d);
    const Seal dseal = SealOf(drow);
    if (Status s = rows_.InsertDelivery(d, dseal); !s.ok()) return s;
    Queue(drow, dseal.digest, "");
  }
  return Status::Ok();
}

Status RulesTx::WriteDelivery(const Delivery& d) {
  const Row row = DeliveryRow(d);
  const Seal seal = SealOf(row);
  auto replaced = rows_.ReplaceDelivery(d, seal);
  if (!replaced.ok()) return replaced.status();
  Queue(row, seal.digest, *replaced);
  return Status::Ok();
}

Result<Delivery> RulesTx::UpdateDelivery(std::string_view notice_id, std::string_view recipient, DeliveryState to,
                                         TimeUs at_us) {
  auto cur = GetDelivery(notice_id, recipient);
  if (!cur.ok()) return cur.status();
  Delivery d = *cur;
  if (d.state == to) return d;
  auto forbidden = [&] {
    return Status::Conflict(DeliveryName(notice_id, recipient) + " is " + DeliveryStateName(d.state) +
                            "; it cannot become " + DeliveryStateName(to));
  };
  if (Final(d.state)) return forbidden();
  switch (to) {
    case DeliveryState::kQueued:
      return forbidden();
    case DeliveryState::kDelivered:
      d.delivered_us = at_us;
      break;
    case DeliveryState::kAcknowledged:
      if (d.delivered_us == 0) d.delivered_us = at_us;
      d.acknowledged_us = at_us;
      break;
    case DeliveryState::kExpired:
      d.expired_us = at_us;
      break;
  }
  d.state = to;
  if (Status s = WriteDelivery(d); !s.ok()) return s;
  return d;
}

Result<Delivery> RulesTx::Escalate(std::string_view notice_id, std::string_view recipient, int level, int priority,
                                   TimeUs new_deadline_us) {
  auto cur = GetDelivery(notice_id, recipient);
  if (!cur.ok()) return cur.status();
  Delivery d = *cur;
  if (Final(d.state)) {
    return Status::Conflict(DeliveryName(notice_id, recipient) + " is " + DeliveryStateName(d.state) +
                            "; it cannot be escalated");
  }
  d.escalation_level = std::max(d.escalation_level, level);
  d.priority = std::max(d.priority, priority);
  d.deadline_us = new_deadline_us;
  if (Status s = WriteDelivery(d); !s.ok()) return s;
  return d;
}

// ---- shared by every backend's Store ----

Status RunWriteFunction(const std::function<Status(WriteTx&)>& fn, RulesTx& tx) {
  Status s;
  try {
    s = fn(tx);
  } catch (const std::exception& e) {
    s = Status::Internal(std::string("write function threw: ") + e.what());
  } catch (...) {
    s = Status::Internal("write function threw a non-standard exception");
  }
  if (s.ok() && tx.uncommitted_rows() > 0) s = tx.UncommittedRowsError();  // state the record would not say
  return s;
}

Result<record::Receipt> IssueReceipt(Store& store, const record::Signer& signer, std::string_view party,
                                     std::uint64_t seq) {
  std::optional<record::Entry> entry;
  Status s = store.Read([&](ReadTx& tx) -> Status {
    auto e = tx.GetEntry(seq);
    if (!e.ok()) return e.status();
    entry = std::move(*e);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  const bool concerns = entry->actor == party ||
                        std::binary_search(entry->audience.begin(), entry->audience.end(), std::string(party));
  if (!concerns) {
    return Status(ErrorCode::kPermissionDenied, "record entry seq " + std::to_string(seq) +
                                                    " was neither sent by nor shown to party " + std::string(party));
  }
  return record::MakeReceipt(*entry, party, NowUs(), signer);
}

Status VerifyRecord(Store& store, const record::PublicKey& pk) {
  record::ChainVerifier verifier(pk);
  return store.Read([&](ReadTx& tx) -> Status {
    Status s = tx.ScanEntries(1, [&](const record::Entry& e) -> Status {
      if (!verifier.Add(e)) return Status::Corruption(record::Describe(*verifier.failure()));
      return Status::Ok();
    });
    if (!s.ok() && s.code() == ErrorCode::kCorruption && !verifier.failure()) {
      return Status::Corruption("record entry at position " + std::to_string(verifier.count() + 1) + ": " +
                                s.message());
    }
    return s;
  });
}

}  // namespace deconflict::store
