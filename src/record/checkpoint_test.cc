// Checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures (c2sp.org/tlog-cosignature): the spec's
// examples and vectors computed with Python's `cryptography` and `hashlib` (docs/record.md).
#include "record/checkpoint.h"
#include "record/test_util.h"

#include <gtest/gtest.h>

namespace deconflict::record {
namespace {

// tlog-cosignature.md's example checkpoint and its witness line.
constexpr const char* kSpecCheckpoint =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr const char* kSpecWitnessLine =
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";

// Computed with Python (docs/record.md): the RFC 8032 test key 1 signs the RFC 6962 example tree at size 8;
// the witness key has seed 00 01 .. 1f and cosigns at time 1700000000.
constexpr const char* kOurCheckpoint =
    "deconflict.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    "\xE2\x80\x94 deconflict.example/log "
    "ADnvtuE3hS7eUz8K9uacyuhz/k/5en9KyQ/HH1+KN9k3eUpG+HTAXYHBnlYshFpc/+dFOfBm2ElwXyZ3aGQN8uWGQQ0=\n";
constexpr const char* kLogVkey = "deconflict.example/log+0039efb6+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
constexpr const char* kWitnessLine =
    "\xE2\x80\x94 witness.example/blue "
    "K351fwAAAABlU/EA+20vl6Leyfmx/i1sAlF49Y5CNA4noizVc6xEfhgL8ijkIUWtkCU1XiBXt9UZvRG/bu4Z4540NXifk9ubjnKeBw==";
constexpr const char* kWitnessVkey = "witness.example/blue+2b7e757f+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

Signer Rfc8032Key1() {
  auto seed = FromHex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "seed");
  return Signer::FromSeed(*seed);
}
Signer WitnessKey() {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i);
  return Signer::FromSeed(seed);
}
Checkpoint Example() {
  return {"deconflict.example/log",
          8,
          *FromHex<32>("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", "root"),
          {}};
}

using test::ExpectError;

TEST(Checkpoint, TheSpecExampleParsesAndItsCosignatureCarriesTheSpecTime) {
  auto c = ParseCheckpointText(kSpecCheckpoint);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(ToHex(c->root), "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
  EXPECT_EQ(CheckpointText(*c), kSpecCheckpoint);
  auto line = ParseSignatureLine(kSpecWitnessLine, "line");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(line->key_id, 0x8d66cf3fu);
  ASSERT_EQ(line->signature.size(), 72u);  // timestamp and Ed25519 signature
  std::uint64_t t = 0;
  for (int i = 0; i < 8; ++i) t = t << 8 | static_cast<unsigned char>(line->signature[static_cast<std::size_t>(i)]);
  EXPECT_EQ(t, 1679315147u);
  // The message the spec shows for that time.
  EXPECT_EQ(CosignatureMessage(kSpecCheckpoint, t),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST(Checkpoint, SigningMatchesTheIndependentVectorAndVerifies) {
  auto signed_note = SignCheckpoint(Example(), Rfc8032Key1());
  ASSERT_TRUE(signed_note.ok()) << signed_note.status().ToString();
  EXPECT_EQ(*signed_note, kOurCheckpoint);
  auto key = ParseVerifierKey(kLogVkey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->key, Rfc8032Key1().public_key());
  auto v = VerifyCheckpoint(kOurCheckpoint, *key);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->checkpoint.size, 8u);
  EXPECT_EQ(v->checkpoint.root, Example().root);

  std::string tampered = kOurCheckpoint;
  tampered[tampered.find("\n8\n") + 1] = '9';
  ExpectError(VerifyCheckpoint(tampered, *key).status(), "does not verify");
  auto other = MakeNoteVerifierKey("other.example/log", kNoteTypeEd25519, key->key);
  ExpectError(VerifyCheckpoint(kOurCheckpoint, *other).status(), "no signature by a trusted key");
}

TEST(Checkpoint, CosignaturesMatchTheIndependentVectorAndVerify) {
  const std::string text = CheckpointText(Example());
  const NoteSignature sig = Cosign(text, "witness.example/blue", 1700000000, WitnessKey());
  EXPECT_EQ(FormatSignatureLine(sig), kWitnessLine);
  auto wkey = ParseVerifierKey(kWitnessVkey);
  ASSERT_TRUE(wkey.ok()) << wkey.status().ToString();
  EXPECT_EQ(wkey->type, kNoteTypeCosignatureV1);
  auto t = VerifyCosignature(text, sig, *wkey);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, 1700000000u);

  auto note = ParseNote(std::string(kOurCheckpoint) + kWitnessLine + "\n");
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  auto all = VerifyCosignatures(*note, std::span(&*wkey, 1));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].witness, "witness.example/blue");
  EXPECT_EQ((*all)[0].timestamp, 1700000000u);
  // The log's own key still verifies the note with the cosignature line in it.
  auto log_key = ParseVerifierKey(kLogVkey);
  EXPECT_TRUE(VerifyCheckpoint(FormatNote(*note), *log_key).ok());

  NoteSignature later = sig;
  later.signature[7] ^= 1;  // another time than the one signed
  ExpectError(VerifyCosignature(text, later, *wkey).status(), "time 1700000001) does not verify");
  NoteSignature huge = sig;
  huge.signature[0] = '\x80';
  ExpectError(VerifyCosignature(text, huge, *wkey).status(), "timestamp above 2^63 - 1");
  NoteSignature plain = sig;
  plain.signature.resize(64);
  ExpectError(VerifyCosignature(text, plain, *wkey).status(), "expected 72");
  Note bad = *note;
  bad.signatures[1] = later;
  ExpectError(VerifyCosignatures(bad, std::span(&*wkey, 1)).status(), "cosignature of witness.example/blue");
}

