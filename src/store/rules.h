// The rules every store backend keeps, in one layer above the backends (docs/storage.md):
//   - parties: ids and roles checked, "server" reserved; credentials belong to an existing party;
//   - documents: a document keeps its owner; versions are 1 on create, +1 on every change and never reused (a
//     document recreated after a delete continues after its last version); writes are compare-and-set against
//     the version the caller read, and every version is kept in the history;
//   - deliveries: queued -> delivered -> acknowledged, queued -> acknowledged, queued|delivered -> expired;
//     acknowledged and expired are final; escalation never lowers level or priority;
//   - the record head: Append stamps seq (+1), prev (the last hash), time (now, never before the previous entry),
//     hash and signature;
//   - integrity at rest: every row written is sealed to the entry that writes it, and that entry's payload commits
//     to the rows ("rows", store/seal.h); a write that changes state without appending an entry after it is refused.
//
// A backend provides its rows through RowTx — the reads of ReadTx, and plain inserts and replacements that check
// none of the rules above — and runs each write function on a RulesTx over its RowTx (RunWriteFunction).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "record/entry.h"
#include "record/keys.h"
#include "record/receipt.h"
#include "store/seal.h"
#include "store/store.h"

namespace deconflict::store {

// Microseconds since the epoch, UTC (system clock): the times the store stamps.
TimeUs NowUs();

// How messages name a document ("operation op-1") and a delivery ("delivery of notice n-1 to red"), in every backend.
std::string DocumentName(DocumentKind kind, std::string_view id);
std::string DeliveryName(std::string_view notice_id, std::string_view recipient);

// The record's last entry as a write transaction sees it: the next entry follows it (zero when empty).
struct ChainHead {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  record::Hash hash = record::kZeroHash;
};

// A backend's rows inside one of its write transactions. Reads are ReadTx's. Writes store exactly what they are
// given, with the seal beside the row (a backend that keeps nothing at rest may drop seals), and check no rule.
class RowTx : public ReadTx {
 public:
  // Inserts a new row; kAlreadyExists when its key is taken.
  virtual Status InsertParty(const Party& p, const Seal& seal) = 0;
  virtual Status InsertCredential(const Credential& c, const Seal& seal) = 0;
  virtual Status InsertDocument(const Document& d, const Seal& seal) = 0;
  virtual Status InsertHistory(const Document& d, bool deleted, const Seal& seal) = 0;
  virtual Status InsertNotice(const Notice& n, const Seal& seal) = 0;
  virtual Status InsertDelivery(const Delivery& d, const Seal& seal) = 0;
  // Replaces the row with the same key and returns the digest of the seal it had; kNotFound when there is none.
  virtual Result<std::string> ReplaceCredential(const Credential& c, const Seal& seal) = 0;
  virtual Result<std::string> ReplaceDelivery(const Delivery& d, const Seal& seal) = 0;
  // Inserts or replaces track (party, id); the digest of the row replaced, "" when it is new.
  virtual Result<std::string> UpsertTrack(const TrackState& t, const Seal& seal) = 0;
  // Compare-and-set in one step (SQL: one conditional UPDATE / DELETE): replaces (removes) document (kind, id) only
  // while its stored version is `version`. The digest of the row replaced (removed), or nullopt when the stored
  // version is another or the document is gone.
  virtual Result<std::optional<std::string>> ReplaceDocument(const Document& d, std::int64_t version,
                                                             const Seal& seal) = 0;
  virtual Result<std::optional<std::string>> RemoveDocument(DocumentKind kind, std::string_view id,
                                                            std::int64_t version) = 0;
  // The highest version document (kind, id) ever had, deleted or not (0: never stored).
  virtual Result<std::int64_t> LastVersion(DocumentKind kind, std::string_view id) = 0;
  // Stores a sealed, signed entry, its audience index and the row commits it made.
  virtual Status InsertEntry(const record::Entry& e, std::span<const RowCommit> commits) = 0;
};

// The WriteTx every backend hands to a write function: the rules above, over the backend's rows.
class RulesTx final : public WriteTx {
 public:
  // head: the record's last entry; Append advances it (a backend that rolls the write back restores it).
  // state_key: the key of the row digests (seal.h).
  RulesTx(RowTx& rows, ChainHead& head, const record::Signer& signer, std::string_view state_key)
      : rows_(rows), head_(head), signer_(signer), state_key_(state_key) {}

