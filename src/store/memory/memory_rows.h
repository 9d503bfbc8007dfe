// INTERNAL to the memory backend: its rows and the RowTx over them (store/rules.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/rules.h"

namespace deconflict::store::memory {

// A row with the digest of its seal (what a replacement drops, store/seal.h).
template <typename T>
struct Sealed {
  T row;
  std::string digest;
};

struct HistoryItem {
  Document doc;
  bool deleted = false;
};

// Everything a memory store holds. Ordered maps give the orders the SQL backends list in.
struct State {
  std::map<std::string, Sealed<Party>> parties;
  std::map<std::string, Sealed<Credential>> credentials;  // by token hash
  std::map<std::pair<DocumentKind, std::string>, Sealed<Document>> documents;
  std::map<std::tuple<DocumentKind, std::string, std::int64_t>, Sealed<HistoryItem>> history;
  std::map<std::pair<std::string, std::string>, Sealed<TrackState>> tracks;  // (party, id)
  std::map<std::string, Sealed<Notice>> notices;
  std::map<std::pair<std::string, std::string>, Sealed<Delivery>> deliveries;  // (notice, recipient)
  std::vector<record::Entry> entries;                                          // entries[i].seq == i + 1
  std::map<std::string, std::set<std::uint64_t>> shown;                        // party -> seqs of its audience
  // Insertion order of documents and notices (Document::position, Notice::position), as SQL's rowid: a document
  // keeps its position when replaced; one removed and created again gets a new one. Never reused.
  std::int64_t last_position = 0;
};

// Reads of a State, and (with an undo log) its writes. REQUIRES: the caller holds the store's lock (shared for
// reads, exclusive for writes). Writes through a read-only MemRows (undo == nullptr) are a bug.
class MemRows final : public RowTx {
 public:
  MemRows(State& state, std::vector<std::function<void()>>* undo) : s_(state), undo_(undo) {}

  Result<Party> GetParty(std::string_view id) override;
  Result<std::vector<Party>> ListParties() override;
  Result<Credential> FindCredential(std::string_view token_hash) override;
  Result<std::vector<Credential>> ListCredentials(std::string_view party_id) override;
  Result<Document> GetDocument(DocumentKind kind, std::string_view id) override;
  Result<std::vector<Document>> ListDocuments(DocumentKind kind, const DocumentFilter& filter) override;
  Result<std::vector<Document>> DocumentHistory(DocumentKind kind, std::string_view id) override;
  Result<std::vector<TrackState>> ListTracks(std::string_view party) override;
  Result<Notice> GetNotice(std::string_view id) override;
  Result<Delivery> GetDelivery(std::string_view notice_id, std::string_view recipient) override;
  Result<std::vector<Delivery>> ListDeliveries(const DeliveryFilter& filter) override;
  Result<std::vector<Notice>> ListNotices(const NoticeFilter& filter) override;
  Result<record::Entry> GetEntry(std::uint64_t seq) override;
  Result<std::uint64_t> HeadSeq() override { return static_cast<std::uint64_t>(s_.entries.size()); }
  Result<std::vector<record::Entry>> ListEntries(std::uint64_t from_seq, std::size_t limit) override;
  Result<std::vector<record::Entry>> ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                         std::size_t limit) override;
  Result<std::vector<record::Entry>> ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                        std::uint64_t to_seq, std::size_t limit) override;
  Status ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) override;

  Status InsertParty(const Party& p, const Seal& seal) override;
  Status InsertCredential(const Credential& c, const Seal& seal) override;
  Status InsertDocument(const Document& d, const Seal& seal) override;
  Status InsertHistory(const Document& d, bool deleted, const Seal& seal) override;
  Status InsertNotice(const Notice& n, const Seal& seal) override;
  Status InsertDelivery(const Delivery& d, const Seal& seal) override;
  Result<std::string> ReplaceCredential(const Credential& c, const Seal& seal) override;
  Result<std::string> ReplaceDelivery(const Delivery& d, const Seal& seal) override;
  Result<std::string> UpsertTrack(const TrackState& t, const Seal& seal) override;
  Result<std::optional<std::string>> ReplaceDocument(const Document& d, std::int64_t version,
                                                     const Seal& seal) override;
  Result<std::optional<std::string>> RemoveDocument(DocumentKind kind, std::string_view id,
                                                    std::int64_t version) override;
  Result<std::int64_t> LastVersion(DocumentKind kind, std::string_view id) override;
  Status InsertEntry(const record::Entry& e, std::span<const RowCommit> commits) override;

 private:
  // Inserts (key, value) into map; kAlreadyExists naming `what` when the key is taken. Undone on rollback.
  template <typename Map>
  Status Insert(Map& map, typename Map::key_type key, typename Map::mapped_type value, const char* what);
  // Replaces the value at an existing key; returns the previous digest. Undone on rollback.
  template <typename Map>
  std::string Replace(Map& map, typename Map::iterator it, typename Map::mapped_type value);

  State& s_;
  std::vector<std::function<void()>>* undo_;
};

}  // namespace deconflict::store::memory
