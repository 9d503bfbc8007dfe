// The rules every backend keeps through the shared layer (store/rules.h), run over each backend: state changes are
// committed to by the record ("rows"), escalation never lowers, queued writes run at close, and the record and the
// state verify (VerifyIntegrity) — also with a track holding -0, which SQL stores as +0.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>

#include "store/contract.h"
#include "store/contract_backends.h"

namespace deconflict::store::testing {
namespace {

using record::EntryInput;

template <typename Backend>
class StoreRules : public StoreContractTest<Backend> {};
TYPED_TEST_SUITE(StoreRules, Backends, BackendName);

TYPED_TEST(StoreRules, AnEntryAfterStateChangesCommitsToTheRowsAndOnlyThen) {
  this->AddParty("alpha");
  std::vector<record::Entry> entries;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto l = tx.ListEntries(1, 10);
    if (l.ok()) entries = *l;
    return l.status();
  }).ok());
  ASSERT_EQ(entries.size(), 1u);
  const auto payload = nlohmann::json::parse(entries[0].payload);
  ASSERT_TRUE(payload.contains("rows")) << entries[0].payload;
  EXPECT_EQ(payload["rows"].get<std::string>().size(), 64u) << "a BLAKE2b-256 root in hex";
  auto plain = this->store_->Append(EntryInput{"input", "alpha", {}, R"({"x":1})"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->payload, R"({"x":1})") << "no rows written since the last entry: nothing to commit to";
  Status reserved = this->store_->Write([](WriteTx& tx) -> Status {
    Party p{"bravo", "", "party", "", 0};
    if (Status s = tx.CreateParty(p); !s.ok()) return s;
    return tx.Append(EntryInput{"input", "alpha", {}, R"({"rows":"mine"})"}).status();
  });
  EXPECT_EQ(reserved.code(), ErrorCode::kInvalidArgument) << reserved.ToString();
}

TYPED_TEST(StoreRules, AStateChangeWithoutARecordEntryAfterItIsRefusedAndKeepsNothing) {
  Status s = this->store_->Write([](WriteTx& tx) {
    Party p{"alpha", "", "party", "", 0};
    return tx.CreateParty(p);
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("party alpha"), std::string::npos) << s.message();
  EXPECT_EQ(this->store_->Read([](ReadTx& tx) { return tx.GetParty("alpha").status(); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(this->Head(), 0u);
}

TYPED_TEST(StoreRules, EscalationNeverLowersLevelOrPriority) {
  this->AddParty("alpha");
  this->AddParty("bravo");
  Notice n{"n1", "alert", "server", 3, "", "{}", 0};
  const std::vector<std::string> to{"bravo"};
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.CreateNotice(n, to, 1000); }).ok());
  auto escalate = [&](int level, int priority, TimeUs deadline) {
    Result<Delivery> out = Status::Internal("not run");
    EXPECT_TRUE(this->Recorded([&](WriteTx& tx) {
      out = tx.Escalate("n1", "bravo", level, priority, deadline);
      return out.status();
    }).ok());
    return out;
  };
  auto up = escalate(2, 9, 2000);
  ASSERT_TRUE(up.ok());
  auto down = escalate(1, 4, 3000);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->escalation_level, 2);
  EXPECT_EQ(down->priority, 9);
  EXPECT_EQ(down->deadline_us, 3000) << "the deadline is the new one";
}

TYPED_TEST(StoreRules, RecordAndStateVerifyWithAReport) {
  this->AddParty("alpha");
  TrackState t;
  t.party = "alpha";
  t.id = "ac-1";
  t.lat_deg = 47.4;
  t.vs_mps = -0.0;  // stored as +0 by SQL: the seal must not depend on the sign of zero
  t.gs_mps = 0.0;
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.UpsertTracks(std::span<const TrackState>(&t, 1)); }).ok());
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) {
    return tx.PutDocument(TestFixture::Op("op-1", "alpha", "{}"), kMustNotExist).status();
  }).ok());
  ASSERT_TRUE(this->Recorded([](WriteTx& tx) { return tx.DeleteDocument(DocumentKind::kOperation, "op-1", 1); }).ok());
  auto report = this->store_->VerifyIntegrity(true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->full);
  EXPECT_EQ(report->head_seq, 4u);
  EXPECT_EQ(report->entries_verified, 4u);
  EXPECT_TRUE(this->store_->VerifyRecord().ok());
}

TYPED_TEST(StoreRules, ACompletionCallbackMayReadTheCommittedWrite) {
  std::promise<Result<std::uint64_t>> read;
  this->store_->WriteAsync([](WriteTx& tx) { return tx.Append(EntryInput{"input", "alpha", {}, "{}"}).status(); },
                           [&](Status s) {
                             Result<std::uint64_t> head = s;
                             if (s.ok()) {
                               s = this->store_->Read([&](ReadTx& tx) {
                                 head = tx.HeadSeq();
                                 return head.status();
                               });
                             }
                             read.set_value(s.ok() ? head : Result<std::uint64_t>(s));
                           });
  auto head = read.get_future().get();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, 1u);
}

TYPED_TEST(StoreRules, ClosingTheStoreRunsEveryQueuedAsyncWrite) {
  std::atomic<int> ok{0};
  for (int i = 0; i < 50; ++i) {
    this->store_->WriteAsync([](WriteTx& tx) { return tx.Append(EntryInput{"input", "alpha", {}, "{}"}).status(); },
                             [&](Status s) { ok += s.ok() ? 1 : 0; });
  }
  this->store_.reset();
  EXPECT_EQ(ok.load(), 50);
}

}  // namespace
}  // namespace deconflict::store::testing
