#include "record/proof_files.h"

#include <algorithm>

#include "record/checkpoint.h"

namespace deconflict::record {
namespace {

std::string HashB64(const Hash& h) {
  return ToBase64(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

Result<Hash> HashFromB64(std::string_view line, const std::string& what) {
  auto bytes = FromBase64(line, what);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 32)
    return Status::Invalid(what + ": hash is " + std::to_string(bytes->size()) + " bytes, expected 32");
  Hash h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// Splits text into lines at "\n"; the text must end with "\n".
Result<std::vector<std::string_view>> Lines(std::string_view text, const std::string& what) {
  if (text.empty() || text.back() != '\n') return Status::Invalid(what + ": does not end with a newline");
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t eol = text.find('\n', pos);
    lines.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return lines;
}

// "<keyword> <canonical decimal>" on line `n` (1-based).
Result<std::uint64_t> KeywordNumber(std::string_view line, std::string_view keyword, std::size_t n,
                                    const std::string& what) {
  const std::string where = what + ": line " + std::to_string(n);
  if (line.substr(0, keyword.size() + 1) != std::string(keyword) + " ") {
    return Status::Invalid(where + ": expected \"" + std::string(keyword) + " <number>\"");
  }
  return ParseCanonicalDecimal(line.substr(keyword.size() + 1), where + " (" + std::string(keyword) + ")");
}

}  // namespace

std::string FormatTlogProof(const TlogProof& p) {
  std::string out = std::string(kTlogProofHeader) + "\n";
  if (p.extra) out += "extra " + ToBase64(*p.extra) + "\n";
  out += "index " + std::to_string(p.index) + "\n";
  for (const Hash& h : p.proof) out += HashB64(h) + "\n";
  return out + "\n" + p.checkpoint;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  const std::string what = "tlog proof";
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos) return Status::Invalid(what + ": no empty line before the checkpoint");
  auto lines = Lines(text.substr(0, blank + 1), what);
  if (!lines.ok()) return lines.status();
  if ((*lines)[0] != kTlogProofHeader) {
    return Status::Invalid(what + ": line 1 is not \"" + std::string(kTlogProofHeader) + "\"");
  }
  TlogProof p;
  std::size_t i = 1;
  if (i < lines->size() && (*lines)[i].substr(0, 6) == "extra ") {
    auto extra = FromBase64((*lines)[i].substr(6), what + ": line 2 (extra)");
    if (!extra.ok()) return extra.status();
    p.extra = std::move(*extra);
    ++i;
  }
  if (i >= lines->size()) return Status::Invalid(what + ": no index line");
  auto index = KeywordNumber((*lines)[i], "index", i + 1, what);
  if (!index.ok()) return index.status();
  p.index = *index;
  for (++i; i < lines->size(); ++i) {
    auto h = HashFromB64((*lines)[i], what + ": line " + std::to_string(i + 1));
    if (!h.ok()) return h.status();
    p.proof.push_back(*h);
  }
  p.checkpoint = std::string(text.substr(blank + 2));
  if (p.checkpoint.empty()) return Status::Invalid(what + ": no checkpoint after the empty line");
  return p;
}

std::string EntryLeafExtra(const LeafSalt& salt, const Hash& entry_hash) {
  std::string out(reinterpret_cast<const char*>(salt.data()), salt.size());
  return out.append(reinterpret_cast<const char*>(entry_hash.data()), entry_hash.size());
}

Result<EntryLeafParts> ParseEntryLeafExtra(std::string_view extra) {
  if (extra.size() != 64) {
    return Status::Invalid("extra is " + std::to_string(extra.size()) +
                           " bytes, expected 64 (leaf salt and entry hash)");
  }
  EntryLeafParts parts;
  std::copy_n(extra.begin(), 32, parts.salt.begin());
  std::copy_n(extra.begin() + 32, 32, parts.entry_hash.begin());
  return parts;
}

std::string FormatConsistencyProof(const ConsistencyProofFile& p) {
  std::string out = std::string(kConsistencyProofHeader) + "\nold " + std::to_string(p.size1) + "\nnew " +
                    std::to_string(p.size2) + "\n";
  for (const Hash& h : p.proof) out += HashB64(h) + "\n";
  return out;
}

Result<ConsistencyProofFile> ParseConsistencyProof(std::string_view text) {
  const std::string what = "consistency proof";
  auto lines = Lines(text, what);
  if (!lines.ok()) return lines.status();
  if ((*lines)[0] != kConsistencyProofHeader) {
    return Status::Invalid(what + ": line 1 is not \"" + std::string(kConsistencyProofHeader) + "\"");
  }
  if (lines->size() < 3) return Status::Invalid(what + ": expected \"old <size>\" and \"new <size>\" lines");
  ConsistencyProofFile p;
  auto size1 = KeywordNumber((*lines)[1], "old", 2, what);
  if (!size1.ok()) return size1.status();
  auto size2 = KeywordNumber((*lines)[2], "new", 3, what);
  if (!size2.ok()) return size2.status();
  p.size1 = *size1;
  p.size2 = *size2;
  for (std::size_t i = 3; i < lines->size(); ++i) {
    auto h = HashFromB64((*lines)[i], what + ": line " + std::to_string(i + 1));
    if (!h.ok()) return h.status();
    p.proof.push_back(*h);
  }
  return p;
}

}  // namespace deconflict::record
