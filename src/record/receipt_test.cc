#include "record/receipt.h"

#include <gtest/gtest.h>

namespace deconflict::record {
namespace {

class ReceiptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    entry_.time_us = 1700000000000000;
    entry_.kind = kind::kDelivery;
    entry_.actor = kServerActor;
    entry_.audience = {"bravo"};
    entry_.payload = R"({"notice":"n1","to":"bravo"})";
    SealEntry(entry_, 41, Blake2b256("previous"), signer_);
  }
  Signer signer_ = Signer::Generate();
  Entry entry_;
};

TEST_F(ReceiptTest, VerifiesOfflineAfterAJsonRoundTrip) {
  const Receipt r = MakeReceipt(entry_, "bravo", 1700000000500000, signer_);
  auto back = ReceiptFromJson(ReceiptToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->party, "bravo");
  EXPECT_EQ(back->entry.seq, 42u);
  EXPECT_TRUE(VerifyReceipt(*back, signer_.public_key()).ok());
}

TEST_F(ReceiptTest, RefusesAReceiptReissuedToAnotherParty) {
  Receipt r = MakeReceipt(entry_, "bravo", 1700000000500000, signer_);
  r.party = "charlie";
  Status s = VerifyReceipt(r, signer_.public_key());
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_NE(s.message().find("receipt signature"), std::string::npos);
}

TEST_F(ReceiptTest, RefusesAnAlteredEntryPayload) {
  Receipt r = MakeReceipt(entry_, "bravo", 1700000000500000, signer_);
  r.entry.payload = R"({"notice":"n1","to":"alpha"})";
  Status s = VerifyReceipt(r, signer_.public_key());
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_NE(s.message().find("seq 42"), std::string::npos);
}

TEST_F(ReceiptTest, RefusesAReceiptFromAKeyTheVerifierDoesNotTrust) {
  const Signer forger = Signer::Generate();
  Entry forged = entry_;
  SealEntry(forged, 41, entry_.prev, forger);
  const Receipt r = MakeReceipt(forged, "bravo", 1, forger);
  EXPECT_FALSE(VerifyReceipt(r, signer_.public_key()).ok());
  EXPECT_TRUE(VerifyReceipt(r, forger.public_key()).ok());
}

}  // namespace
}  // namespace deconflict::record
