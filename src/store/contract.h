// The contract every store backend keeps, as a typed GoogleTest fixture (contract_test.cc runs it over every
// backend). Test-only: not part of the library API.
//
// A backend takes part through a factory type:
//   struct XBackend {
//     static constexpr const char* kName = "x";           // the test name's suffix: StoreContract/x.Test
//     Result<std::unique_ptr<Store>> Open();              // a fresh, empty store (called again to reopen)
//   };
// and one line in contract_test.cc's list of backends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace deconflict::store::testing {

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }
  // (Re)opens the backend's store; the previous one is closed first.
  void OpenStore() {
    store_.reset();
    auto s = backend_.Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  // A write as the server makes it: fn, then a record entry after its state changes (which the store requires).
  Status Recorded(const std::function<Status(WriteTx&)>& fn) {
    return store_->Write([&](WriteTx& tx) -> Status {
      if (Status s = fn(tx); !s.ok()) return s;
      return tx.Append(record::EntryInput{"input", "test", {}, "{}"}).status();
    });
  }
  void AddParty(const std::string& id) {
    ASSERT_TRUE(Recorded([&](WriteTx& tx) {
      Party p{id, "Party " + id, "party", "", 0};
      return tx.CreateParty(p);
    }).ok());
  }
  static Document Op(const std::string& id, const std::string& owner, const std::string& body) {
    Document d;
    d.kind = DocumentKind::kOperation;
    d.id = id;
    d.owner = owner;
    d.state = "accepted";
    d.start_us = 1000;
    d.end_us = 2000;
    d.body = body;
    return d;
  }
  Result<Document> Get(DocumentKind kind, const std::string& id) {
    Result<Document> out = Status::Internal("not read");
    Status s = store_->Read([&](ReadTx& tx) {
      out = tx.GetDocument(kind, id);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }
  std::uint64_t Head() {
    std::uint64_t head = 0;
    EXPECT_TRUE(store_->Read([&](ReadTx& tx) {
      auto h = tx.HeadSeq();
      if (h.ok()) head = *h;
      return h.status();
    }).ok());
    return head;
  }

  Backend backend_;  // declared first: it outlives the store (e.g. its temporary directory)
  std::unique_ptr<Store> store_;
};

// Names typed tests after the backend: StoreContract/sqlite.VersionTokensRefuseStaleWrites.
struct BackendName {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

}  // namespace deconflict::store::testing