TEST(Checkpoint, MalformedCheckpointsAreRefusedWithTheLine) {
  const std::string root = "\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
  EXPECT_TRUE(ParseCheckpointText("o\n0" + root).ok());
  auto ext = ParseCheckpointText("o\n18446744073709551615" + root + "ext one\n");
  ASSERT_TRUE(ext.ok()) << ext.status().ToString();
  EXPECT_EQ(ext->size, 18446744073709551615u);
  EXPECT_EQ(ext->extensions, std::vector<std::string>{"ext one"});
  ExpectError(ParseCheckpointText("o\n08" + root).status(), "line 2 (tree size): leading zero");
  ExpectError(ParseCheckpointText("o\n-8" + root).status(), "line 2 (tree size): not a decimal number");
  ExpectError(ParseCheckpointText("o\n18446744073709551616" + root).status(), "larger than 2^64 - 1");
  ExpectError(ParseCheckpointText("o\n8\nAAAA\n").status(), "line 3 (root hash): 3 bytes");
  ExpectError(ParseCheckpointText("o\n8\nXcnaeacG!\n").status(), "line 3 (root hash): not valid base64");
  ExpectError(ParseCheckpointText("o\n8\n").status(), "2 lines, expected at least 3");
  ExpectError(ParseCheckpointText("\n8" + root).status(), "line 1 is empty");
  ExpectError(ParseCheckpointText("o\n8" + root + "\nx\n").status(), "line 4 is empty");
  ExpectError(ParseCheckpointText("o\n8" + root.substr(0, root.size() - 1)).status(), "does not end with a newline");
  Checkpoint spaced = Example();
  spaced.origin = "has space";
  ExpectError(SignCheckpoint(spaced, Rfc8032Key1()).status(), "key name contains a space");
  Checkpoint empty_ext = Example();
  empty_ext.extensions = {""};
  ExpectError(SignCheckpoint(empty_ext, Rfc8032Key1()).status(), "line 4 is empty");
}

}  // namespace
}  // namespace deconflict::record
