// Every case of transparency-dev/merkle's public proof vectors (tests/data/merkle, Apache-2.0) against the
// RFC 9162 verifiers, and the RFC 6962 example tree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "record/merkle.h"
#include "record/merkle_tree.h"
#include "record/merkle_verify.h"

namespace deconflict::record {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kVectors = fs::path(DECONFLICT_TEST_DATA) / "merkle" / "testdata";

json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::vector<std::uint8_t> Bytes(const json& v, const fs::path& file) {
  auto s = FromBase64(v.get<std::string>(), file.string());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::vector<std::uint8_t>(s->begin(), s->end()) : std::vector<std::uint8_t>{};
}

struct Proof {
  std::vector<std::vector<std::uint8_t>> hashes;
  std::vector<HashBytes> views;
};

Proof ProofOf(const json& v, const fs::path& file) {
  Proof p;
  if (!v.is_null()) {
    for (const json& h : v) p.hashes.push_back(Bytes(h, file));
  }
  for (const auto& h : p.hashes) p.views.emplace_back(h);
  return p;
}

std::vector<fs::path> Files(const char* sub) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kVectors / sub)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  return out;
}

TEST(MerkleVectors, EveryInclusionCaseGivesTheExpectedVerdict) {
  const auto files = Files("inclusion");
  ASSERT_EQ(files.size(), 98u);
  int failures_expected = 0;
  for (const auto& f : files) {
    const json v = ReadJson(f);
    const auto leaf = Bytes(v["leafHash"], f);
    const auto root = Bytes(v["root"], f);
    const Proof proof = ProofOf(v["proof"], f);
    const Status s =
        VerifyInclusion(v["leafIdx"].get<std::uint64_t>(), v["treeSize"].get<std::uint64_t>(), leaf, proof.views, root);
    EXPECT_EQ(!s.ok(), v["wantErr"].get<bool>()) << f << " (" << v["desc"] << "): " << s.ToString();
    failures_expected += v["wantErr"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(failures_expected, 60);  // the mutations are most of the cases
}

TEST(MerkleVectors, EveryConsistencyCaseGivesTheExpectedVerdict) {
  const auto files = Files("consistency");
  ASSERT_EQ(files.size(), 98u);
  int failures_expected = 0;
  for (const auto& f : files) {
    const json v = ReadJson(f);
    const auto root1 = Bytes(v["root1"], f);
    const auto root2 = Bytes(v["root2"], f);
    const Proof proof = ProofOf(v["proof"], f);
    const Status s =
        VerifyConsistency(v["size1"].get<std::uint64_t>(), v["size2"].get<std::uint64_t>(), proof.views, root1, root2);
    EXPECT_EQ(!s.ok(), v["wantErr"].get<bool>()) << f << " (" << v["desc"] << "): " << s.ToString();
    failures_expected += v["wantErr"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(failures_expected, 80);
}

// The edge rules, with the reason each error gives.
TEST(MerkleVerifierEdges, SizesAndHashLengthsAreCheckedWithAReason) {
  const Hash a = MerkleLeafHash("a"), b = MerkleLeafHash("b");
  const std::vector<std::uint8_t> short_hash(31, 0);
  const std::vector<HashBytes> none;
  auto message = [](const Status& s) { return s.ok() ? std::string("ok") : s.message(); };
  EXPECT_NE(message(VerifyConsistency(0, 5, none, a, b)).find("size1 is 0"), std::string::npos);
  EXPECT_NE(message(VerifyConsistency(0, 0, none, a, a)).find("size1 is 0"), std::string::npos);
  EXPECT_NE(message(VerifyConsistency(6, 5, none, a, b)).find("size1 is larger than size2"), std::string::npos);
  EXPECT_TRUE(VerifyConsistency(5, 5, none, a, a).ok());
  EXPECT_NE(message(VerifyConsistency(5, 5, none, a, b)).find("equal sizes but root1 and root2 differ"),
            std::string::npos);
  const std::vector<HashBytes> one{HashBytes(a)};
  EXPECT_NE(message(VerifyConsistency(5, 5, one, a, a)).find("equal sizes need an empty proof"), std::string::npos);
  EXPECT_NE(message(VerifyConsistency(3, 5, none, a, b)).find("the proof is empty"), std::string::npos);
  EXPECT_NE(message(VerifyConsistency(3, 5, one, short_hash, b)).find("root1 is 31 bytes"), std::string::npos);
  const std::vector<HashBytes> bad_proof{HashBytes(short_hash)};
  EXPECT_NE(message(VerifyInclusion(0, 2, a, bad_proof, b)).find("hash 0 is 31 bytes"), std::string::npos);
  EXPECT_NE(message(VerifyInclusion(0, 2, short_hash, one, b)).find("leaf hash is 31 bytes"), std::string::npos);
  EXPECT_NE(message(VerifyInclusion(2, 2, a, one, b)).find("not below the tree size"), std::string::npos);
  EXPECT_NE(message(VerifyInclusion(0, 1, a, one, a)).find("more hashes than the path"), std::string::npos);
  EXPECT_NE(message(VerifyInclusion(0, 4, a, one, a)).find("fewer hashes than the path"), std::string::npos);
  EXPECT_TRUE(VerifyInclusion(0, 1, a, none, HashBytes(a)).ok());
  EXPECT_TRUE(VerifyInclusion(1, 2, b, one, MerkleNodeHash(a, b)).ok());
}

// RFC 6962's example tree of 8 leaves; its root at size 8 is published (tests/data/merkle, data README).
std::vector<Hash> Rfc6962Leaves() {
  const char* hex[] = {
      "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
  std::vector<Hash> leaves;
  for (const char* h : hex) {
    std::string bytes;
    for (std::size_t i = 0; h[i] != '\0'; i += 2)
      bytes.push_back(static_cast<char>(std::stoi(std::string(h + i, 2), nullptr, 16)));
    leaves.push_back(MerkleLeafHash(bytes));
  }
  return leaves;
}

TEST(MerkleHashing, Rfc6962ExampleTreeHasThePublishedRoot) {
  const auto leaves = Rfc6962Leaves();
  const char* want = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
  EXPECT_EQ(ToHex(MerkleRootOf(leaves)), want);
  MemoryTreeHashes store;
  MerkleTree tree(store, 0);
  for (const Hash& l : leaves) ASSERT_TRUE(tree.Append(l).ok());
  auto root = tree.Root(8);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(ToHex(*root), want);
}

TEST(MerkleHashing, EmptyTreeIsSha256OfNothing) {
  EXPECT_EQ(ToHex(EmptyTreeRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(MerkleRootOf({})), ToHex(EmptyTreeRoot()));
}

// The leaf of a record entry, byte by byte (docs/record.md). Expected values computed with Python's hashlib:
// hashlib.sha256(b"\x00" + b"deconflict.leaf.v1" + bytes(range(32)) + entry_hash).
TEST(MerkleHashing, EntryLeafMatchesTheDocumentedBytes) {
  LeafSalt salt{};
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(i);
  auto entry_hash = FromHex<32>("125dc976f01da9f37fbd55dabac628c76b5f6b65854e679c9672aa21e74506d6", "hash");
  ASSERT_TRUE(entry_hash.ok());
  const std::string data = EntryLeafData(salt, *entry_hash);
  EXPECT_EQ(ToHex(data),
            "6465636f6e666c6963742e6c6561662e7631000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "125dc976f01da9f37fbd55dabac628c76b5f6b65854e679c9672aa21e74506d6");
  EXPECT_EQ(ToHex(EntryLeafHash(salt, *entry_hash)),
            "b0f34f64515cccb0dd892285afa6ad7f44af74ce412590a1f6716b6929f6c77b");
  LeafSalt other = salt;
  other[31] ^= 1;
  EXPECT_NE(EntryLeafHash(other, *entry_hash), EntryLeafHash(salt, *entry_hash));
  EXPECT_NE(RandomLeafSalt(), RandomLeafSalt());
}

TEST(Base64, RoundTripsAndRejectsMalformedText) {
  EXPECT_EQ(ToBase64("hello"), "aGVsbG8=");
  auto back = FromBase64("aGVsbG8=", "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "hello");
  EXPECT_TRUE(FromBase64("", "x").ok());
  for (const char* bad : {"aGVsbG8", "aGVsbG8=\n", "aGV sbG8=", "aGVsbG9=", "aGVs*G8="}) {
    auto r = FromBase64(bad, "root");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("root: not valid base64"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace deconflict::record
