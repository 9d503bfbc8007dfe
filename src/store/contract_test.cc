// The contract every store backend keeps (store/store.h), run over each backend: a failed write keeps nothing,
// version tokens, concurrency, groups of writes, deliveries, tracks, receipts and the record's lists.
// Backend-specific behaviour (files, modes, WAL, integrity at rest) is tested in the backend's own folder.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "record/verify.h"
#include "store/contract.h"
#include "store/contract_backends.h"

namespace deconflict::store::testing {
namespace {

using record::EntryInput;

template <typename Backend>
class StoreContract : public StoreContractTest<Backend> {};
TYPED_TEST_SUITE(StoreContract, Backends, BackendName);

// (Built with append: GCC 12 warns falsely on "p" + std::to_string(t) under -Werror=restrict.)
std::string Actor(int t) {
  std::string s = "p";
  s += std::to_string(t);
  return s;
}

TYPED_TEST(StoreContract, FailedWriteKeepsNeitherStateNorRecordEntry) {
  this->AddParty("alpha");  // entry 1
  Status s = this->store_->Write([&](WriteTx& tx) -> Status {
    auto d = tx.PutDocument(TestFixture::Op("op-1", "alpha", "{}"), kMustNotExist);
    if (!d.ok()) return d.status();
    auto e = tx.Append(EntryInput{"input", "alpha", {}, R"({"op":"op-1"})"});
    if (!e.ok()) return e.status();
    return Status::Invalid("refused later in the same write");
  });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(this->Get(DocumentKind::kOperation, "op-1").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(this->Head(), 1u);
  auto e = this->store_->Append(EntryInput{"input", "alpha", {}, "{}"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->seq, 2u);
  EXPECT_EQ(e->payload, "{}") << "no rows of the failed write are committed";
  EXPECT_TRUE(this->store_->VerifyRecord().ok());
}

TYPED_TEST(StoreContract, BadRecordPayloadRollsBackTheStateChange) {
  this->AddParty("alpha");
  Status s = this->store_->Write([&](WriteTx& tx) -> Status {
    auto d = tx.PutDocument(TestFixture::Op("op-1", "alpha", "{}"), kMustNotExist);
    if (!d.ok()) return d.status();
    return tx.Append(EntryInput{"input", "alpha", {}, "{broken"}).status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(this->Get(DocumentKind::kOperation, "op-1").ok());
}

TYPED_TEST(StoreContract, VersionTokensRefuseStaleWrites) {
  this->AddParty("alpha");
  auto put = [&](const Document& d, std::int64_t expected) {
    Result<Document> out = Status::Internal("not run");
    Status s = this->Recorded([&](WriteTx& tx) {
      out = tx.PutDocument(d, expected);
      return out.status();
    });
    EXPECT_EQ(s.code(), out.status().code());
    return out;
  };
  auto v1 = put(TestFixture::Op("op-1", "alpha", R"({"v":1})"), kMustNotExist);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  auto v2 = put(TestFixture::Op("op-1", "alpha", R"({"v":2})"), 1);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  auto stale = put(TestFixture::Op("op-1", "alpha", R"({"v":"stale"})"), 1);
  EXPECT_EQ(stale.status().code(), ErrorCode::kConflict);
  EXPECT_NE(stale.status().message().find("stale version token"), std::string::npos);
  EXPECT_EQ(this->Get(DocumentKind::kOperation, "op-1")->body, R"({"v":2})");
  EXPECT_EQ(put(TestFixture::Op("op-1", "alpha", "{}"), kMustNotExist).status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(put(TestFixture::Op("op-9", "alpha", "{}"), 3).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(put(TestFixture::Op("op-1", "bravo", "{}"), 2).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(put(TestFixture::Op("op-2", "alpha", "{not json"), kMustNotExist).status().code(),
            ErrorCode::kInvalidArgument);

  EXPECT_EQ(this->Recorded([](WriteTx& tx) { return tx.DeleteDocument(DocumentKind::kOperation, "op-1", 1); }).code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(this->Recorded([](WriteTx& tx) { return tx.DeleteDocument(DocumentKind::kOperation, "op-1", 2); }).ok());
  auto again = put(TestFixture::Op("op-1", "alpha", R"({"v":"new"})"), kMustNotExist);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 4) << "a version token is never reused, even after a delete";
  std::vector<Document> history;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto h = tx.DocumentHistory(DocumentKind::kOperation, "op-1");
    if (h.ok()) history = *h;
    return h.status();
  }).ok());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[2].state, "deleted");
  EXPECT_EQ(history[3].body, R"({"v":"new"})");
}

TYPED_TEST(StoreContract, ConcurrentWritersWithTheSameTokenExactlyOneWins) {
  this->AddParty("alpha");
  ASSERT_TRUE(this->Recorded([](WriteTx& tx) {
    return tx.PutDocument(TestFixture::Op("op-1", "alpha", "{}"), kMustNotExist).status();
  }).ok());
  std::atomic<int> won{0}, conflicted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Status s = this->Recorded([&](WriteTx& tx) {
        return tx.PutDocument(TestFixture::Op("op-1", "alpha", R"({"writer":)" + std::to_string(t) + "}"), 1).status();
      });
      if (s.ok()) ++won;
      if (s.code() == ErrorCode::kConflict) ++conflicted;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), 7);
  EXPECT_EQ(this->Get(DocumentKind::kOperation, "op-1")->version, 2);
}

TYPED_TEST(StoreContract, ConcurrentAppendsFormOneContiguousVerifiableChain) {
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto e = this->store_->Append(EntryInput{"input", Actor(t), {}, R"({"i":)" + std::to_string(i) + "}"});
        if (!e.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(this->Head(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_TRUE(this->store_->VerifyRecord().ok());
  const StoreStats st = this->store_->stats();
  EXPECT_EQ(st.write_calls, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(st.record_entries, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LE(st.commits, st.write_calls);
}

TYPED_TEST(StoreContract, OneFailingWriteInAGroupDoesNotUndoTheOthers) {
  // Many concurrent writers so that groups form; every odd writer fails after appending.
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = this->store_->Write([&](WriteTx& tx) -> Status {
        auto e = tx.Append(EntryInput{"input", Actor(t), {}, "{}"});
        if (!e.ok()) return e.status();
        return t % 2 ? Status::Invalid("odd writer refuses") : Status::Ok();
      });
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> actors;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto all = tx.ListEntries(1, 100);
    if (!all.ok()) return all.status();
    for (const auto& e : *all) actors.insert(e.actor);
    return Status::Ok();
  }).ok());
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(results[t].ok(), t % 2 == 0) << t;
    EXPECT_EQ(actors.count(Actor(t)), t % 2 == 0 ? 1u : 0u) << t;
  }
  EXPECT_EQ(this->Head(), static_cast<std::uint64_t>(kThreads / 2));
  EXPECT_TRUE(this->store_->VerifyRecord().ok());
}

TYPED_TEST(StoreContract, AnExceptionInAWriteFunctionIsAnErrorAndKeepsNothing) {
  Status s = this->store_->Write([](WriteTx& tx) -> Status {
    (void)tx.Append(EntryInput{"input", "alpha", {}, "{}"});
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("boom"), std::string::npos);
  EXPECT_EQ(this->Head(), 0u);
  EXPECT_TRUE(this->store_->Append(EntryInput{"input", "alpha", {}, "{}"}).ok());
}

TYPED_TEST(StoreContract, WriteFromInsideAWriteIsRefusedNotDeadlocked) {
  Status inner;
  Status s = this->store_->Write([&](WriteTx&) {
    inner = this->store_->Write([](WriteTx&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(inner.code(), ErrorCode::kInternal);
}

TYPED_TEST(StoreContract, PartiesAndCredentialHashes) {
  this->AddParty("alpha");
  Party dup{"alpha", "", "party", "", 0};
  EXPECT_EQ(this->Recorded([&](WriteTx& tx) { return tx.CreateParty(dup); }).code(), ErrorCode::kAlreadyExists);
  Party bad{"al pha", "", "party", "", 0};
  EXPECT_EQ(this->Recorded([&](WriteTx& tx) { return tx.CreateParty(bad); }).code(), ErrorCode::kInvalidArgument);
  const std::string hash = record::TokenHashHex("secret-token-of-alpha");
  Credential c{hash, "alpha", "ops room", 0, false};
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.AddCredential(c); }).ok());
  Credential orphan{record::TokenHashHex("x"), "nobody", "", 0, false};
  EXPECT_EQ(this->Recorded([&](WriteTx& tx) { return tx.AddCredential(orphan); }).code(), ErrorCode::kNotFound);
  Credential found;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto f = tx.FindCredential(hash);
    if (f.ok()) found = *f;
    return f.status();
  }).ok());
  EXPECT_EQ(found.party_id, "alpha");
  EXPECT_FALSE(found.revoked);
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.RevokeCredential(hash); }).ok());
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto f = tx.FindCredential(hash);
    if (f.ok()) found = *f;
    return f.status();
  }).ok());
  EXPECT_TRUE(found.revoked);
}

