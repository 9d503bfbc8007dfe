// Sealing the stored state to the record (docs/storage.md, "Integrity at rest"), the same in every backend: each
// state row is sealed with the seq of the record entry that writes it and a keyed BLAKE2b-256 digest of its
// content, and that entry's payload commits to every row it wrote or replaced ("rows": one root hash).
//
// The digest of a row is defined over its columns as stored, in the order of StateTables() (the same columns
// and order as the SQL schema, store/sqlite/sqlite_db.cc): "deconflict.row.v1", the table, rseq, the column
// count, then per column a tag and its value — 'i' and 8 bytes big-endian (integers), 'f' and the 8 bytes of
// the IEEE-754 double (-0 written as +0, as SQL stores it), 't' and a length-prefixed string, 'n' for NULL.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/track.h"
#include "store/types.h"

namespace deconflict::store {

// A state table: its name, its key columns and the columns its digest covers (the keys first), and how to name
// one of its rows in a message ("notice n-1", "delivery of notice n-1 to red").
struct TableSpec {
  const char* table;
  std::vector<const char*> keys;
  std::vector<const char*> cols;
  std::string (*name)(const std::vector<std::string>& key);
};
// parties, credentials, documents, document_history, tracks, notices, deliveries.
const std::vector<const TableSpec*>& StateTables();
// REQUIRES: `name` is one of StateTables() (a bug otherwise: aborts).
const TableSpec& StateTable(std::string_view name);

// One column of a stored row, typed as stored (std::monostate: NULL, which the store never writes).
using RowValue = std::variant<std::monostate, std::int64_t, double, std::string>;

// A row as StateTable(table) lists its columns, and its key (as text).
struct Row {
  const TableSpec* spec;
  std::vector<RowValue> values;
  std::vector<std::string> key;
  std::string name() const { return spec->name(key); }
};
Row PartyRow(const Party& p);
Row CredentialRow(const Credential& c);
Row DocumentRow(const Document& d);
Row HistoryRow(const Document& d, bool deleted);
Row TrackRow(const TrackState& t);
Row NoticeRow(const Notice& n);
Row DeliveryRow(const Delivery& d);

// What the store writes beside a row: the entry that writes it (the next one the transaction appends) and the
// keyed digest of its content as that entry writes it.
struct Seal {
  std::uint64_t rseq = 0;
  std::string digest;  // lower-case hex
};

// Keyed BLAKE2b-256 (hex) of the row's columns as entry rseq writes them (see the top of this file).
std::string RowDigest(std::string_view state_key, std::string_view table, std::uint64_t rseq,
                      std::span<const RowValue> cols);

// One row a record entry commits to: written ("put") or replaced/deleted ("drop"), by digest; object names it for
// messages only.
struct RowCommit {
  std::string op, table, object, digest;
};
// The root an entry's payload "rows" holds: BLAKE2b-256 over the commits in order (docs/storage.md).
std::string RowsRoot(const std::vector<RowCommit>& commits);

}  // namespace deconflict::store
