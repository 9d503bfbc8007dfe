#include "plan/agreement.h"

#include <gtest/gtest.h>

namespace deconflict::plan {
namespace {

AgreementTerms Buffer(double h) {
  AgreementTerms t;
  t.buffer_horizontal_m = h;
  return t;
}

TEST(Agreement, DefaultTermsApplyUntilBothAccept) {
  AgreementBook book(Buffer(10));
  EXPECT_EQ(book.TermsBetween("blue", "red").buffer_horizontal_m, 10);
  auto v1 = book.Propose("blue", "red", Buffer(500), 0);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(*v1, 1u);
  EXPECT_EQ(book.InForce("red", "blue"), 0u);
  EXPECT_EQ(book.TermsBetween("red", "blue").buffer_horizontal_m, 10);
  ASSERT_TRUE(book.Accept("red", "blue", 1).ok());
  EXPECT_EQ(book.InForce("blue", "red"), 1u);
  EXPECT_EQ(book.TermsBetween("red", "blue").buffer_horizontal_m, 500);
}

TEST(Agreement, CounterProposalSupersedesAndTheOldVersionStaysInForce) {
  AgreementBook book;
  ASSERT_TRUE(book.Propose("blue", "red", Buffer(500), 0).ok());
  ASSERT_TRUE(book.Accept("red", "blue", 1).ok());
  // Blue proposes 1000 m; red counters with 800 m before anyone accepts.
  ASSERT_EQ(*book.Propose("blue", "red", Buffer(1000), 1), 2u);
  auto counter = book.Propose("red", "blue", Buffer(800), 2);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(*counter, 3u);
  // Version 1 is still in force; accepting the superseded version 2 is refused.
  EXPECT_EQ(book.TermsBetween("blue", "red").buffer_horizontal_m, 500);
  Status stale = book.Accept("red", "blue", 2);
  EXPECT_EQ(stale.code(), ErrorCode::kConflict);
  EXPECT_NE(stale.message().find("superseded by version 3"), std::string::npos);
  // A proposal naming a stale latest version is refused too.
  EXPECT_EQ(book.Propose("blue", "red", Buffer(900), 2).status().code(), ErrorCode::kConflict);
  ASSERT_TRUE(book.Accept("blue", "red", 3).ok());
  EXPECT_EQ(book.InForce("red", "blue"), 3u);
  EXPECT_EQ(book.TermsBetween("blue", "red").buffer_horizontal_m, 800);
  auto ag = book.Get("red", "blue");
  ASSERT_TRUE(ag.has_value());
  EXPECT_EQ(ag->versions.size(), 3u);
  EXPECT_EQ(ag->versions[2].proposed_by, "red");
}

TEST(Agreement, OwnAcceptanceAloneIsNotEnough) {
  AgreementBook book;
  ASSERT_TRUE(book.Propose("blue", "red", Buffer(500), 0).ok());
  ASSERT_TRUE(book.Accept("blue", "red", 1).ok());  // proposer accepting again changes nothing
  EXPECT_EQ(book.InForce("blue", "red"), 0u);
}

TEST(Agreement, BadProposalsAreRefusedWithTheField) {
  AgreementBook book;
  EXPECT_EQ(book.Propose("blue", "blue", {}, 0).status().code(), ErrorCode::kInvalidArgument);
  AgreementTerms neg;
  neg.buffer_vertical_m = -1;
  auto s = book.Propose("blue", "red", neg, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("terms.buffer_vertical"), std::string::npos);
  AgreementTerms order;
  order.escalation = {{300, "call"}, {120, "repeat"}};
  auto o = book.Propose("blue", "red", order, 0);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("terms.escalation[1].after"), std::string::npos);
  EXPECT_FALSE(book.Get("blue", "red").has_value());  // nothing half-stored
  EXPECT_EQ(book.Accept("blue", "red", 1).code(), ErrorCode::kNotFound);
}

TEST(Agreement, MaxBuffersCoverEveryAgreementInForce) {
  AgreementBook book(Buffer(5));
  ASSERT_TRUE(book.Propose("blue", "red", Buffer(300), 0).ok());
  ASSERT_TRUE(book.Accept("red", "blue", 1).ok());
  ASSERT_TRUE(book.Propose("blue", "green", Buffer(900), 0).ok());  // not accepted
  EXPECT_EQ(book.MaxBuffersFor("blue").first, 300);
  EXPECT_EQ(book.MaxBuffersFor("green").first, 5);
}

}  // namespace
}  // namespace deconflict::plan