TYPED_TEST(StoreContract, DeliveriesMoveForwardOnlyAndAreListedByDeadline) {
  this->AddParty("alpha");
  this->AddParty("bravo");
  this->AddParty("charlie");
  Notice n{"n1", "advisory", "alpha", 5, "", R"({"text":"air support in area K until 14:00"})", 0};
  const std::vector<std::string> to{"bravo", "charlie", "bravo"};
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.CreateNotice(n, to, 5000); }).ok());
  Notice unknown{"n2", "advisory", "alpha", 0, "", "{}", 0};
  const std::vector<std::string> nobody{"delta"};
  EXPECT_EQ(this->Recorded([&](WriteTx& tx) { return tx.CreateNotice(unknown, nobody, 0); }).code(),
            ErrorCode::kNotFound);

  auto update = [&](const char* who, DeliveryState to, TimeUs at) {
    Result<Delivery> out = Status::Internal("not run");
    (void)this->Recorded([&](WriteTx& tx) {
      out = tx.UpdateDelivery("n1", who, to, at);
      return out.status();
    });
    return out;
  };
  auto d = update("bravo", DeliveryState::kDelivered, 100);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->delivered_us, 100);
  d = update("bravo", DeliveryState::kAcknowledged, 200);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->acknowledged_us, 200);
  EXPECT_TRUE(update("bravo", DeliveryState::kAcknowledged, 300).ok()) << "acknowledging twice is a no-op";
  EXPECT_EQ(update("bravo", DeliveryState::kAcknowledged, 300)->acknowledged_us, 200);
  auto late = update("bravo", DeliveryState::kExpired, 400);
  EXPECT_EQ(late.status().code(), ErrorCode::kConflict);
  EXPECT_NE(late.status().message().find("acknowledged"), std::string::npos);

  std::vector<Delivery> overdue;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    DeliveryFilter f;
    f.states = {DeliveryState::kQueued, DeliveryState::kDelivered};
    f.deadline_before = 6000;
    auto l = tx.ListDeliveries(f);
    if (l.ok()) overdue = *l;
    return l.status();
  }).ok());
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].recipient, "charlie");

  Result<Delivery> esc = Status::Internal("not run");
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) {
    esc = tx.Escalate("n1", "charlie", 1, 9, 9000);
    return esc.status();
  }).ok());
  EXPECT_EQ(esc->escalation_level, 1);
  EXPECT_EQ(esc->priority, 9);
  EXPECT_EQ(esc->deadline_us, 9000);
  auto expired = update("charlie", DeliveryState::kExpired, 9001);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(update("charlie", DeliveryState::kAcknowledged, 9002).status().code(), ErrorCode::kConflict);
}

