// C2SP signed notes (c2sp.org/signed-note, v1.0.0) with Ed25519 (RFC 8032, libsodium): text signed by one or more
// keys, each signature line naming its key by name and 32-bit key ID.
//
//   <text, ending in "\n">            valid UTF-8, no control character other than "\n"
//   "\n"                              the last empty line separates text from signatures
//   "— " <key name> " " base64(key ID (u32 big-endian) || signature) "\n"     one or more lines
//
//   key ID = SHA-256(key name || 0x0A || signature type || 32-byte public key)[:4]
//   signature type 0x01: Ed25519 over the text; 0x04: timestamped cosignature/v1 (record/checkpoint.h)
//   verifier key (vkey) = <key name> "+" hex8(key ID) "+" base64(signature type || public key)
//
// Parsing is strict and every error names what is wrong and where ("note: signature line 2: key name contains
// '+'"). Verification follows the spec: signatures from unknown keys (name and ID not both matching) are ignored;
// a known key's signature that fails rejects the note; a note with no verified known signature is rejected.
// The checkpoint and cosignature formats built on notes are in record/checkpoint.h; docs/record.md has examples.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "record/keys.h"

namespace deconflict::record {

inline constexpr std::uint8_t kNoteTypeEd25519 = 0x01;
inline constexpr std::uint8_t kNoteTypeCosignatureV1 = 0x04;
// The spec requires accepting at least 16 signatures; beyond this a note is refused as too big.
inline constexpr std::size_t kMaxNoteSignatures = 64;
inline constexpr std::size_t kMaxNoteBytes = 1 << 20;

struct NoteSignature {
  std::string key_name;
  std::uint32_t key_id = 0;
  std::string signature;  // the bytes after the key ID (64 for Ed25519, 72 for a cosignature/v1)
};

struct Note {
  std::string text;  // includes its final "\n", not the separating blank line
  std::vector<NoteSignature> signatures;
};

// A key a verifier trusts: name, ID, signature type and Ed25519 public key.
struct NoteVerifierKey {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint8_t type = kNoteTypeEd25519;
  PublicKey key{};
};

// SHA-256(name || 0x0A || type || key)[:4] as a big-endian u32.
std::uint32_t NoteKeyId(std::string_view name, std::uint8_t type, const PublicKey& key);
// Non-empty, valid UTF-8, no Unicode space (White_Space), no '+', no control character.
Status CheckNoteKeyName(std::string_view name);
// The verifier key for `name` (checked) and `key`, with its ID computed.
Result<NoteVerifierKey> MakeNoteVerifierKey(std::string_view name, std::uint8_t type, const PublicKey& key);
std::string FormatVerifierKey(const NoteVerifierKey& key);
// Parses a vkey; the ID must be the one computed from name, type and key. Types 0x01 and 0x04 only.
Result<NoteVerifierKey> ParseVerifierKey(std::string_view vkey);

// "— <name> base64(id || signature)" without the newline.
std::string FormatSignatureLine(const NoteSignature& sig);
// One signature line without its newline. The error names `where` ("note: signature line 2").
Result<NoteSignature> ParseSignatureLine(std::string_view line, std::string_view where);
// The note: text, "\n", one line per signature.
std::string FormatNote(const Note& note);
Result<Note> ParseNote(std::string_view note);
// Valid UTF-8 with no control character other than "\n" (the note alphabet). The error names `what` and the byte.
Status CheckNoteText(std::string_view text, std::string_view what);

// An Ed25519 (type 0x01) signature of `text` by `signer` under `key_name`. REQUIRES CheckNoteKeyName(key_name).
NoteSignature SignNoteText(std::string_view text, std::string_view key_name, const Signer& signer);
// Checks the Ed25519 signatures of `note` against `keys` (all of type 0x01) as the header says; returns the
// names of the keys whose signatures verified (at least one).
Result<std::vector<std::string>> VerifyNote(const Note& note, std::span<const NoteVerifierKey> keys);

}  // namespace deconflict::record
