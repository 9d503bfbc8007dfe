// store::Store — durable state of deconflict behind one interface, whatever the backend: the embedded SQLite
// store (store/sqlite/), an in-memory one for tests (store/memory/), PostgreSQL next. Open one by URL with
// store::Open (store/open.h). This header and store/types.h are the whole API; no backend type appears in them.
//
// Every write is one function run inside one transaction: Write(fn) runs fn(WriteTx&) and, if fn returns
// OK, commits it together with every record entry fn appended. If fn returns an error, nothing fn did is
// kept (no half-stored state, no record entry). A durable backend returns from Write only after the commit is
// durable (SQLite: WAL + synchronous=FULL, i.e. fsync before return, docs/storage.md), so a caller may
// acknowledge to the client as soon as Write returns OK.
//
// The rules every backend keeps — party ownership of documents, versions never reused and compare-and-set,
// delivery transitions, the record head and the row commits ("rows") — live in one layer above the backends
// (store/rules.h), so that every backend refuses and records the same way.
//
// Thread-safety: Store is safe for concurrent use from any number of threads. Reads see the last committed
// state, one consistent snapshot per Read.
// REQUIRES: fn passed to Write/Read does not call back into the same Store (it would deadlock) and does
// no blocking I/O (it delays every other writer); it is called exactly once unless Write fails before
// running it (e.g. store closed). A write fn that changes state appends a record entry after its last change:
// that entry commits to the rows written (docs/storage.md, "Integrity at rest"); a write that does not is
// refused with kInternal and nothing of it is stored.
//
// Error codes (core/status.h) used throughout:
//   kInvalidArgument  bad id, bad JSON, limits            kNotFound     no such row
//   kAlreadyExists    create of an existing id             kConflict     stale version token, bad transition
//   kIo               disk full, fsync failed, cannot open  kCorruption  database or record does not verify
//   kInternal         bug, exception thrown by fn
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "record/entry.h"
#include "record/keys.h"
#include "record/receipt.h"
#include "store/types.h"

namespace deconflict::store {

// Reads inside one consistent snapshot.
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  // Parties and credentials.
  virtual Result<Party> GetParty(std::string_view id) = 0;
  virtual Result<std::vector<Party>> ListParties() = 0;
  // The credential with this token hash, revoked or not (check .revoked). kNotFound if none.
  virtual Result<Credential> FindCredential(std::string_view token_hash) = 0;
  virtual Result<std::vector<Credential>> ListCredentials(std::string_view party_id) = 0;

  // Operations, zones, agreements.
  virtual Result<Document> GetDocument(DocumentKind kind, std::string_view id) = 0;
  virtual Result<std::vector<Document>> ListDocuments(DocumentKind kind, const DocumentFilter& filter) = 0;
  // Every stored version of one document, oldest first (agreement versions, operation changes).
  virtual Result<std::vector<Document>> DocumentHistory(DocumentKind kind, std::string_view id) = 0;

  // Latest state of each track ("" = every party), ordered by (party, id).
  virtual Result<std::vector<TrackState>> ListTracks(std::string_view party) = 0;

  // Notices and deliveries.
  virtual Result<Notice> GetNotice(std::string_view id) = 0;
  virtual Result<Delivery> GetDelivery(std::string_view notice_id, std::string_view recipient) = 0;
  virtual Result<std::vector<Delivery>> ListDeliveries(const DeliveryFilter& filter) = 0;
  // Notices filter.party sent or receives with position > filter.after_position, in insertion order, at most
  // filter.limit (pages never repeat or skip a notice, whatever is inserted meanwhile).
  virtual Result<std::vector<Notice>> ListNotices(const NoticeFilter& filter) = 0;

  // The record. HeadSeq: last seq, 0 when empty.
  virtual Result<record::Entry> GetEntry(std::uint64_t seq) = 0;
  virtual Result<std::uint64_t> HeadSeq() = 0;
  // Entries with seq >= from_seq in ascending stored order, at most `limit`.
  virtual Result<std::vector<record::Entry>> ListEntries(std::uint64_t from_seq, std::size_t limit) = 0;
  // Entries the party sent (actor == party) or was shown (party in audience), seq >= from_seq, ascending.
  virtual Result<std::vector<record::Entry>> ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                                 std::size_t limit) = 0;
  // Entries the party was shown (party in audience; not those it only sent) with from_seq <= seq <= to_seq,
  // ascending, at most `limit`. Served by the audience index: cost is proportional to what is returned.
  virtual Result<std::vector<record::Entry>> ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                                std::uint64_t to_seq, std::size_t limit) = 0;
  // Calls visit for every entry with seq >= from_seq in ascending stored order, without holding them all
  // in memory; stops at the first non-OK status visit returns (and returns it).
  virtual Status ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) = 0;
};

// Reads and writes inside one transaction (see Store::Write).
class WriteTx : public ReadTx {
 public:
  // Appends an entry to the record in this transaction: normalises the input (record::NormalizeInput),
  // stamps time (now, never before the previous entry), seq, prev, hash and signature. Returns the sealed
  // entry; it becomes durable and visible when the Write commits.
  virtual Result<record::Entry> Append(record::EntryInput input) = 0;

