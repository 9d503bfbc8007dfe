// The SQL of documents (operations, zones, agreements) and their history (SqlTx).
#include "store/sqlite/sqlite_internal.h"

namespace deconflict::store::sqlite {

namespace {

constexpr const char* kDocCols = "kind, id, owner, counterparty, state, start_us, end_us, body, version, updated_us";

Result<DocumentKind> ParseKind(const std::string& s) {
  for (DocumentKind k : {DocumentKind::kOperation, DocumentKind::kZone, DocumentKind::kAgreement, DocumentKind::kAlert}) {
    if (s == DocumentKindName(k)) return k;
  }
  return Status::Corruption("stored document kind \"" + s + "\" is unknown");
}

Result<Document> ReadDocument(const Stmt& q) {
  auto kind = ParseKind(q.Text(0));
  if (!kind.ok()) return kind.status();
  Document d;
  d.kind = *kind;
  d.id = q.Text(1);
  d.owner = q.Text(2);
  d.counterparty = q.Text(3);
  d.state = q.Text(4);
  d.start_us = q.Int(5);
  d.end_us = q.Int(6);
  d.body = q.Text(7);
  d.version = q.Int(8);
  d.updated_us = q.Int(9);
  return d;
}

// A document row of SELECT kDocCols, rowid: its position is the rowid (insertion order; an UPDATE keeps it).
Result<Document> ReadDocumentAt(const Stmt& q) {
  auto d = ReadDocument(q);
  if (d.ok()) d->position = q.Int(10);
  return d;
}

}  // namespace


Result<Document> SqlTx::GetDocument(DocumentKind kind, std::string_view id) {
  Stmt q(db_, Sql({"SELECT ", kDocCols, ", rowid FROM documents WHERE kind = ? AND id = ?"}));
  q.Bind(DocumentKindName(kind)).Bind(id);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(DocumentName(kind, id) + " does not exist");
  return ReadDocumentAt(q);
}

Result<std::vector<Document>> SqlTx::ListDocuments(DocumentKind kind, const DocumentFilter& f) {
  std::string sql = Sql({"SELECT ", kDocCols, ", rowid FROM documents WHERE kind = ?"});
  if (!f.owner.empty()) sql += " AND owner = ?";
  if (!f.involving.empty()) sql += " AND (owner = ? OR counterparty = ?)";
  if (!f.state.empty()) sql += " AND state = ?";
  if (f.active_at != 0) sql += " AND ((start_us = 0 AND end_us = 0) OR (start_us <= ? AND end_us >= ?))";
  sql += f.after_position >= 0 ? " AND rowid > ? ORDER BY rowid LIMIT ?" : " ORDER BY id LIMIT ?";
  Stmt q(db_, sql);
  q.Bind(DocumentKindName(kind));
  if (!f.owner.empty()) q.Bind(f.owner);
  if (!f.involving.empty()) q.Bind(f.involving).Bind(f.involving);
  if (!f.state.empty()) q.Bind(f.state);
  if (f.active_at != 0) q.Bind(f.active_at).Bind(f.active_at);
  if (f.after_position >= 0) q.Bind(f.after_position);
  q.Bind(Limit(f.limit));
  return Collect<Document>(q, ReadDocumentAt);
}

Result<std::vector<Document>> SqlTx::DocumentHistory(DocumentKind kind, std::string_view id) {
  Stmt q(db_,
         "SELECT kind, id, owner, counterparty, state, start_us, end_us, body, version, updated_us"
         " FROM document_history WHERE kind = ? AND id = ? ORDER BY version");
  q.Bind(DocumentKindName(kind)).Bind(id);
  return Collect<Document>(q, ReadDocument);
}

Status SqlTx::InsertHistory(const Document& d, bool deleted, const Seal& seal) {
  Stmt q(db_,
         "INSERT INTO document_history (kind, id, version, owner, counterparty, state, start_us, end_us, body,"
         " updated_us, deleted, rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.Bind(DocumentKindName(d.kind)).Bind(d.id).Bind(d.version).Bind(d.owner).Bind(d.counterparty).Bind(d.state);
  q.Bind(d.start_us).Bind(d.end_us).Bind(d.body).Bind(d.updated_us).Bind(std::int64_t{deleted ? 1 : 0});
  return BindSeal(q, seal).Run();
}

Result<std::int64_t> SqlTx::LastVersion(DocumentKind kind, std::string_view id) {
  Stmt q(db_, "SELECT COALESCE(MAX(version), 0) FROM document_history WHERE kind = ? AND id = ?");
  q.Bind(DocumentKindName(kind)).Bind(id);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  return q.Int(0);
}

Status SqlTx::InsertDocument(const Document& d, const Seal& seal) {
  Stmt q(db_, Sql({"INSERT INTO documents (", kDocCols, ", rseq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}));
  q.Bind(DocumentKindName(d.kind)).Bind(d.id).Bind(d.owner).Bind(d.counterparty).Bind(d.state);
  q.Bind(d.start_us).Bind(d.end_us).Bind(d.body).Bind(d.version).Bind(d.updated_us);
  return BindSeal(q, seal).Run();
}

Result<std::optional<std::string>> SqlTx::ReplaceDocument(const Document& d, std::int64_t version,
                                                          const Seal& seal) {
  auto before = StoredDigest(StateTable("documents"), {DocumentKindName(d.kind), d.id});
  if (!before.ok()) return before.status();
  // Compare-and-set: the row changes only if it is still at the expected version.
  Stmt q(db_,
         "UPDATE documents SET owner = ?, counterparty = ?, state = ?, start_us = ?, end_us = ?, body = ?,"
         " version = ?, updated_us = ?, rseq = ?, digest = ? WHERE kind = ? AND id = ? AND version = ?");
  q.Bind(d.owner).Bind(d.counterparty).Bind(d.state).Bind(d.start_us).Bind(d.end_us).Bind(d.body).Bind(d.version);
  q.Bind(d.updated_us);
  BindSeal(q, seal).Bind(DocumentKindName(d.kind)).Bind(d.id).Bind(version);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.raw()) != 1) return std::optional<std::string>();
  return std::optional<std::string>(std::move(*before));
}

Result<std::optional<std::string>> SqlTx::RemoveDocument(DocumentKind kind, std::string_view id,
                                                         std::int64_t version) {
  auto before = StoredDigest(StateTable("documents"), {DocumentKindName(kind), std::string(id)});
  if (!before.ok()) return before.status();
  Stmt q(db_, "DELETE FROM documents WHERE kind = ? AND id = ? AND version = ?");
  q.Bind(DocumentKindName(kind)).Bind(id).Bind(version);
  if (Status s = q.Run(); !s.ok()) return s;
  if (sqlite3_changes(db_.raw()) != 1) return std::optional<std::string>();
  return std::optional<std::string>(std::move(*before));
}

}  // namespace deconflict::store::sqlite
