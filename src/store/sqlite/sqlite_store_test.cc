// The SQLite backend's own behaviour beyond the store contract (contract_test.cc): what survives a reopen, the
// data directory's lock, read-only opens, and queued writes committed at close.
#include <gtest/gtest.h>

#include <atomic>

#include "record/verify.h"
#include "store/contract.h"
#include "store/sqlite/sqlite_test_backend.h"

namespace deconflict::store::testing {
namespace {

using record::EntryInput;

class SqliteStoreTest : public StoreContractTest<SqliteBackend> {
 protected:
  void Reopen(SqliteOptions options = {}) {
    backend_.options = options;
    OpenStore();
  }
};

TEST_F(SqliteStoreTest, AppendedEntriesAreBackAfterReopenAndVerify) {
  for (int i = 0; i < 5; ++i) {
    auto e = store_->Append(EntryInput{"input", "alpha", {"bravo"}, R"({"i":)" + std::to_string(i) + "}"});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->seq, static_cast<std::uint64_t>(i + 1));
  }
  const auto key = store_->public_key();
  Reopen();
  EXPECT_EQ(store_->public_key(), key);
  EXPECT_EQ(Head(), 5u);
  EXPECT_TRUE(store_->VerifyRecord().ok());
  auto e6 = store_->Append(EntryInput{"input", "alpha", {}, "{}"});
  ASSERT_TRUE(e6.ok());
  EXPECT_EQ(e6->seq, 6u);
  EXPECT_TRUE(store_->VerifyRecord().ok());
}

TEST_F(SqliteStoreTest, SecondWriterOnTheSameDirectoryIsRefused) {
  SqliteOptions o;
  o.data_dir = backend_.data_dir();
  auto second = OpenSqliteStore(o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kIo);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
}

TEST_F(SqliteStoreTest, ReadOnlyOpenReadsButRefusesWrites) {
  ASSERT_TRUE(store_->Append(EntryInput{"input", "alpha", {}, "{}"}).ok());
  store_.reset();
  SqliteOptions o;
  o.data_dir = backend_.data_dir();
  o.read_only = true;
  auto ro = OpenSqliteStore(o);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  EXPECT_TRUE((*ro)->VerifyRecord().ok());
  EXPECT_EQ((*ro)->Append(EntryInput{"input", "alpha", {}, "{}"}).status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(SqliteStoreTest, ClosingTheStoreCommitsQueuedAsyncWrites) {
  std::atomic<int> ok{0};
  for (int i = 0; i < 50; ++i) {
    store_->WriteAsync([](WriteTx& tx) { return tx.Append(EntryInput{"input", "alpha", {}, "{}"}).status(); },
                       [&](Status s) { ok += s.ok() ? 1 : 0; });
  }
  Reopen();  // destroys the first store
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(Head(), 50u);
}

}  // namespace
}  // namespace deconflict::store::testing
