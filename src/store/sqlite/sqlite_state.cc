// State tied to the record (docs/storage.md, "Integrity at rest"), the SQLite side: the SQL of the state tables
// whose rows are sealed (store/seal.h), the stored seals, and the adoption of the rows of a migrated database.
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {
namespace {

std::string Join(const std::vector<const char*>& cols, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) s += sep;
    s += cols[i];
  }
  return s;
}

}  // namespace

std::string SelectAll(const TableSpec& t) { return "SELECT " + Join(t.cols, ", ") + ", rseq, digest FROM " + t.table; }

std::string WhereKey(const TableSpec& t) {
  std::string s = " WHERE ";
  for (std::size_t i = 0; i < t.keys.size(); ++i) s += std::string(i ? " AND " : "") + t.keys[i] + " = ?";
  return s;
}

std::vector<std::string> KeyOf(const TableSpec& t, const Stmt& row) {
  std::vector<std::string> key;
  for (std::size_t i = 0; i < t.keys.size(); ++i) key.push_back(row.Text(static_cast<int>(i)));
  return key;
}

Row RowOf(const TableSpec& t, const Stmt& row) {
  Row r{&t, {}, KeyOf(t, row)};
  for (int i = 0; i < static_cast<int>(t.cols.size()); ++i) {
    switch (row.Type(i)) {
      case SQLITE_INTEGER:
        r.values.emplace_back(row.Int(i));
        break;
      case SQLITE_FLOAT:
        r.values.emplace_back(row.Real(i));
        break;
      case SQLITE_NULL:
        r.values.emplace_back(std::monostate());
        break;
      default:  // TEXT (and BLOB, which we never write: its bytes)
        r.values.emplace_back(row.Text(i));
    }
  }
  return r;
}

Result<std::string> SqlTx::StoredDigest(const TableSpec& t, const std::vector<std::string>& key) {
  Stmt q(db_, "SELECT digest FROM " + std::string(t.table) + WhereKey(t));
  for (const auto& k : key) q.Bind(k);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  return *row ? q.Text(0) : std::string();
}

Status AdoptAll(Db& db, RulesTx& tx) {
  std::size_t rows = 0;
  for (const TableSpec* t : StateTables()) {
    std::vector<Row> stored;
    {
      Stmt q(db, SelectAll(*t));
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        stored.push_back(RowOf(*t, q));
      }
    }
    for (const Row& r : stored) {
      const Seal seal = tx.SealOf(r);
      Stmt u(db, "UPDATE " + std::string(t->table) + " SET rseq = ?, digest = ?" + WhereKey(*t));
      u.Bind(static_cast<std::int64_t>(seal.rseq)).Bind(seal.digest);
      for (const auto& k : r.key) u.Bind(k);
      if (Status s = u.Run(); !s.ok()) return s;
      tx.Sealed(r, seal);
    }
    rows += stored.size();
  }
  if (rows == 0) return Status::Ok();
  const std::string payload = nlohmann::json{{"action", "state_adopted"}, {"schema_version", 2}, {"sealed", rows}}.dump();
  return tx.Append({record::kind::kSystem, record::kServerActor, {}, payload}).status();
}

}  // namespace deconflict::store::sqlite
