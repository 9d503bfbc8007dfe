// The memory backend's rows (MemRows): reads in the orders the SQL backends give, writes with an undo log.
#include "store/memory/memory_rows.h"

#include <algorithm>

namespace deconflict::store::memory {
namespace {

// Collects the values of [first, last) that pass `keep`, at most `limit`.
template <typename It, typename Keep, typename Get>
auto Take(It first, It last, std::size_t limit, Keep keep, Get get) {
  std::vector<std::decay_t<decltype(get(*first))>> out;
  for (; first != last && out.size() < limit; ++first)
    if (keep(*first)) out.push_back(get(*first));
  return out;
}

bool Active(const Document& d, TimeUs at) {
  return (d.start_us == 0 && d.end_us == 0) || (d.start_us <= at && d.end_us >= at);
}

}  // namespace

// ---- reads ----

Result<Party> MemRows::GetParty(std::string_view id) {
  auto it = s_.parties.find(std::string(id));
  if (it == s_.parties.end()) return Status::NotFound("party " + std::string(id) + " does not exist");
  return it->second.row;
}

Result<std::vector<Party>> MemRows::ListParties() {
  return Take(s_.parties.begin(), s_.parties.end(), SIZE_MAX, [](auto&) { return true; },
              [](auto& kv) { return kv.second.row; });
}

Result<Credential> MemRows::FindCredential(std::string_view token_hash) {
  auto it = s_.credentials.find(std::string(token_hash));
  if (it == s_.credentials.end()) return Status::NotFound("no credential with this token");
  return it->second.row;
}

Result<std::vector<Credential>> MemRows::ListCredentials(std::string_view party_id) {
  auto out = Take(s_.credentials.begin(), s_.credentials.end(), SIZE_MAX,
                  [&](auto& kv) { return kv.second.row.party_id == party_id; }, [](auto& kv) { return kv.second.row; });
  std::sort(out.begin(), out.end(), [](const Credential& a, const Credential& b) {
    return std::tie(a.created_us, a.token_hash) < std::tie(b.created_us, b.token_hash);
  });
  return out;
}

Result<Document> MemRows::GetDocument(DocumentKind kind, std::string_view id) {
  auto it = s_.documents.find({kind, std::string(id)});
  if (it == s_.documents.end()) return Status::NotFound(DocumentName(kind, id) + " does not exist");
  return it->second.row;
}

Result<std::vector<Document>> MemRows::ListDocuments(DocumentKind kind, const DocumentFilter& f) {
  auto first = s_.documents.lower_bound({kind, std::string()});
  auto last = std::find_if(first, s_.documents.end(), [&](auto& kv) { return kv.first.first != kind; });
  auto match = [&](auto& kv) {
    const Document& d = kv.second.row;
    return (f.owner.empty() || d.owner == f.owner) &&
           (f.involving.empty() || d.owner == f.involving || d.counterparty == f.involving) &&
           (f.state.empty() || d.state == f.state) && (f.active_at == 0 || Active(d, f.active_at)) &&
           (f.after_position < 0 || d.position > f.after_position);
  };
  auto row = [](auto& kv) { return kv.second.row; };
  if (f.after_position < 0) return Take(first, last, f.limit, match, row);  // by id
  auto out = Take(first, last, SIZE_MAX, match, row);                        // by position
  std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) { return a.position < b.position; });
  if (out.size() > f.limit) out.resize(f.limit);
  return out;
}

Result<std::vector<Document>> MemRows::DocumentHistory(DocumentKind kind, std::string_view id) {
  const std::string key(id);
  auto first = s_.history.lower_bound({kind, key, INT64_MIN});
  auto last = s_.history.upper_bound({kind, key, INT64_MAX});
  return Take(first, last, SIZE_MAX, [](auto&) { return true; }, [](auto& kv) { return kv.second.row.doc; });
}

Result<std::vector<TrackState>> MemRows::ListTracks(std::string_view party) {
  return Take(s_.tracks.begin(), s_.tracks.end(), SIZE_MAX,
              [&](auto& kv) { return party.empty() || kv.first.first == party; },
              [](auto& kv) { return kv.second.row; });
}

Result<Notice> MemRows::GetNotice(std::string_view id) {
  auto it = s_.notices.find(std::string(id));
  if (it == s_.notices.end()) return Status::NotFound("notice " + std::string(id) + " does not exist");
  return it->second.row;
}

