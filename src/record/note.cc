#include "record/note.h"

#include <sodium.h>

#include <cstdio>

#include "record/hash.h"
#include "record/sodium_init.h"

namespace deconflict::record {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";  // U+2014 then U+0020

// Decodes one UTF-8 code point at s[i] (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF) and advances i.
bool NextCodePoint(std::string_view s, std::size_t& i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int extra = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (i + extra >= s.size()) return false;  // truncated sequence
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = cp << 6 | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += extra + 1;
  return true;
}

bool IsUnicodeSpace(char32_t c) {  // the White_Space property (Unicode PropList.txt)
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::uint32_t ReadU32(std::string_view b) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[0])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[3]));
}

std::string U32Bytes(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string KeyIdHex(std::uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", id);
  return buf;
}

}  // namespace

Status CheckNoteText(std::string_view text, std::string_view what) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t at = i;
    char32_t cp = 0;
    if (!NextCodePoint(text, i, cp)) {
      return Status::Invalid(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(at + 1));
    }
    if (cp < 0x20 && cp != '\n') {
      return Status::Invalid(std::string(what) + ": control character " + std::to_string(cp) + " at byte " +
                             std::to_string(at + 1) + " (only newline is allowed)");
    }
  }
  return Status::Ok();
}

Status CheckNoteKeyName(std::string_view name) {
  if (name.empty()) return Status::Invalid("key name is empty");
  Status text = CheckNoteText(name, "key name");
  if (!text.ok()) return text;
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    NextCodePoint(name, i, cp);
    if (cp == '+') return Status::Invalid("key name contains '+'");
    if (IsUnicodeSpace(cp)) return Status::Invalid("key name contains a space (U+" + KeyIdHex(cp).substr(4) + ")");
  }
  return Status::Ok();
}

std::uint32_t NoteKeyId(std::string_view name, std::uint8_t type, const PublicKey& key) {
  std::string m(name);
  m.push_back('\n');
  m.push_back(static_cast<char>(type));
  m.append(reinterpret_cast<const char*>(key.data()), key.size());
  const Hash h = Sha256(m);
  return ReadU32(std::string_view(reinterpret_cast<const char*>(h.data()), 4));
}

Result<NoteVerifierKey> MakeNoteVerifierKey(std::string_view name, std::uint8_t type, const PublicKey& key) {
  Status s = CheckNoteKeyName(name);
  if (!s.ok()) return s;
  if (type != kNoteTypeEd25519 && type != kNoteTypeCosignatureV1) {
    return Status::Invalid("signature type " + std::to_string(type) + " is not supported (0x01 or 0x04)");
  }
  return NoteVerifierKey{std::string(name), NoteKeyId(name, type, key), type, key};
}

std::string FormatVerifierKey(const NoteVerifierKey& key) {
  std::string material(1, static_cast<char>(key.type));
  material.append(reinterpret_cast<const char*>(key.key.data()), key.key.size());
  return key.name + "+" + KeyIdHex(key.key_id) + "+" + ToBase64(material);
}

Result<NoteVerifierKey> ParseVerifierKey(std::string_view vkey) {
  // The name has no '+' and the ID is 8 hex digits; the base64 key after them may contain '+'.
  const std::size_t p1 = vkey.find('+');
  if (p1 == std::string_view::npos || p1 + 9 >= vkey.size() || vkey[p1 + 9] != '+') {
    return Status::Invalid("verifier key: expected <name>+<8 hex digits of key ID>+<base64 key>");
  }
  const std::string_view name = vkey.substr(0, p1);
  const std::string_view id_hex = vkey.substr(p1 + 1, 8);
  const std::size_t p2 = p1 + 9;
  Status s = CheckNoteKeyName(name);
  if (!s.ok()) return Status::Invalid("verifier key: " + s.message());
  if (id_hex.size() != 8 || id_hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return Status::Invalid("verifier key: the key ID must be 8 lower-case hex digits");
  }
  auto material = FromBase64(vkey.substr(p2 + 1), "verifier key: key");
  if (!material.ok()) return material.status();
  if (material->size() != 33) {
    return Status::Invalid("verifier key: key is " + std::to_string(material->size()) +
                           " bytes, expected 33 (type byte and Ed25519 public key)");
  }
  PublicKey pk{};
  std::copy(material->begin() + 1, material->end(), pk.begin());
  auto key = MakeNoteVerifierKey(name, static_cast<std::uint8_t>((*material)[0]), pk);
  if (!key.ok()) return Status::Invalid("verifier key: " + key.status().message());
  if (KeyIdHex(key->key_id) != id_hex) {
    return Status::Invalid("verifier key: key ID " + std::string(id_hex) + " is not the ID of this name and key (" +
                           KeyIdHex(key->key_id) + ")");
  }
  return key;
}

