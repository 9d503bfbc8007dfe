#include "channel/channel.h"

#include <gtest/gtest.h>

namespace deconflict::channel {
namespace {
using What = Transition::What;

Policy TwoSteps() { return Policy{60, {EscalationStep::kRepeat, EscalationStep::kRaisePriority}}; }

Notice MakeNotice(std::string id, std::vector<std::string> to, NoticeKind kind = NoticeKind::kAdvisory) {
  Notice n;
  n.id = std::move(id);
  n.kind = kind;
  n.sender = "blue";
  n.text = "ongoing air support in this area until 12:00Z";
  for (auto& p : to) {
    Recipient r;
    r.party = p;
    n.recipients.push_back(r);
  }
  return n;
}

TEST(Channel, PostQueuesEveryRecipientWithTheDeadlineOfItsPolicy) {
  Channel ch([](const std::string&, const std::string& to) {
    return to == "red" ? Policy{30, {}} : Policy{90, {}};
  });
  auto t = ch.Post(MakeNotice("n1", {"red", "green"}), 1000);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].what, What::kQueued);
  EXPECT_DOUBLE_EQ((*t)[0].next_deadline_s, 1030);
  EXPECT_DOUBLE_EQ((*t)[1].next_deadline_s, 1090);
  EXPECT_EQ(ch.Find("n1")->FindRecipient("red")->state, DeliveryState::kQueued);
}

TEST(Channel, RejectsDuplicateIdsEmptyRecipientsAndRepeatedRecipients) {
  Channel ch([](auto&, auto&) { return Policy{}; });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  EXPECT_EQ(ch.Post(MakeNotice("n1", {"red"}), 0).status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(ch.Post(MakeNotice("n2", {}), 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ch.Post(MakeNotice("n3", {"red", "red"}), 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ch.size(), 1u);
}

TEST(Channel, DeliveredThenAcknowledgedAndBothIdempotent) {
  Channel ch([](auto&, auto&) { return TwoSteps(); });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  auto d = ch.MarkDelivered("n1", "red", 1);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].what, What::kDelivered);
  EXPECT_TRUE(ch.MarkDelivered("n1", "red", 2)->empty());
  auto a = ch.Acknowledge("n1", "red", 3);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].what, What::kAcknowledged);
  EXPECT_DOUBLE_EQ((*a)[0].next_deadline_s, 0);
  EXPECT_TRUE(ch.Acknowledge("n1", "red", 4)->empty());
  const Recipient* r = ch.Find("n1")->FindRecipient("red");
  EXPECT_EQ(r->state, DeliveryState::kAcknowledged);
  EXPECT_DOUBLE_EQ(*r->delivered_at_s, 1);
  EXPECT_DOUBLE_EQ(*r->acknowledged_at_s, 3);
  // Acknowledged notices never escalate.
  EXPECT_TRUE(ch.Tick(1e9).empty());
}

TEST(Channel, NonRecipientsCannotAcknowledgeAndGetTheSameAnswerAsForAMissingNotice) {
  Channel ch([](auto&, auto&) { return Policy{}; });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  auto foreign = ch.Acknowledge("n1", "green", 1);
  auto missing = ch.Acknowledge("n9", "green", 1);
  EXPECT_EQ(foreign.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  // The sender is not a recipient either.
  EXPECT_EQ(ch.Acknowledge("n1", "blue", 1).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ch.Find("n1")->FindRecipient("red")->state, DeliveryState::kQueued);
}

TEST(Channel, UnacknowledgedNoticeEscalatesStepByStepThenExpires) {
  Channel ch([](auto&, auto&) { return TwoSteps(); });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  EXPECT_TRUE(ch.Tick(59).empty());
  auto t1 = ch.Tick(60);
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0].what, What::kRepeated);
  EXPECT_DOUBLE_EQ(t1[0].next_deadline_s, 120);
  auto t2 = ch.Tick(120);
  ASSERT_EQ(t2.size(), 1u);
  EXPECT_EQ(t2[0].what, What::kPriorityRaised);
  EXPECT_EQ(t2[0].priority, Priority::kPriority);
  auto t3 = ch.Tick(180);
  ASSERT_EQ(t3.size(), 1u);
  EXPECT_EQ(t3[0].what, What::kExpired);
  EXPECT_EQ(ch.Find("n1")->FindRecipient("red")->state, DeliveryState::kExpired);
  EXPECT_EQ(ch.Acknowledge("n1", "red", 200).status().code(), ErrorCode::kConflict);
  EXPECT_TRUE(ch.Tick(1e9).empty());
}

