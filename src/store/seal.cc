#include "store/seal.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "record/entry.h"
#include "record/keys.h"

namespace deconflict::store {
namespace {

constexpr std::string_view kRowDomain = "deconflict.row.v1";
constexpr std::string_view kRootDomain = "deconflict.rows.v1";

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutBytes(std::string& out, std::string_view b) {
  PutU32(out, static_cast<std::uint32_t>(b.size()));
  out.append(b);
}

std::string Short(const std::string& hash) { return hash.substr(0, 12) + "…"; }

std::int64_t Flag(bool b) { return b ? 1 : 0; }

}  // namespace

const std::vector<const TableSpec*>& StateTables() {
  static const TableSpec parties{"parties", {"id"}, {"id", "name", "role", "escalation_contact", "created_us"},
                                 [](const std::vector<std::string>& k) { return "party " + k[0]; }};
  static const TableSpec credentials{
      "credentials", {"token_hash"}, {"token_hash", "party_id", "label", "created_us", "revoked"},
      [](const std::vector<std::string>& k) { return "credential " + Short(k[0]); }};
  static const TableSpec documents{
      "documents", {"kind", "id"},
      {"kind", "id", "owner", "counterparty", "state", "start_us", "end_us", "body", "version", "updated_us"},
      [](const std::vector<std::string>& k) { return k[0] + " " + k[1]; }};
  static const TableSpec history{
      "document_history", {"kind", "id", "version"},
      {"kind", "id", "version", "owner", "counterparty", "state", "start_us", "end_us", "body", "updated_us", "deleted"},
      [](const std::vector<std::string>& k) { return k[0] + " " + k[1] + " version " + k[2] + " (history)"; }};
  static const TableSpec tracks{
      "tracks", {"party", "id"},
      {"party", "id", "callsign", "time_s", "lat_deg", "lon_deg", "alt_m", "gs_mps", "trk_deg", "vs_mps", "on_ground"},
      [](const std::vector<std::string>& k) { return "track " + k[0] + "/" + k[1]; }};
  static const TableSpec notices{"notices", {"id"}, {"id", "kind", "sender", "priority", "ref", "body", "created_us"},
                                 [](const std::vector<std::string>& k) { return "notice " + k[0]; }};
  static const TableSpec deliveries{
      "deliveries", {"notice_id", "recipient"},
      {"notice_id", "recipient", "state", "queued_us", "delivered_us", "acknowledged_us", "expired_us", "deadline_us",
       "escalation_level", "priority"},
      [](const std::vector<std::string>& k) { return "delivery of notice " + k[0] + " to " + k[1]; }};
  static const std::vector<const TableSpec*> all{&parties, &credentials, &documents, &history,
                                                 &tracks,  &notices,     &deliveries};
  return all;
}

const TableSpec& StateTable(std::string_view name) {
  for (const TableSpec* t : StateTables())
    if (name == t->table) return *t;
  std::abort();  // a table name in our own code that is not a state table: a bug
}

Row PartyRow(const Party& p) {
  return {&StateTable("parties"), {p.id, p.name, p.role, p.escalation_contact, p.created_us}, {p.id}};
}

Row CredentialRow(const Credential& c) {
  return {&StateTable("credentials"),
          {c.token_hash, c.party_id, c.label, c.created_us, Flag(c.revoked)},
          {c.token_hash}};
}

Row DocumentRow(const Document& d) {
  const std::string kind = DocumentKindName(d.kind);
  return {&StateTable("documents"),
          {kind, d.id, d.owner, d.counterparty, d.state, d.start_us, d.end_us, d.body, d.version, d.updated_us},
          {kind, d.id}};
}

Row HistoryRow(const Document& d, bool deleted) {
  const std::string kind = DocumentKindName(d.kind);
  return {&StateTable("document_history"),
          {kind, d.id, d.version, d.owner, d.counterparty, d.state, d.start_us, d.end_us, d.body, d.updated_us,
           Flag(deleted)},
          {kind, d.id, std::to_string(d.version)}};
}

Row TrackRow(const TrackState& t) {
  return {&StateTable("tracks"),
          {t.party, t.id, t.callsign, t.time_s, t.lat_deg, t.lon_deg, t.alt_m, t.gs_mps, t.trk_deg, t.vs_mps,
           Flag(t.on_ground)},
          {t.party, t.id}};
}

Row NoticeRow(const Notice& n) {
  return {&StateTable("notices"),
          {n.id, n.kind, n.sender, std::int64_t{n.priority}, n.ref, n.body, n.created_us},
          {n.id}};
}

Row DeliveryRow(const Delivery& d) {
  return {&StateTable("deliveries"),
          {d.notice_id, d.recipient, std::string(DeliveryStateName(d.state)), d.queued_us, d.delivered_us,
           d.acknowledged_us, d.expired_us, d.deadline_us, std::int64_t{d.escalation_level}, std::int64_t{d.priority}},
          {d.notice_id, d.recipient}};
}

std::string RowDigest(std::string_view state_key, std::string_view table, std::uint64_t rseq,
                      std::span<const RowValue> cols) {
  std::string m(kRowDomain);
  PutBytes(m, table);
  PutU64(m, rseq);
  PutU32(m, static_cast<std::uint32_t>(cols.size()));
  for (const RowValue& v : cols) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      m.push_back('i');
      PutU64(m, static_cast<std::uint64_t>(*i));
    } else if (const auto* d = std::get_if<double>(&v)) {
      const double value = *d == 0 ? 0.0 : *d;  // -0 is stored as +0 by SQL engines
      std::uint64_t bits;
      static_assert(sizeof bits == sizeof value);
      std::memcpy(&bits, &value, sizeof bits);
      m.push_back('f');
      PutU64(m, bits);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      m.push_back('t');
      PutBytes(m, *s);
    } else {
      m.push_back('n');
    }
  }
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                     reinterpret_cast<const unsigned char*>(state_key.data()), state_key.size());
  return record::ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string RowsRoot(const std::vector<RowCommit>& commits) {
  std::string m(kRootDomain);
  PutU32(m, static_cast<std::uint32_t>(commits.size()));
  for (const RowCommit& c : commits) {
    PutBytes(m, c.op);
    PutBytes(m, c.table);
    PutBytes(m, c.digest);
  }
  return record::ToHex(record::Blake2b256(m));
}

}  // namespace deconflict::store