  Result<Party> GetParty(std::string_view id) override { return rows_.GetParty(id); }
  Result<std::vector<Party>> ListParties() override { return rows_.ListParties(); }
  Result<Credential> FindCredential(std::string_view token_hash) override { return rows_.FindCredential(token_hash); }
  Result<std::vector<Credential>> ListCredentials(std::string_view party_id) override {
    return rows_.ListCredentials(party_id);
  }
  Result<Document> GetDocument(DocumentKind kind, std::string_view id) override { return rows_.GetDocument(kind, id); }
  Result<std::vector<Document>> ListDocuments(DocumentKind kind, const DocumentFilter& filter) override {
    return rows_.ListDocuments(kind, filter);
  }
  Result<std::vector<Document>> DocumentHistory(DocumentKind kind, std::string_view id) override {
    return rows_.DocumentHistory(kind, id);
  }
  Result<std::vector<TrackState>> ListTracks(std::string_view party) override { return rows_.ListTracks(party); }
  Result<Notice> GetNotice(std::string_view id) override { return rows_.GetNotice(id); }
  Result<Delivery> GetDelivery(std::string_view notice_id, std::string_view recipient) override {
    return rows_.GetDelivery(notice_id, recipient);
  }
  Result<std::vector<Delivery>> ListDeliveries(const DeliveryFilter& filter) override {
    return rows_.ListDeliveries(filter);
  }
  Result<std::vector<Notice>> ListNotices(const NoticeFilter& filter) override { return rows_.ListNotices(filter); }
  Result<record::Entry> GetEntry(std::uint64_t seq) override { return rows_.GetEntry(seq); }
  Result<std::uint64_t> HeadSeq() override { return rows_.HeadSeq(); }
  Result<std::vector<record::Entry>> ListEntries(std::uint64_t from_seq, std::size_t limit) override {
    return rows_.ListEntries(from_seq, limit);
  }
  Result<std::vector<record::Entry>> ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                         std::size_t limit) override {
    return rows_.ListEntriesForParty(party, from_seq, limit);
  }
  Result<std::vector<record::Entry>> ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                        std::uint64_t to_seq, std::size_t limit) override {
    return rows_.ListEntriesShownTo(party, from_seq, to_seq, limit);
  }
  Status ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) override {
    return rows_.ScanEntries(from_seq, visit);
  }

  Result<record::Entry> Append(record::EntryInput input) override;
  Status CreateParty(Party& party) override;
  Status AddCredential(Credential& credential) override;
  Status RevokeCredential(std::string_view token_hash) override;
  Result<Document> PutDocument(const Document& doc, std::int64_t expected_version) override;
  Status DeleteDocument(DocumentKind kind, std::string_view id, std::int64_t expected_version) override;
  Status UpsertTracks(std::span<const TrackState> tracks) override;
  Status CreateNotice(Notice& notice, std::span<const std::string> recipients, TimeUs deadline_us) override;
  Result<Delivery> UpdateDelivery(std::string_view notice_id, std::string_view recipient, DeliveryState to,
                                  TimeUs at_us) override;
  Result<Delivery> Escalate(std::string_view notice_id, std::string_view recipient, int level, int priority,
                            TimeUs new_deadline_us) override;

  // Entries this transaction appended.
  std::uint64_t appended() const { return appended_; }
  // Rows written since the last Append: a write function must append an entry after its last state change (the
  // entry commits to the rows); RunWriteFunction refuses the write otherwise (kInternal).
  std::size_t uncommitted_rows() const { return pending_.size(); }
  Status UncommittedRowsError() const;

  // For a backend adopting rows it already holds (a migrated database): the seal `row` gets from the next entry,
  // and the commit of a row so sealed, which the next Append commits to like a row written.
  Seal SealOf(const Row& row) const;
  void Sealed(const Row& row, const Seal& seal) { Queue(row, seal.digest, ""); }

 private:
  void Queue(const Row& row, const std::string& digest, const std::string& replaced);
  Status WriteDelivery(const Delivery& d);
  Status InsertHistory(const Document& d, bool deleted);
  Result<std::string> CommitRows(std::string payload);  // adds "rows" to the payload when rows are queued

  RowTx& rows_;
  ChainHead& head_;
  const record::Signer& signer_;
  std::string_view state_key_;
  std::vector<RowCommit> pending_;
  std::uint64_t appended_ = 0;
};

// Runs one write function on tx: its status, kInternal if it threw ("write function threw: ...") or changed state
// without a record entry after it. The backend keeps what fn did only when this returns OK.
Status RunWriteFunction(const std::function<Status(WriteTx&)>& fn, RulesTx& tx);

// Store::IssueReceipt and Store::VerifyRecord, the same for every backend, over its reads.
Result<record::Receipt> IssueReceipt(Store& store, const record::Signer& signer, std::string_view party,
                                     std::uint64_t seq);
Status VerifyRecord(Store& store, const record::PublicKey& pk);

}  // namespace deconflict::store