TYPED_TEST(StoreContract, TrackBatchWithABadTrackKeepsNothing) {
  TrackState a;
  a.id = "4b1806";
  a.party = "alpha";
  a.lat_deg = 47.4;
  a.lon_deg = 8.5;
  a.alt_m = 3000;
  TrackState b = a;
  b.id = "4b1807";
  b.alt_m = std::numeric_limits<double>::quiet_NaN();
  const std::vector<TrackState> batch{a, b};
  Status s = this->Recorded([&](WriteTx& tx) { return tx.UpsertTracks(batch); });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("track 1"), std::string::npos);
  EXPECT_NE(s.message().find("alt_m"), std::string::npos);
  a.alt_m = 3100;
  const std::vector<TrackState> good{a};
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.UpsertTracks(good); }).ok());
  a.alt_m = 3200;
  const std::vector<TrackState> newer{a};
  ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.UpsertTracks(newer); }).ok());
  std::vector<TrackState> tracks;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto t = tx.ListTracks("alpha");
    if (t.ok()) tracks = *t;
    return t.status();
  }).ok());
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].alt_m, 3200);
}

TYPED_TEST(StoreContract, ReceiptsOnlyForWhatThePartySentOrWasShown) {
  auto sent = this->store_->Append(EntryInput{"input", "alpha", {}, R"({"op":"op-1"})"});
  auto shown = this->store_->Append(EntryInput{"delivery", "server", {"bravo"}, R"({"notice":"n1"})"});
  ASSERT_TRUE(sent.ok() && shown.ok());
  auto r1 = this->store_->IssueReceipt("alpha", sent->seq);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_TRUE(record::VerifyReceipt(*r1, this->store_->public_key()).ok());
  auto r2 = this->store_->IssueReceipt("bravo", shown->seq);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(record::VerifyReceipt(*r2, this->store_->public_key()).ok());
  EXPECT_EQ(this->store_->IssueReceipt("bravo", sent->seq).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(this->store_->IssueReceipt("alpha", 99).status().code(), ErrorCode::kNotFound);
  std::vector<record::Entry> bravo;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto l = tx.ListEntriesForParty("bravo", 1, 10);
    if (l.ok()) bravo = *l;
    return l.status();
  }).ok());
  ASSERT_EQ(bravo.size(), 1u);
  EXPECT_EQ(bravo[0].seq, shown->seq);
}

