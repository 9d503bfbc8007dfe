// Integrity at rest (docs/storage.md): the record verifies from the last verified head (or from its first entry),
// and the stored state is what the record says — every row's seal matches its content, the entry it names
// committed to it, and nothing an entry wrote since was removed or rolled back.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "record/verify.h"
#include "store/sqlite/sqlite_integrity.h"

namespace deconflict::store::sqlite {
namespace {

std::string HeadMessage(const VerifiedHead& h) {
  std::string m = "deconflict.verified-head.v1";
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<char>((h.seq >> (8 * i)) & 0xff));
  const auto t = static_cast<std::uint64_t>(h.time_us);
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<char>((t >> (8 * i)) & 0xff));
  m.append(reinterpret_cast<const char*>(h.hash.data()), h.hash.size());
  return m;
}

std::string Seq(std::uint64_t seq) { return "record entry seq " + std::to_string(seq); }

// The audience rows stored for entry e must be its audience (they drive receipts and the stream archive).
Status CheckAudience(Db& db, const record::Entry& e) {
  Stmt q(db, "SELECT party FROM record_audience WHERE seq = ? ORDER BY party");
  q.Bind(static_cast<std::int64_t>(e.seq));
  std::vector<std::string> parties;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    parties.push_back(q.Text(0));
  }
  if (parties != e.audience)
    return Status::Corruption(Seq(e.seq) + ": the audience index (record_audience) does not list exactly the parties "
                              "of its audience (changed outside deconflict)");
  return Status::Ok();
}

// Entry seq's "rows" root must be the root of its stored commits (returned in *commits).
Status CheckCommitRoot(Db& db, const record::Entry& e, std::vector<RowCommit>* out) {
  std::vector<RowCommit>& commits = *out;
  {
    Stmt q(db, "SELECT op, tbl, object, digest FROM row_commits WHERE seq = ? ORDER BY idx");
    q.Bind(static_cast<std::int64_t>(e.seq));
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      commits.push_back(RowCommit{q.Text(0), q.Text(1), q.Text(2), q.Text(3)});
    }
  }
  const auto payload = nlohmann::json::parse(e.payload, nullptr, false);
  const bool has = payload.is_object() && payload.contains("rows") && payload["rows"].is_string();
  if (commits.empty() && !has) return Status::Ok();
  if (!has || payload["rows"].get<std::string>() != RowsRoot(commits))
    return Status::Corruption(Seq(e.seq) + ": the rows it committed to are not the row commits stored with it "
                              "(row_commits changed outside deconflict)");
  return Status::Ok();
}

}  // namespace

Result<std::optional<VerifiedHead>> ReadVerifiedHead(Db& db, const record::PublicKey& pk) {
  Stmt q(db, "SELECT value FROM meta WHERE key = 'verified_head'");
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<VerifiedHead>();
  std::istringstream in(q.Text(0));
  std::string hash_hex, sig_hex;
  VerifiedHead h;
  in >> h.seq >> h.time_us >> hash_hex >> sig_hex;
  auto hash = record::FromHex<32>(hash_hex, "verified head hash");
  auto sig = record::FromHex<64>(sig_hex, "verified head signature");
  if (!in || !hash.ok() || !sig.ok() ||
      (h.hash = *hash, !record::VerifySignature(pk, HeadMessage(h), *sig)))
    return Status::Corruption("the stored verified head (meta verified_head) is not signed by the server key "
                              "(changed outside deconflict); run `deconflict audit verify` on the whole record");
  return std::optional<VerifiedHead>(h);
}

Status WriteVerifiedHead(Db& db, const record::Signer& signer, const VerifiedHead& h) {
  const std::string value = std::to_string(h.seq) + " " + std::to_string(h.time_us) + " " + record::ToHex(h.hash) +
                            " " + record::ToHex(signer.Sign(HeadMessage(h)));
  Stmt q(db, "INSERT INTO meta (key, value) VALUES ('verified_head', ?) ON CONFLICT (key) DO UPDATE SET value = "
             "excluded.value");
  q.Bind(value);
  return q.Run();
}

Status VerifyChain(Db& db, const record::PublicKey& pk, const std::optional<VerifiedHead>& from,
                   IntegrityReport* report, VerifiedHead* head) {
  SqlTx tx(db);
  record::ChainVerifier verifier(pk);
  if (from) {
    auto e = tx.GetEntry(from->seq);
    if (!e.ok() && e.status().code() == ErrorCode::kNotFound)
      return Status::Corruption(Seq(from->seq) + ", verified at an earlier start, is missing: entries were removed "
                                "from the end of the record");
    if (!e.ok()) return e.status();
    if (e->hash != from->hash || e->time_us != from->time_us || record::ComputeHash(*e) != from->hash)
      return Status::Corruption(Seq(from->seq) + " is not the entry verified at an earlier start: the record was "
                                "rewritten at or before it");
    verifier.Resume(from->seq, from->time_us, from->hash);
  }
  Status s = tx.ScanEntries(from ? from->seq + 1 : 1, [&](const record::Entry& e) -> Status {
    if (!verifier.Add(e)) return Status::Corruption(record::Describe(*verifier.failure()));
    ++report->entries_verified;
    *head = VerifiedHead{e.seq, e.time_us, e.hash};
    return CheckAudience(db, e);
  });
  if (!s.ok() && s.code() == ErrorCode::kCorruption && !verifier.failure() &&
      s.message().rfind("record entry seq", 0) != 0)
    return Status::Corruption("record entry at position " + std::to_string(verifier.count() + 1) + ": " + s.message());
  return s;
}

