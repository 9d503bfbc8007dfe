#include "record/proof_files.h"

#include <gtest/gtest.h>

#include "record/checkpoint.h"
#include "record/merkle_tree.h"
#include "record/test_util.h"

namespace deconflict::record {
namespace {

using test::ExpectError;

Hash H(int i) { return MerkleLeafHash(std::to_string(i)); }

TEST(TlogProofFile, RoundTripsWithTheCheckpointVerbatim) {
  const std::string checkpoint = "o\n3\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\xE2\x80\x94 o AAAAAAA=\n";
  LeafSalt salt{};
  salt[0] = 7;
  TlogProof p{EntryLeafExtra(salt, H(9)), 2, {H(1), H(2)}, checkpoint};
  const std::string text = FormatTlogProof(p);
  EXPECT_EQ(text.rfind("c2sp.org/tlog-proof@v1\nextra ", 0), 0u) << text;
  auto back = ParseTlogProof(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, 2u);
  EXPECT_EQ(back->proof, p.proof);
  EXPECT_EQ(back->checkpoint, checkpoint);
  auto parts = ParseEntryLeafExtra(*back->extra);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->salt, salt);
  EXPECT_EQ(parts->entry_hash, H(9));

  TlogProof bare{std::nullopt, 0, {}, checkpoint};
  auto b = ParseTlogProof(FormatTlogProof(bare));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_FALSE(b->extra.has_value());
  EXPECT_TRUE(b->proof.empty());
}

TEST(TlogProofFile, MalformedFilesNameTheLine) {
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v2\nindex 1\n\ncp\n").status(), "line 1 is not");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 01\n\ncp\n").status(), "line 2 (index): leading zero");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\ncp\n").status(), "line 3: hash is 3 bytes");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\nextra A\nindex 1\n\ncp\n").status(), "line 2 (extra)");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 1\n").status(), "no empty line");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 1\n\n").status(), "no checkpoint");
  ExpectError(ParseTlogProof("c2sp.org/tlog-proof@v1\n\ncp\n").status(), "no index line");
  ExpectError(ParseEntryLeafExtra(std::string(63, 'x')).status(), "63 bytes, expected 64");
}

TEST(ConsistencyProofFile, RoundTripsAndNamesBadLines) {
  ConsistencyProofFile p{3, 7, {H(1), H(2), H(3)}};
  auto back = ParseConsistencyProof(FormatConsistencyProof(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size1, 3u);
  EXPECT_EQ(back->size2, 7u);
  EXPECT_EQ(back->proof, p.proof);
  ExpectError(ParseConsistencyProof("deconflict/consistency-proof@v1\nold 3\n").status(), "expected \"old <size>\"");
  ExpectError(ParseConsistencyProof("deconflict/consistency-proof@v1\nnew 3\nold 7\n").status(),
              "line 2: expected \"old <number>\"");
  ExpectError(ParseConsistencyProof("deconflict/consistency-proof@v1\nold 3\nnew x\n").status(),
              "line 3 (new): not a decimal number");
  ExpectError(ParseConsistencyProof("deconflict/consistency-proof@v1\nold 3\nnew 7\n\n").status(),
              "line 4: hash is 0 bytes");
  ExpectError(ParseConsistencyProof("deconflict/consistency-proof@v1\nold 3\nnew 7").status(), "newline");
}

}  // namespace
}  // namespace deconflict::record