std::string FormatSignatureLine(const NoteSignature& sig) {
  return std::string(kEmDashSpace) + sig.key_name + " " + ToBase64(U32Bytes(sig.key_id) + sig.signature);
}

Result<NoteSignature> ParseSignatureLine(std::string_view line, std::string_view where) {
  const std::string w(where);
  if (line.substr(0, kEmDashSpace.size()) != kEmDashSpace) {
    return Status::Invalid(w + ": does not start with an em dash (U+2014) and a space");
  }
  line.remove_prefix(kEmDashSpace.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return Status::Invalid(w + ": no space between key name and signature");
  NoteSignature sig;
  sig.key_name = std::string(line.substr(0, space));
  Status s = CheckNoteKeyName(sig.key_name);
  if (!s.ok()) return Status::Invalid(w + ": " + s.message());
  auto bytes = FromBase64(line.substr(space + 1), w + ": signature");
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() < 5) {
    return Status::Invalid(w + ": signature is " + std::to_string(bytes->size()) +
                           " bytes, expected a 4-byte key ID and a signature");
  }
  sig.key_id = ReadU32(*bytes);
  sig.signature = bytes->substr(4);
  return sig;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text + "\n";
  for (const NoteSignature& s : note.signatures) out += FormatSignatureLine(s) + "\n";
  return out;
}

Result<Note> ParseNote(std::string_view text) {
  if (text.size() > kMaxNoteBytes)
    return Status::Invalid("note: larger than " + std::to_string(kMaxNoteBytes) + " bytes");
  Status s = CheckNoteText(text, "note");
  if (!s.ok()) return s;
  if (text.empty() || text.back() != '\n') return Status::Invalid("note: does not end with a newline");
  const std::size_t blank = text.rfind("\n\n");
  if (blank == std::string_view::npos) return Status::Invalid("note: no blank line between text and signatures");
  Note note;
  note.text = std::string(text.substr(0, blank + 1));
  std::string_view rest = text.substr(blank + 2);
  if (rest.empty()) return Status::Invalid("note: no signature lines after the last blank line");
  for (std::size_t n = 1; !rest.empty(); ++n) {
    if (n > kMaxNoteSignatures) {
      return Status::Invalid("note: more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    const std::size_t eol = rest.find('\n');  // present: the note ends with a newline
    auto sig = ParseSignatureLine(rest.substr(0, eol), "note: signature line " + std::to_string(n));
    if (!sig.ok()) return sig.status();
    note.signatures.push_back(std::move(*sig));
    rest.remove_prefix(eol + 1);
  }
  return note;
}

NoteSignature SignNoteText(std::string_view text, std::string_view key_name, const Signer& signer) {
  const Signature sig = signer.Sign(text);
  return {std::string(key_name), NoteKeyId(key_name, kNoteTypeEd25519, signer.public_key()),
          std::string(reinterpret_cast<const char*>(sig.data()), sig.size())};
}

Result<std::vector<std::string>> VerifyNote(const Note& note, std::span<const NoteVerifierKey> keys) {
  std::vector<std::string> verified;
  for (const NoteVerifierKey& k : keys) {
    if (k.type != kNoteTypeEd25519) {
      return Status::Invalid("key " + k.name + " is not an Ed25519 note key (type 0x01)");
    }
  }
  for (const NoteSignature& s : note.signatures) {
    for (const NoteVerifierKey& k : keys) {
      if (s.key_name != k.name || s.key_id != k.key_id) continue;
      Signature sig{};
      if (s.signature.size() != sig.size()) {
        return Status::Invalid("note: the signature of " + k.name + " is " + std::to_string(s.signature.size()) +
                               " bytes, an Ed25519 signature is 64");
      }
      std::copy(s.signature.begin(), s.signature.end(), sig.begin());
      if (!VerifySignature(k.key, note.text, sig)) {
        return Status::Invalid("note: the signature of " + k.name + " does not verify");
      }
      verified.push_back(k.name);
    }
  }
  if (verified.empty()) return Status::Invalid("note: no signature by a trusted key");
  return verified;
}

}  // namespace deconflict::record