TEST(Channel, NotifyContactIsAnEscalationStep) {
  Channel ch([](auto&, auto&) { return Policy{10, {EscalationStep::kNotifyContact}}; });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  auto t = ch.Tick(10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].what, What::kContactNotified);
}

TEST(Channel, RaisedPriorityStopsBelowDistressUnlessTheNoticeIsDistress) {
  Policy many{1, {EscalationStep::kRaisePriority, EscalationStep::kRaisePriority, EscalationStep::kRaisePriority,
                  EscalationStep::kRaisePriority}};
  Channel ch([&](auto&, auto&) { return many; });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  for (int i = 1; i <= 4; ++i) ch.Tick(i);
  EXPECT_EQ(ch.Find("n1")->FindRecipient("red")->priority, Priority::kImmediate);
}

TEST(Channel, ApplyReplaysRecordedTransitionsToTheSameState) {
  Channel live([](auto&, auto&) { return TwoSteps(); });
  Channel replay([](auto&, auto&) { return TwoSteps(); });
  std::vector<Transition> log;
  auto add = [&](const Result<std::vector<Transition>>& r) {
    ASSERT_TRUE(r.ok());
    log.insert(log.end(), r->begin(), r->end());
  };
  add(live.Post(MakeNotice("n1", {"red", "green"}), 0));
  add(live.MarkDelivered("n1", "red", 5));
  for (auto& t : live.Tick(60)) log.push_back(t);
  add(live.Acknowledge("n1", "red", 70));

  ASSERT_TRUE(replay.Post(MakeNotice("n1", {"red", "green"}), 0).ok());
  for (auto& t : log) ASSERT_TRUE(replay.Apply(t).ok());
  for (const char* p : {"red", "green"}) {
    const Recipient* a = live.Find("n1")->FindRecipient(p);
    const Recipient* b = replay.Find("n1")->FindRecipient(p);
    EXPECT_EQ(a->state, b->state) << p;
    EXPECT_EQ(a->escalations, b->escalations) << p;
    EXPECT_DOUBLE_EQ(a->deadline_s, b->deadline_s) << p;
  }
  // Both continue identically.
  EXPECT_EQ(live.Tick(120).size(), replay.Tick(120).size());
}

TEST(Channel, ForPartyListsSentAndReceivedNoticesOnly) {
  Channel ch([](auto&, auto&) { return Policy{}; });
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red"}), 0).ok());
  ASSERT_TRUE(ch.Post(MakeNotice("n2", {"green"}), 0).ok());
  EXPECT_EQ(ch.ForParty("blue").size(), 2u);
  ASSERT_EQ(ch.ForParty("red").size(), 1u);
  EXPECT_EQ(ch.ForParty("red")[0]->id, "n1");
  EXPECT_TRUE(ch.ForParty("yellow").empty());
}

TEST(Channel, ReleaseForgetsOnlySettledNotices) {
  Channel ch([](auto&, auto&) { return Policy{60, {}}; });  // no steps: expires at the first deadline
  ASSERT_TRUE(ch.Post(MakeNotice("n1", {"red", "green"}), 0).ok());
  ASSERT_TRUE(ch.Post(MakeNotice("n2", {"red"}), 0).ok());
  ASSERT_TRUE(ch.Acknowledge("n1", "red", 10).ok());
  EXPECT_FALSE(ch.Release("n1")) << "green has neither acknowledged nor expired";
  EXPECT_FALSE(ch.Release("nope"));
  ASSERT_TRUE(ch.Acknowledge("n1", "green", 11).ok());
  EXPECT_TRUE(ch.Find("n1")->Settled());
  EXPECT_TRUE(ch.Release("n1"));
  EXPECT_EQ(ch.Find("n1"), nullptr);
  EXPECT_EQ(ch.ForParty("green").size(), 0u);
  EXPECT_EQ(ch.size(), 1u);
  auto t = ch.Tick(100);  // n2 expires for red
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].what, What::kExpired);
  EXPECT_EQ(ch.ReleaseSettled(), 1u);
  EXPECT_EQ(ch.size(), 0u);
  EXPECT_TRUE(ch.Tick(1000).empty());
}

}  // namespace
}  // namespace deconflict::channel