Status VerifyState(Db& db, const std::string& state_key, std::uint64_t from_seq, IntegrityReport* report) {
  std::map<std::pair<std::string, std::string>, std::string> live;  // (table, digest) -> object
  std::set<std::uint64_t> referenced;
  std::map<std::uint64_t, std::vector<RowCommit>> claims;  // entry -> the stored rows that say it wrote them
  for (const TableSpec* t : StateTables()) {
    Stmt q(db, SelectAll(*t));
    const int n = static_cast<int>(t->cols.size());
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const Row stored = RowOf(*t, q);
      const std::string object = stored.name();
      const auto rseq = static_cast<std::uint64_t>(q.Int(n));
      const std::string digest = q.Text(n + 1);
      if (rseq == 0 || digest.empty())
        return Status::Corruption(object + " is not sealed: no record entry wrote it (inserted outside deconflict)");
      if (RowDigest(state_key, t->table, rseq, stored.values) != digest)
        return Status::Corruption(object + " was changed outside deconflict: it is not what " + Seq(rseq) +
                                  " wrote (its stored content does not match its seal)");
      claims[rseq].push_back(RowCommit{"put", t->table, object, digest});
      referenced.insert(rseq);
      live.emplace(std::make_pair(t->table, digest), object);
      ++report->rows_verified;
    }
  }
  // The entries that wrote what is stored, and every entry since the verified head, commit to what row_commits
  // says (their hash checked again: an entry before the verified head is not re-verified otherwise).
  {
    Stmt q(db, "SELECT DISTINCT seq FROM row_commits WHERE seq > ?");
    q.Bind(static_cast<std::int64_t>(from_seq));
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      referenced.insert(static_cast<std::uint64_t>(q.Int(0)));
    }
  }
  SqlTx tx(db);
  for (std::uint64_t seq : referenced) {
    auto e = tx.GetEntry(seq);
    if (!e.ok() && e.status().code() == ErrorCode::kNotFound)
      return Status::Corruption(Seq(seq) + ", which wrote stored state, does not exist (removed from the record)");
    if (!e.ok()) return e.status();
    if (record::ComputeHash(*e) != e->hash) return Status::Corruption(Seq(seq) + ": hash does not match content");
    std::vector<RowCommit> commits;
    if (Status s = CheckCommitRoot(db, *e, &commits); !s.ok()) return s;
    std::set<std::pair<std::string, std::string>> put;
    for (const RowCommit& c : commits)
      if (c.op == "put") put.emplace(c.table, c.digest);
    for (const RowCommit& claim : claims[seq])
      if (!put.count({claim.table, claim.digest}))
        return Status::Corruption(claim.object + ": " + Seq(seq) + " did not write this state (its seal was made "
                                  "outside deconflict)");
  }
  // Nothing written since the verified head was removed or rolled back: what the entries put, less what they
  // dropped, is stored.
  struct Balance {
    int count = 0;
    std::string object, last;  // the row; the last entry that wrote or replaced it ("record entry seq N wrote")
  };
  std::map<std::pair<std::string, std::string>, Balance> balance;  // (table, digest) ->
  {
    Stmt q(db, "SELECT seq, op, tbl, object, digest FROM row_commits WHERE seq > ? ORDER BY seq, idx");
    q.Bind(static_cast<std::int64_t>(from_seq));
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const bool put = q.Text(1) == "put";
      auto& b = balance[{q.Text(2), q.Text(4)}];
      b.count += put ? 1 : -1;
      b.object = q.Text(3);
      b.last = Seq(static_cast<std::uint64_t>(q.Int(0))) + (put ? " wrote" : " replaced");
      ++report->commits_checked;
    }
  }
  for (const auto& [k, b] : balance) {
    const bool stored = live.count(k) > 0;
    if (b.count > 0 && !stored)
      return Status::Corruption(b.object + ": the state " + b.last + " is no longer stored (deleted, or replaced by an "
                                "older state, outside deconflict)");
    if (b.count <= 0 && stored)
      return Status::Corruption(live.at(k) + ": " + b.last + " the state that is stored (rolled back outside "
                                "deconflict)");
  }
  return Status::Ok();
}

}  // namespace deconflict::store::sqlite
