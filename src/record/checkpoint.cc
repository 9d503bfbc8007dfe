#include "record/checkpoint.h"

#include <charconv>

namespace deconflict::record {
namespace {

std::string_view Line(std::string_view text, std::size_t& pos) {
  const std::size_t eol = text.find('\n', pos);
  const std::string_view line = text.substr(pos, eol - pos);
  pos = eol + 1;
  return line;
}

std::string U64Bytes(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

std::uint64_t ReadU64(std::string_view b) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(b[static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

Result<std::uint64_t> ParseCanonicalDecimal(std::string_view s, std::string_view what) {
  const std::string w(what);
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::Invalid(w + ": not a decimal number");
  }
  if (s.size() > 1 && s[0] == '0') return Status::Invalid(w + ": leading zero");
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return Status::Invalid(w + ": larger than 2^64 - 1");
  return v;
}

std::string CheckpointText(const Checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" +
                    ToBase64(std::string_view(reinterpret_cast<const char*>(c.root.data()), c.root.size())) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  Status s = CheckNoteText(text, "checkpoint");
  if (!s.ok()) return s;
  if (text.empty() || text.back() != '\n') return Status::Invalid("checkpoint: does not end with a newline");
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) lines.push_back(Line(text, pos));
  if (lines.size() < 3) {
    return Status::Invalid("checkpoint: " + std::to_string(lines.size()) +
                           " lines, expected at least 3 (origin, tree size, root hash)");
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return Status::Invalid("checkpoint: line " + std::to_string(i + 1) + " is empty");
  }
  Checkpoint c;
  c.origin = std::string(lines[0]);
  auto size = ParseCanonicalDecimal(lines[1], "checkpoint: line 2 (tree size)");
  if (!size.ok()) return size.status();
  c.size = *size;
  auto root = FromBase64(lines[2], "checkpoint: line 3 (root hash)");
  if (!root.ok()) return root.status();
  if (root->size() != c.root.size()) {
    return Status::Invalid("checkpoint: line 3 (root hash): " + std::to_string(root->size()) +
                           " bytes, a SHA-256 root is 32");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) c.extensions.emplace_back(lines[i]);
  return c;
}

Result<std::string> SignCheckpoint(const Checkpoint& c, const Signer& log_key) {
  Status s = CheckNoteKeyName(c.origin);
  if (!s.ok()) return Status::Invalid("checkpoint origin as key name: " + s.message());
  const std::string text = CheckpointText(c);
  auto parsed = ParseCheckpointText(text);  // refuses what a verifier would refuse (an empty extension line, ...)
  if (!parsed.ok()) return parsed.status();
  return FormatNote(Note{text, {SignNoteText(text, c.origin, log_key)}});
}

Result<VerifiedCheckpoint> VerifyCheckpoint(std::string_view signed_note, const NoteVerifierKey& log_key) {
  auto note = ParseNote(signed_note);
  if (!note.ok()) return note.status();
  auto signers = VerifyNote(*note, std::span(&log_key, 1));
  if (!signers.ok()) return Status::Invalid("checkpoint: " + signers.status().message());
  auto c = ParseCheckpointText(note->text);
  if (!c.ok()) return c.status();
  if (c->origin != log_key.name) {
    return Status::Invalid("checkpoint: origin '" + c->origin + "' is not the log key's name '" + log_key.name + "'");
  }
  return VerifiedCheckpoint{std::move(*c), std::move(*note)};
}

std::string CosignatureMessage(std::string_view checkpoint_text, std::uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(checkpoint_text);
}

NoteSignature Cosign(std::string_view checkpoint_text, std::string_view witness_name, std::uint64_t timestamp,
                     const Signer& witness) {
  const Signature sig = witness.Sign(CosignatureMessage(checkpoint_text, timestamp));
  return {std::string(witness_name), NoteKeyId(witness_name, kNoteTypeCosignatureV1, witness.public_key()),
          U64Bytes(timestamp) + std::string(reinterpret_cast<const char*>(sig.data()), sig.size())};
}

Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text, const NoteSignature& sig,
                                        const NoteVerifierKey& witness) {
  const std::string what = "cosignature of " + witness.name;
  if (witness.type != kNoteTypeCosignatureV1) return Status::Invalid(what + ": the key is not of type 0x04");
  if (sig.key_name != witness.name || sig.key_id != witness.key_id) {
    return Status::Invalid(what + ": the signature line names another key");
  }
  if (sig.signature.size() != 72) {
    return Status::Invalid(what + ": " + std::to_string(sig.signature.size()) +
                           " bytes after the key ID, expected 72 (timestamp and Ed25519 signature)");
  }
  const std::uint64_t timestamp = ReadU64(sig.signature);
  if (timestamp > kMaxCosignatureTime) return Status::Invalid(what + ": timestamp above 2^63 - 1");
  Signature ed{};
  std::copy(sig.signature.begin() + 8, sig.signature.end(), ed.begin());
  if (!VerifySignature(witness.key, CosignatureMessage(checkpoint_text, timestamp), ed)) {
    return Status::Invalid(what + " (time " + std::to_string(timestamp) + ") does not verify");
  }
  return timestamp;
}

Result<std::vector<VerifiedCosignature>> VerifyCosignatures(const Note& note,
                                                            std::span<const NoteVerifierKey> witnesses) {
  std::vector<VerifiedCosignature> out;
  for (const NoteSignature& s : note.signatures) {
    for (const NoteVerifierKey& w : witnesses) {
      if (s.key_name != w.name || s.key_id != w.key_id) continue;
      auto t = VerifyCosignature(note.text, s, w);
      if (!t.ok()) return t.status();
      out.push_back({w.name, *t});
    }
  }
  return out;
}

}  // namespace deconflict::record