Result<std::vector<Notice>> MemRows::ListNotices(const NoticeFilter& f) {
  std::set<std::string> received;
  for (const auto& [key, d] : s_.deliveries)
    if (key.second == f.party) received.insert(key.first);
  auto out = Take(
      s_.notices.begin(), s_.notices.end(), SIZE_MAX,
      [&](auto& kv) {
        const Notice& n = kv.second.row;
        return n.position > f.after_position && (n.sender == f.party || received.count(n.id));
      },
      [](auto& kv) { return kv.second.row; });
  std::sort(out.begin(), out.end(), [](const Notice& a, const Notice& b) { return a.position < b.position; });
  if (out.size() > f.limit) out.resize(f.limit);
  return out;
}

Result<Delivery> MemRows::GetDelivery(std::string_view notice_id, std::string_view recipient) {
  auto it = s_.deliveries.find({std::string(notice_id), std::string(recipient)});
  if (it == s_.deliveries.end()) return Status::NotFound(DeliveryName(notice_id, recipient) + " does not exist");
  return it->second.row;
}

Result<std::vector<Delivery>> MemRows::ListDeliveries(const DeliveryFilter& f) {
  auto out = Take(
      s_.deliveries.begin(), s_.deliveries.end(), SIZE_MAX,
      [&](auto& kv) {
        const Delivery& d = kv.second.row;
        return (f.notice_id.empty() || d.notice_id == f.notice_id) &&
               (f.recipient.empty() || d.recipient == f.recipient) &&
               (f.states.empty() || std::find(f.states.begin(), f.states.end(), d.state) != f.states.end()) &&
               (f.deadline_before == 0 || (d.deadline_us > 0 && d.deadline_us < f.deadline_before));
      },
      [](auto& kv) { return kv.second.row; });
  std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {  // priority descending first
    if (a.priority != b.priority) return a.priority > b.priority;
    return std::tie(a.queued_us, a.notice_id, a.recipient) < std::tie(b.queued_us, b.notice_id, b.recipient);
  });
  if (out.size() > f.limit) out.resize(f.limit);
  return out;
}

// ---- the record ----

Result<record::Entry> MemRows::GetEntry(std::uint64_t seq) {
  if (seq == 0 || seq > s_.entries.size()) {
    return Status::NotFound("record entry seq " + std::to_string(seq) + " does not exist");
  }
  return s_.entries[seq - 1];
}

Result<std::vector<record::Entry>> MemRows::ListEntries(std::uint64_t from_seq, std::size_t limit) {
  const std::size_t first = std::min<std::uint64_t>(std::max<std::uint64_t>(from_seq, 1) - 1, s_.entries.size());
  return Take(s_.entries.begin() + static_cast<std::ptrdiff_t>(first), s_.entries.end(), limit,
              [](auto&) { return true; }, [](auto& e) { return e; });
}

Result<std::vector<record::Entry>> MemRows::ListEntriesForParty(std::string_view party, std::uint64_t from_seq,
                                                                std::size_t limit) {
  if (party.empty()) return Status::Invalid("ListEntriesForParty: party is empty");
  const std::size_t first = std::min<std::uint64_t>(std::max<std::uint64_t>(from_seq, 1) - 1, s_.entries.size());
  return Take(s_.entries.begin() + static_cast<std::ptrdiff_t>(first), s_.entries.end(), limit,
              [&](const record::Entry& e) {
                return e.actor == party || std::binary_search(e.audience.begin(), e.audience.end(), party);
              },
              [](auto& e) { return e; });
}

Result<std::vector<record::Entry>> MemRows::ListEntriesShownTo(std::string_view party, std::uint64_t from_seq,
                                                               std::uint64_t to_seq, std::size_t limit) {
  if (party.empty()) return Status::Invalid("ListEntriesShownTo: party is empty");
  std::vector<record::Entry> out;
  auto it = s_.shown.find(std::string(party));
  if (it == s_.shown.end() || to_seq < from_seq) return out;
  for (auto seq = it->second.lower_bound(from_seq); seq != it->second.end() && *seq <= to_seq && out.size() < limit;
       ++seq)
    out.push_back(s_.entries[*seq - 1]);
  return out;
}

Status MemRows::ScanEntries(std::uint64_t from_seq, const std::function<Status(const record::Entry&)>& visit) {
  for (std::uint64_t seq = std::max<std::uint64_t>(from_seq, 1); seq <= s_.entries.size(); ++seq) {
    if (Status s = visit(s_.entries[seq - 1]); !s.ok()) return s;
  }
  return Status::Ok();
}

// ---- writes, each undone on rollback ----

template <typename Map>
Status MemRows::Insert(Map& map, typename Map::key_type key, typename Map::mapped_type value, const char* what) {
  auto [it, inserted] = map.emplace(key, std::move(value));
  if (!inserted) return {ErrorCode::kAlreadyExists, std::string(what) + " already exists"};
  undo_->push_back([&map, key] { map.erase(key); });
  return Status::Ok();
}