  // kAlreadyExists if the id exists; kInvalidArgument for a bad id or role. Fills created_us.
  virtual Status CreateParty(Party& party) = 0;
  // kNotFound if the party does not exist; kAlreadyExists for a duplicate token_hash. Fills created_us.
  virtual Status AddCredential(Credential& credential) = 0;
  // kNotFound if no such credential.
  virtual Status RevokeCredential(std::string_view token_hash) = 0;

  // Compare-and-set write of a document. expected_version: kMustNotExist (create), the version the caller
  // read (update; kConflict "stale version token" if the stored version differs, kNotFound if absent), or
  // kAnyVersion. Returns the stored document with its new version and updated_us. Appends to history.
  virtual Result<Document> PutDocument(const Document& doc, std::int64_t expected_version) = 0;
  // Compare-and-set delete (history is kept). kNotFound, kConflict as for PutDocument.
  virtual Status DeleteDocument(DocumentKind kind, std::string_view id, std::int64_t expected_version) = 0;

  // Upserts the latest state of each track, keyed by (party, id). kInvalidArgument names the first bad
  // track (index and field: empty id, non-finite number); then nothing of the batch is kept.
  virtual Status UpsertTracks(std::span<const TrackState> tracks) = 0;

  // Creates the notice and one queued delivery per recipient (deduplicated) with the given deadline
  // (0 = none). kAlreadyExists for a duplicate notice id; kInvalidArgument for no recipients.
  // Fills notice.created_us.
  virtual Status CreateNotice(Notice& notice, std::span<const std::string> recipients, TimeUs deadline_us) = 0;
  // Moves a delivery to `to` at time `at_us` (see Delivery for the transitions). Moving to the state it
  // is already in is a no-op that returns the delivery unchanged. kConflict for a forbidden transition
  // ("delivery n1 -> B is acknowledged; cannot expire"), kNotFound if no such delivery.
  virtual Result<Delivery> UpdateDelivery(std::string_view notice_id, std::string_view recipient,
                                          DeliveryState to, TimeUs at_us) = 0;
  // Raises escalation_level to `level` and priority to `priority` (never lowers them) and sets a new
  // deadline. kConflict if the delivery is acknowledged or expired.
  virtual Result<Delivery> Escalate(std::string_view notice_id, std::string_view recipient, int level,
                                    int priority, TimeUs new_deadline_us) = 0;
};

class Store {
 public:
  virtual ~Store() = default;  // waits for queued writes to commit, then closes

  // Runs fn in one transaction, commits durably (see top of file). Returns fn's error if it failed (and
  // nothing is kept), kIo if the commit failed (and nothing of fn is kept), otherwise OK once durable.
  virtual Status Write(const std::function<Status(WriteTx&)>& fn) = 0;

  // Like Write, but returns at once: `fn` is queued (moved into the store) and `done(status)` is called
  // exactly once with what Write would have returned — OK only once the commit is durable. Lets an
  // asynchronous server keep many writes in flight with few threads, so they share fsyncs (group commit).
  // `done` runs on the store's writer thread (or at once on the caller's, if the store is closed or
  // read-only): keep it short and non-blocking (post the reply to your executor); it may call WriteAsync
  // but not Write. Writes are committed in the order they were queued.
  virtual void WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done) = 0;

  // Runs fn on a read snapshot. Returns fn's status.
  virtual Status Read(const std::function<Status(ReadTx&)>& fn) = 0;

  // The server public key that signs the record (export it: anyone verifies with it).
  virtual const record::PublicKey& public_key() const = 0;

  // A signed receipt of entry `seq` for `party`. kNotFound if no such entry; kPermissionDenied unless the
  // party is the entry's actor or in its audience (need-to-know).
  virtual Result<record::Receipt> IssueReceipt(std::string_view party, std::uint64_t seq) = 0;

  // Verifies the whole record (docs/record.md). OK, or kCorruption whose message names the first bad
  // entry: "record entry at position 7 (seq 7): hash does not match content".
  virtual Status VerifyRecord() = 0;

  // Integrity at rest (docs/storage.md): the record verifies (every entry when `full`, otherwise the entries after
  // the verified head a previous call stored, which must itself be unchanged), and the stored state is what the
  // record says — each row of parties, credentials, documents and their history, tracks, notices and deliveries is
  // sealed by the entry that wrote it, and nothing written since the verified head (ever, when full) was removed or
  // rolled back. kCorruption naming the first object that is not: "notice n-1 was changed outside deconflict: ...".
  // A writable store then stores the head it verified (signed), so that the next start costs what came after it.
  virtual Result<IntegrityReport> VerifyIntegrity(bool full) = 0;

  virtual StoreStats stats() const = 0;

  // What opening the store changed that its operator should know, one sentence each: a data directory or
  // database file open to group or others that was made 0700/0600 (log them as warnings).
  virtual std::vector<std::string> open_notes() const = 0;

  // Convenience: appends one entry in its own transaction.
  Result<record::Entry> Append(record::EntryInput input) {
    Result<record::Entry> out = Status::Internal("record append did not run");
    Status s = Write([&](WriteTx& tx) {
      out = tx.Append(std::move(input));
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
};

}  // namespace deconflict::store
