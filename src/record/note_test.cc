// Signed notes (c2sp.org/signed-note): the spec's own examples, round trips and strict parsing.
#include "record/note.h"
#include "record/test_util.h"

#include <gtest/gtest.h>

namespace deconflict::record {
namespace {

// From signed-note.md, "Verifier keys / Example".
constexpr const char* kSpecVkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr const char* kSpecNote =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

Signer TestSigner(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return Signer::FromSeed(seed);
}

using test::ExpectError;

TEST(SignedNote, TheSpecExampleVerifiesWithTheSpecKey) {
  auto key = ParseVerifierKey(kSpecVkey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->name, "example.com/foo");
  EXPECT_EQ(key->key_id, 0x530d903au);
  EXPECT_EQ(key->type, kNoteTypeEd25519);
  EXPECT_EQ(FormatVerifierKey(*key), kSpecVkey);
  auto note = ParseNote(kSpecNote);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, "This is an example message.\n");
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(FormatNote(*note), kSpecNote);
  auto signers = VerifyNote(*note, std::span(&*key, 1));
  ASSERT_TRUE(signers.ok()) << signers.status().ToString();
  EXPECT_EQ(*signers, std::vector<std::string>{"example.com/foo"});

  Note changed = *note;
  changed.text = "This is an example message!\n";
  ExpectError(VerifyNote(changed, std::span(&*key, 1)).status(), "signature of example.com/foo does not verify");
}

// The poem of signed-note.md: the text has an empty line of its own; the last one separates the signatures.
TEST(SignedNote, TextEndsAtTheLastEmptyLine) {
  const std::string poem =
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned\xC3\xA8 subito sera.\n";
  const std::string note =
      poem +
      "\n\xE2\x80\x94 quasimodo.example/salvatore "
      "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
  auto parsed = ParseNote(note);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->text, poem);
  ASSERT_EQ(parsed->signatures.size(), 1u);
  EXPECT_EQ(parsed->signatures[0].key_name, "quasimodo.example/salvatore");
  EXPECT_EQ(parsed->signatures[0].key_id, 0x367ba04bu);
  EXPECT_EQ(parsed->signatures[0].signature.size(), 64u);
}

TEST(SignedNote, SignedNotesRoundTripAndUnknownKeysAreIgnored) {
  const Signer a = TestSigner(1), b = TestSigner(2);
  auto ka = MakeNoteVerifierKey("a.example/log", kNoteTypeEd25519, a.public_key());
  auto kb = MakeNoteVerifierKey("b.example/log", kNoteTypeEd25519, b.public_key());
  ASSERT_TRUE(ka.ok() && kb.ok());
  auto round = ParseVerifierKey(FormatVerifierKey(*ka));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->key, a.public_key());
  const std::string text = "hello\n\nworld\n";
  Note n{text, {SignNoteText(text, "b.example/log", b), SignNoteText(text, "a.example/log", a)}};
  auto parsed = ParseNote(FormatNote(n));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->text, text);
  auto only_a = VerifyNote(*parsed, std::span(&*ka, 1));
  ASSERT_TRUE(only_a.ok()) << only_a.status().ToString();
  EXPECT_EQ(*only_a, std::vector<std::string>{"a.example/log"});

  // Same name as a trusted key but another ID (a different key): ignored, so no trusted signature remains.
  Note impostor{text, {SignNoteText(text, "a.example/log", b)}};
  ExpectError(VerifyNote(impostor, std::span(&*ka, 1)).status(), "no signature by a trusted key");
  // Same name and ID but a bad signature: the whole note is rejected even though another trusted key verifies.
  Note forged = *parsed;
  forged.signatures[0].signature[5] ^= 1;
  const NoteVerifierKey both[] = {*ka, *kb};
  ExpectError(VerifyNote(forged, both).status(), "signature of b.example/log does not verify");
}

TEST(SignedNote, MalformedNotesAreRefusedWithTheReason) {
  const Signer a = TestSigner(1);
  const std::string good = FormatNote(Note{"x\n", {SignNoteText("x\n", "a", a)}});
  ASSERT_TRUE(ParseNote(good).ok());
  const std::string line = good.substr(3);  // "— a ...\n"
  ExpectError(ParseNote(good.substr(0, good.size() - 1)).status(), "does not end with a newline");
  ExpectError(ParseNote("x\n" + line).status(), "no blank line");
  ExpectError(ParseNote("x\n\n").status(), "no signature lines");
  ExpectError(ParseNote("x\n\n- a AAAAAAA=\n").status(), "signature line 1: does not start with an em dash");
  ExpectError(ParseNote("x\n\n" + line + "\xE2\x80\x94 a+b AAAAAAA=\n").status(),
              "signature line 2: key name contains '+'");
  ExpectError(ParseNote("x\n\n\xE2\x80\x94 a AAAA\n").status(), "signature line 1: signature is 3 bytes");
  ExpectError(ParseNote("x\n\n\xE2\x80\x94 a AAAAAAA\n").status(), "signature line 1: signature: not valid base64");
  ExpectError(ParseNote("x\n\n\xE2\x80\x94 aAAAAAAA=\n").status(), "no space between key name and signature");
  ExpectError(ParseNote("x\ty\n" + line.substr(0)).status(), "control character 9 at byte 2");
  ExpectError(ParseNote("x\xC3\n" + good.substr(2)).status(), "invalid UTF-8 at byte 2");
  ExpectError(ParseNote("\xC0\x80\n" + good.substr(2)).status(), "invalid UTF-8 at byte 1");  // overlong NUL
  std::string many = "x\n\n";
  for (std::size_t i = 0; i <= kMaxNoteSignatures; ++i) many += line;
  ExpectError(ParseNote(many).status(), "more than 64 signatures");
  std::string sixteen = "x\n\n";
  for (int i = 0; i < 16; ++i) sixteen += line;
  EXPECT_TRUE(ParseNote(sixteen).ok());
}

TEST(SignedNote, KeyNamesAndVerifierKeysAreChecked) {
  EXPECT_TRUE(CheckNoteKeyName("example.com/log42").ok());
  ExpectError(CheckNoteKeyName(""), "empty");
  ExpectError(CheckNoteKeyName("a b"), "space");
  ExpectError(CheckNoteKeyName("a\xC2\xA0"
                               "b"),
              "space (U+00a0)");  // no-break space
  ExpectError(CheckNoteKeyName("a\xE3\x80\x80"), "space (U+3000)");
  ExpectError(CheckNoteKeyName("a+b"), "'+'");
  ExpectError(ParseVerifierKey("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").status(),
              "key ID 530d903b is not the ID of this name and key (530d903a)");
  ExpectError(ParseVerifierKey("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").status(),
              "8 lower-case hex digits");
  ExpectError(ParseVerifierKey("example.com/foo+530d903a").status(), "expected <name>+<8 hex digits");
  ExpectError(ParseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0=").status(),
              "32 bytes, expected 33");
  ExpectError(ParseVerifierKey("example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").status(),
              "signature type 2 is not supported");
}

}  // namespace
}  // namespace deconflict::record