TYPED_TEST(StoreContract, EntriesShownToAPartyWithinASeqRangeAscending) {
  std::vector<std::uint64_t> shown;
  for (int i = 0; i < 30; ++i) {
    // bravo is shown every third entry; alpha sends all of them (sending is not being shown).
    std::vector<std::string> audience;
    if (i % 3 == 0) audience.push_back("bravo");
    auto e = this->store_->Append(EntryInput{"notice", "alpha", audience, "{\"i\":" + std::to_string(i) + "}"});
    ASSERT_TRUE(e.ok());
    if (i % 3 == 0) shown.push_back(e->seq);
  }
  auto list = [&](std::uint64_t from, std::uint64_t to, std::size_t limit) {
    std::vector<std::uint64_t> out;
    EXPECT_TRUE(this->store_->Read([&](ReadTx& tx) {
      auto l = tx.ListEntriesShownTo("bravo", from, to, limit);
      if (l.ok())
        for (const auto& e : *l) out.push_back(e.seq);
      return l.status();
    }).ok());
    return out;
  };
  EXPECT_EQ(list(1, 1000, 100), shown);
  EXPECT_EQ(list(shown[2], shown[5], 100), (std::vector<std::uint64_t>{shown[2], shown[3], shown[4], shown[5]}));
  EXPECT_EQ(list(shown[2] + 1, 1000, 2), (std::vector<std::uint64_t>{shown[3], shown[4]}));
  EXPECT_TRUE(list(shown[9] + 1, 1000, 10).empty());
  EXPECT_TRUE(list(10, 5, 10).empty());
  EXPECT_FALSE(this->store_->Read([](ReadTx& tx) { return tx.ListEntriesShownTo("", 1, 2, 3).status(); }).ok());
}

TYPED_TEST(StoreContract, AsyncWritesCompleteOnceEachInQueueOrder) {
  constexpr int kWrites = 200;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::uint64_t> seqs(kWrites, 0);
  int done = 0, failed = 0;
  for (int i = 0; i < kWrites; ++i) {
    auto seq = std::make_shared<std::uint64_t>(0);
    this->store_->WriteAsync(
        [seq, i](WriteTx& tx) -> Status {
          auto e = tx.Append(EntryInput{"input", "alpha", {}, R"({"i":)" + std::to_string(i) + "}"});
          if (e.ok()) *seq = e->seq;
          return i == 7 ? Status::Invalid("write 7 refuses") : e.status();
        },
        [&, seq, i](Status s) {
          std::lock_guard lock(mu);
          if (s.ok()) seqs[i] = *seq;
          else ++failed;
          ++done;
          cv.notify_all();
        });
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return done == kWrites; }));
  EXPECT_EQ(failed, 1);
  std::uint64_t expected = 1;
  for (int i = 0; i < kWrites; ++i) {
    if (i == 7) continue;
    EXPECT_EQ(seqs[i], expected++) << "write " << i;
  }
  lock.unlock();
  EXPECT_TRUE(this->store_->VerifyRecord().ok());
}

}  // namespace
}  // namespace deconflict::store::testing
