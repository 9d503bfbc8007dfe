// The SQL of documents (operations, zones, agreements) and their history (SqlTx).
#include "store/sqlite/sqlite_internal.h"
#include "store/validate.h"

namespace deconflict::store::sqlite {

namespace {

constexpr const char* kDocCols = "kind, id, owner, counterparty, state, start_us, end_us, body, version, updated_us";

Result<DocumentKind> ParseKind(const std::string& s) {
  for (DocumentKind k : {DocumentKind::kOperation, DocumentKind::kZone, DocumentKind::kAgreement}) {
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

std::string DocName(DocumentKind kind, std::string_view id) {
  return std::string(DocumentKindName(kind)) + " " + std::string(id);
}

}  // namespace


Result<Document> SqlTx::GetDocument(DocumentKind kind, std::string_view id) {
  Stmt q(db_, Sql({"SELECT ", kDocCols, " FROM documents WHERE kind = ? AND id = ?"}));
  q.Bind(DocumentKindName(kind)).Bind(id);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(DocName(kind, id) + " does not exist");
  return ReadDocument(q);
}

Result<std::vector<Document>> SqlTx::ListDocuments(DocumentKind kind, const DocumentFilter& f) {
  std::string sql = Sql({"SELECT ", kDocCols, " FROM documents WHERE kind = ?"});
  if (!f.owner.empty()) sql += " AND owner = ?";
  if (!f.involving.empty()) sql += " AND (owner = ? OR counterparty = ?)";
  if (!f.state.empty()) sql += " AND state = ?";
  if (f.active_at != 0) sql += " AND ((start_us = 0 AND end_us = 0) OR (start_us <= ? AND end_us >= ?))";
  sql += " ORDER BY id LIMIT ?";
  Stmt q(db_, sql);
  q.Bind(DocumentKindName(kind));
  if (!f.owner.empty()) q.Bind(f.owner);
  if (!f.involving.empty()) q.Bind(f.involving).Bind(f.involving);
  if (!f.state.empty()) q.Bind(f.state);
  if (f.active_at != 0) q.Bind(f.active_at).Bind(f.active_at);
  q.Bind(Limit(f.limit));
  return Collect<Document>(q, ReadDocument);
}

Result<std::vector<Document>> SqlTx::DocumentHistory(DocumentKind kind, std::string_view id) {
  Stmt q(db_,
         "SELECT kind, id, owner, counterparty, state, start_us, end_us, body, version, updated_us"
         " FROM document_history WHERE kind = ? AND id = ? ORDER BY version");
  q.Bind(DocumentKindName(kind)).Bind(id);
  return Collect<Document>(q, ReadDocument);
}

Status SqlTx::InsertHistory(const Document& d, bool deleted) {
  Stmt q(db_,
         "INSERT INTO document_history (kind, id, version, owner, counterparty, state, start_us, end_us, body,"
         " updated_us, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.Bind(DocumentKindName(d.kind))
      .Bind(d.id)
      .Bind(d.version)
      .Bind(d.owner)
      .Bind(d.counterparty)
      .Bind(d.state)
      .Bind(d.start_us)
      .Bind(d.end_us)
      .Bind(d.body)
      .Bind(d.updated_us)
      .Bind(std::int64_t{deleted ? 1 : 0});
  if (Status s = q.Run(); !s.ok()) return s;
  return SealRow(StateTable("document_history"), {DocumentKindName(d.kind), d.id, std::to_string(d.version)}, "");
}

Result<Document> SqlTx::PutDocument(const Document& in, std::int64_t expected_version) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = ValidateDocument(in); !s.ok()) return s;
  if (expected_version < kAnyVersion) {
    return Status::Invalid(DocName(in.kind, in.id) + ": expected version " + std::to_string(expected_version) +
                           " is not a version token");
  }
  auto current = GetDocument(in.kind, in.id);
  if (!current.ok() && current.status().code() != ErrorCode::kNotFound) return current.status();
  const bool exists = current.ok();
  if (exists && current->owner != in.owner) {
    return Status(ErrorCode::kPermissionDenied,
                  DocName(in.kind, in.id) + " is owned by " + current->owner + ", not " + in.owner);
  }
  Document d = in;
  d.updated_us = NowUs();
  if (!exists) {
    if (expected_version > 0) return Status::NotFound(DocName(in.kind, in.id) + " does not exist");
    // Versions are never reused, even after a delete: continue after the last version in history.
    Stmt last(db_, "SELECT COALESCE(MAX(version), 0) FROM document_history WHERE kind = ? AND id = ?");
    last.Bind(DocumentKindName(d.kind)).Bind(d.id);
    auto row = last.Step();
    if (!row.ok()) return row.status();
    d.version = last.Int(0) + 1;
    Stmt q(db_, Sql({"INSERT INTO documents (", kDocCols, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}));
    q.Bind(DocumentKindName(d.kind)).Bind(d.id).Bind(d.owner).Bind(d.counterparty).Bind(d.state);
    q.Bind(d.start_us).Bind(d.end_us).Bind(d.body).Bind(d.version).Bind(d.updated_us);
    if (Status s = q.Run(); !s.ok()) return s;
    if (Status s = SealRow(StateTable("documents"), {DocumentKindName(d.kind), d.id}, ""); !s.ok()) return s;
  } else {
    if (expected_version == kMustNotExist) {
      return Status(ErrorCode::kAlreadyExists,
                    DocName(in.kind, in.id) + " already exists (version " + std::to_string(current->version) + ")");
    }
    const std::int64_t expected = expected_version == kAnyVersion ? current->version : expected_version;
    d.version = expected + 1;
    auto before = StoredDigest(StateTable("documents"), {DocumentKindName(d.kind), d.id});
    if (!before.ok()) return before.status();
    // Compare-and-set: the row changes only if it is still at the expected version.
    Stmt q(db_,
           "UPDATE documents SET counterparty = ?, state = ?, start_us = ?, end_us = ?, body = ?, version = ?,"
           " updated_us = ? WHERE kind = ? AND id = ? AND version = ?");
    q.Bind(d.counterparty).Bind(d.state).Bind(d.start_us).Bind(d.end_us).Bind(d.body).Bind(d.version);
    q.Bind(d.updated_us).Bind(DocumentKindName(d.kind)).Bind(d.id).Bind(expected);
    if (Status s = q.Run(); !s.ok()) return s;
    if (sqlite3_changes(db_.raw()) != 1) {
      return Status::Conflict("stale version token: " + DocName(in.kind, in.id) + " is at version " +
                              std::to_string(current->version) + ", the write expected version " +
                              std::to_string(expected));
    }
    if (Status s = SealRow(StateTable("documents"), {DocumentKindName(d.kind), d.id}, *before); !s.ok()) return s;
  }
  if (Status s = InsertHistory(d, false); !s.ok()) return s;
  return d;
}

Status SqlTx::DeleteDocument(DocumentKind kind, std::string_view id, std::int64_t expected_version) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  auto current = GetDocument(kind, id);
  if (!current.ok()) return current.status();
  if (expected_version != kAnyVersion && expected_version != current->version) {
    return Status::Conflict("stale version token: " + DocName(kind, id) + " is at version " +
                            std::to_string(current->version) + ", the delete expected version " +
                            std::to_string(expected_version));
  }
  if (Status s = DropRow(StateTable("documents"), {DocumentKindName(kind), std::string(id)}); !s.ok()) return s;
  Stmt q(db_, "DELETE FROM documents WHERE kind = ? AND id = ? AND version = ?");
  q.Bind(DocumentKindName(kind)).Bind(id).Bind(current->version);
  if (Status s = q.Run(); !s.ok()) return s;
  Document tomb = *current;
  tomb.version += 1;
  tomb.state = "deleted";
  tomb.updated_us = NowUs();
  return InsertHistory(tomb, true);
}

}  // namespace deconflict::store::sqlite