template <typename Map>
std::string MemRows::Replace(Map& map, typename Map::iterator it, typename Map::mapped_type value) {
  std::string before = it->second.digest;
  undo_->push_back([&map, key = it->first, old = it->second] { map.insert_or_assign(key, old); });
  it->second = std::move(value);
  return before;
}

Status MemRows::InsertParty(const Party& p, const Seal& seal) {
  return Insert(s_.parties, p.id, {p, seal.digest}, "party");
}

Status MemRows::InsertCredential(const Credential& c, const Seal& seal) {
  return Insert(s_.credentials, c.token_hash, {c, seal.digest}, "credential");
}

Status MemRows::InsertDocument(const Document& d, const Seal& seal) {
  Document stored = d;
  stored.position = ++s_.last_position;
  return Insert(s_.documents, {d.kind, d.id}, {stored, seal.digest}, "document");
}

Status MemRows::InsertHistory(const Document& d, bool deleted, const Seal& seal) {
  return Insert(s_.history, {d.kind, d.id, d.version}, {HistoryItem{d, deleted}, seal.digest}, "document version");
}

Status MemRows::InsertNotice(const Notice& n, const Seal& seal) {
  Notice stored = n;
  stored.position = ++s_.last_position;
  return Insert(s_.notices, n.id, {stored, seal.digest}, "notice");
}

Status MemRows::InsertDelivery(const Delivery& d, const Seal& seal) {
  return Insert(s_.deliveries, {d.notice_id, d.recipient}, {d, seal.digest}, "delivery");
}

Result<std::string> MemRows::ReplaceCredential(const Credential& c, const Seal& seal) {
  auto it = s_.credentials.find(c.token_hash);
  if (it == s_.credentials.end()) return Status::NotFound("no credential with this token");
  return Replace(s_.credentials, it, {c, seal.digest});
}

Result<std::string> MemRows::ReplaceDelivery(const Delivery& d, const Seal& seal) {
  auto it = s_.deliveries.find({d.notice_id, d.recipient});
  if (it == s_.deliveries.end()) return Status::NotFound(DeliveryName(d.notice_id, d.recipient) + " does not exist");
  return Replace(s_.deliveries, it, {d, seal.digest});
}

Result<std::string> MemRows::UpsertTrack(const TrackState& t, const Seal& seal) {
  auto it = s_.tracks.find({t.party, t.id});
  if (it != s_.tracks.end()) return Replace(s_.tracks, it, {t, seal.digest});
  if (Status s = Insert(s_.tracks, {t.party, t.id}, {t, seal.digest}, "track"); !s.ok()) return s;
  return std::string();
}

Result<std::optional<std::string>> MemRows::ReplaceDocument(const Document& d, std::int64_t version,
                                                            const Seal& seal) {
  auto it = s_.documents.find({d.kind, d.id});
  if (it == s_.documents.end() || it->second.row.version != version) return std::optional<std::string>();
  Document stored = d;
  stored.position = it->second.row.position;  // a replaced document keeps its place
  return std::optional<std::string>(Replace(s_.documents, it, {stored, seal.digest}));
}

Result<std::optional<std::string>> MemRows::RemoveDocument(DocumentKind kind, std::string_view id,
                                                           std::int64_t version) {
  auto it = s_.documents.find({kind, std::string(id)});
  if (it == s_.documents.end() || it->second.row.version != version) return std::optional<std::string>();
  undo_->push_back([this, key = it->first, old = it->second] { s_.documents.insert_or_assign(key, old); });
  std::string digest = it->second.digest;
  s_.documents.erase(it);
  return std::optional<std::string>(std::move(digest));
}

Result<std::int64_t> MemRows::LastVersion(DocumentKind kind, std::string_view id) {
  const std::string key(id);
  auto first = s_.history.lower_bound({kind, key, INT64_MIN});
  auto last = s_.history.upper_bound({kind, key, INT64_MAX});
  return first == last ? std::int64_t{0} : std::get<2>(std::prev(last)->first);
}

Status MemRows::InsertEntry(const record::Entry& e, std::span<const RowCommit>) {
  if (e.seq != s_.entries.size() + 1) return Status::Internal("record entry seq " + std::to_string(e.seq) +
                                                              " does not follow the head");
  s_.entries.push_back(e);
  for (const auto& party : e.audience) s_.shown[party].insert(e.seq);
  undo_->push_back([this, e] {
    s_.entries.pop_back();
    for (const auto& party : e.audience) s_.shown[party].erase(e.seq);
  });
  return Status::Ok();
}

}  // namespace deconflict::store::memory
