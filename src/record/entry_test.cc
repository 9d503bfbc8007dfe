#include "record/entry.h"

#include <gtest/gtest.h>

#include "record/keys.h"

namespace deconflict::record {
namespace {

// RFC 8032 section 7.1, TEST 1 secret key (seed).
std::array<std::uint8_t, 32> Rfc8032Seed() {
  return *FromHex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "seed");
}

Entry FirstEntry() {
  Entry e;
  e.seq = 1;
  e.time_us = 1700000000000000;
  e.kind = "input";
  e.actor = "alpha";
  e.audience = {"bravo", "charlie"};
  e.payload = R"({"a":1,"b":[true,null]})";
  return e;
}

// The expected hashes and signature were computed independently with Python's hashlib.blake2b
// (digest_size=32) and the `cryptography` package's Ed25519 over the layout in docs/record.md.
TEST(EntryHash, MatchesIndependentBlake2bOfDocumentedLayout) {
  Entry e = FirstEntry();
  EXPECT_EQ(ToHex(ComputeHash(e)), "125dc976f01da9f37fbd55dabac628c76b5f6b65854e679c9672aa21e74506d6");
  Entry second;
  second.seq = 2;
  second.time_us = 1700000000000001;
  second.kind = "alert";
  second.actor = "server";
  second.payload = "{}";
  second.prev = ComputeHash(e);
  EXPECT_EQ(ToHex(ComputeHash(second)), "7351126c1d13c4cbb6feb1863ff69ba7400292e1426d1473769b8eb3d1d64dd9");
}

TEST(EntryHash, SealSignsTheHashWithEd25519AsAnIndependentImplementation) {
  const Signer signer = Signer::FromSeed(Rfc8032Seed());
  EXPECT_EQ(ToHex(signer.public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Entry e = FirstEntry();
  SealEntry(e, 0, kZeroHash, signer);
  EXPECT_EQ(e.seq, 1u);
  EXPECT_EQ(ToHex(e.signature),
            "aecda584766424cf9c76be30f7a1a04f332e6d66f1bd8254d7fa248f462ce5b7"
            "419ac6043277437503de99b46e4368d504218185540f573c1150393d7df48801");
}

TEST(EntryHash, Rfc8032EmptyMessageSignature) {
  const Signer signer = Signer::FromSeed(Rfc8032Seed());
  EXPECT_EQ(ToHex(signer.Sign("")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(EntryHash, LengthPrefixesKeepFieldBoundariesApart) {
  Entry a = FirstEntry();
  Entry b = FirstEntry();
  a.kind = "inputa";
  a.actor = "lpha";
  EXPECT_NE(ComputeHash(a), ComputeHash(b));
  b.kind = "input";
  b.audience = {"bravocharlie"};
  EXPECT_NE(ComputeHash(b), ComputeHash(FirstEntry()));
}

TEST(Canonicalize, SortsKeysAndDropsWhitespace) {
  auto c = Canonicalize(R"( { "z" : 1, "a" : {"y": 2, "b": "x"} } )");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, R"({"a":{"b":"x","y":2},"z":1})");
}

TEST(NormalizeInput, RejectsBadPayloadAndNamesIt) {
  EntryInput in{"input", "alpha", {}, "{not json"};
  Status s = NormalizeInput(in);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("payload"), std::string::npos);
}

TEST(NormalizeInput, RejectsEmptyKindAndActor) {
  EntryInput no_kind{"", "alpha", {}, "{}"};
  EXPECT_NE(NormalizeInput(no_kind).message().find("kind"), std::string::npos);
  EntryInput no_actor{"input", "", {}, "{}"};
  EXPECT_NE(NormalizeInput(no_actor).message().find("actor"), std::string::npos);
  EntryInput control{"input", "al\npha", {}, "{}"};
  EXPECT_FALSE(NormalizeInput(control).ok());
}

TEST(NormalizeInput, SortsAndDeduplicatesAudience) {
  EntryInput in{"notice", "alpha", {"charlie", "bravo", "charlie"}, "{}"};
  ASSERT_TRUE(NormalizeInput(in).ok());
  EXPECT_EQ(in.audience, (std::vector<std::string>{"bravo", "charlie"}));
}

TEST(EntryJson, RoundTripsEveryField) {
  const Signer signer = Signer::Generate();
  Entry e = FirstEntry();
  SealEntry(e, 0, kZeroHash, signer);
  auto back = EntryFromJson(EntryToJson(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->time_us, e.time_us);
  EXPECT_EQ(back->audience, e.audience);
  EXPECT_EQ(back->payload, e.payload);
  EXPECT_EQ(back->hash, e.hash);
  EXPECT_EQ(back->signature, e.signature);
}

TEST(EntryJson, NamesMissingAndUnknownFields) {
  auto missing = EntryFromJson(R"({"seq":1})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("time_us"), std::string::npos);
  const Signer signer = Signer::Generate();
  Entry e = FirstEntry();
  SealEntry(e, 0, kZeroHash, signer);
  std::string line = EntryToJson(e);
  line.insert(1, R"("extra":1,)");
  auto unknown = EntryFromJson(line);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("extra"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::record
