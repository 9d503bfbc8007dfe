// Lists in insertion order with a position cursor (ListNotices, ListDocuments after_position), over every backend:
// pages never repeat nor skip an item, whatever is inserted or updated meanwhile; a party sees the notices it sent or
// receives only.
#include <gtest/gtest.h>

#include <set>

#include "store/contract.h"
#include "store/contract_backends.h"

namespace deconflict::store::testing {
namespace {

template <typename Backend>
class StoreList : public StoreContractTest<Backend> {
 protected:
  void SetUp() override {
    StoreContractTest<Backend>::SetUp();
    for (const char* id : {"alpha", "bravo", "charlie"}) this->AddParty(id);
  }
  void Send(const std::string& id, const std::string& from, std::vector<std::string> to) {
    Notice n{id, "advisory", from, 0, "", "{}", 0};
    ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.CreateNotice(n, to, 0); }).ok());
  }
  std::vector<Notice> Page(const std::string& party, std::int64_t after, size_t limit) {
    std::vector<Notice> out;
    EXPECT_TRUE(this->store_->Read([&](ReadTx& tx) {
      auto l = tx.ListNotices(NoticeFilter{party, after, limit});
      if (l.ok()) out = *l;
      return l.status();
    }).ok());
    return out;
  }
};
TYPED_TEST_SUITE(StoreList, Backends, BackendName);

TYPED_TEST(StoreList, NoticesOfAPartyPageInInsertionOrderWithoutRepeatOrSkip) {
  this->Send("n-z", "alpha", {"bravo"});
  this->Send("n-a", "bravo", {"alpha", "charlie"});
  this->Send("n-m", "charlie", {"bravo"});  // not alpha's
  this->Send("n-b", "server", {"alpha"});
  auto first = this->Page("alpha", 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, "n-z") << "insertion order, not id order";
  EXPECT_EQ(first[1].id, "n-a");
  EXPECT_LT(first[0].position, first[1].position);
  this->Send("n-0", "alpha", {"charlie"});  // inserted between two pages
  auto second = this->Page("alpha", first[1].position, 10);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].id, "n-b");
  EXPECT_EQ(second[1].id, "n-0");
  EXPECT_TRUE(this->Page("alpha", second[1].position, 10).empty());
  std::set<std::string> charlie;
  for (const auto& n : this->Page("charlie", 0, 10)) charlie.insert(n.id);
  EXPECT_EQ(charlie, (std::set<std::string>{"n-a", "n-m", "n-0"}));
}

TYPED_TEST(StoreList, DocumentsAfterAPositionKeepTheirPlaceWhenUpdated) {
  auto put = [&](const std::string& id, const std::string& owner, const std::string& state) {
    Document d;
    d.kind = DocumentKind::kAlert;
    d.id = id;
    d.owner = owner;
    d.state = state;
    d.body = "{}";
    ASSERT_TRUE(this->Recorded([&](WriteTx& tx) { return tx.PutDocument(d, kAnyVersion).status(); }).ok());
  };
  put("al_2:alpha", "alpha", "open");
  put("al_1:alpha", "alpha", "open");
  put("al_1:bravo", "bravo", "open");
  put("al_2:alpha", "alpha", "resolved");  // an update keeps its place
  std::vector<Document> docs;
  DocumentFilter f;
  f.owner = "alpha";
  f.after_position = 0;
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto l = tx.ListDocuments(DocumentKind::kAlert, f);
    if (l.ok()) docs = *l;
    return l.status();
  }).ok());
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].id, "al_2:alpha");
  EXPECT_EQ(docs[0].state, "resolved");
  EXPECT_EQ(docs[1].id, "al_1:alpha");
  f.after_position = docs[0].position;
  f.state = "open";
  ASSERT_TRUE(this->store_->Read([&](ReadTx& tx) {
    auto l = tx.ListDocuments(DocumentKind::kAlert, f);
    if (l.ok()) docs = *l;
    return l.status();
  }).ok());
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].id, "al_1:alpha");
}

}  // namespace
}  // namespace deconflict::store::testing
