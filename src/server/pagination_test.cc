#include "server/pagination.h"

#include <gtest/gtest.h>

namespace deconflict::server {
namespace {

Request WithQuery(std::map<std::string, std::string> q) {
  Request r;
  r.query = std::move(q);
  return r;
}

TEST(Pagination, LimitDefaultsAndBoundsAreEnforced) {
  EXPECT_EQ(ReadPage(WithQuery({}), "notices")->limit, kDefaultPageLimit);
  EXPECT_EQ(ReadPage(WithQuery({{"limit", "1000"}}), "notices")->limit, 1000u);
  for (const char* bad : {"0", "1001", "-1", "", "1e3", "99999"}) {
    auto p = ReadPage(WithQuery({{"limit", bad}}), "notices");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().message().find("limit: expected an integer 1..1000"), std::string::npos);
  }
}

TEST(Pagination, CursorsRoundTripAndBelongToOneList) {
  const std::string c = EncodeCursor("notices", PositionKey(42));
  auto p = ReadPage(WithQuery({{"cursor", c}}), "notices");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*PositionOf(*p), 42);
  EXPECT_FALSE(ReadPage(WithQuery({{"cursor", c}}), "alerts").ok()) << "another list's cursor";
  EXPECT_FALSE(ReadPage(WithQuery({{"cursor", "zz"}}), "notices").ok());
  auto odd = ReadPage(WithQuery({{"cursor", EncodeCursor("notices", "4x")}}), "notices");
  ASSERT_TRUE(odd.ok());
  EXPECT_FALSE(PositionOf(*odd).ok()) << "a key that is not a position";
}

TEST(Pagination, InMemoryListsPageByKeyWithoutRepeatOrSkip) {
  Json items = Json::array();
  for (const char* id : {"c", "a", "e", "b", "d"}) items.push_back(Json{{"id", id}});
  auto first = PagedAnswer(WithQuery({{"limit", "2"}}), "operations", items, "id").body;
  ASSERT_EQ(first["operations"].size(), 2u);
  EXPECT_EQ(first["operations"][0]["id"], "a");
  EXPECT_EQ(first["operations"][1]["id"], "b");
  items.push_back(Json{{"id", "aa"}});  // inserted before the cursor: not shown, nothing skipped
  items.push_back(Json{{"id", "bb"}});  // after it: shown
  std::vector<std::string> rest;
  for (Json page = first; !page["next"].is_null();) {
    page = PagedAnswer(WithQuery({{"limit", "2"}, {"cursor", page["next"]}}), "operations", items, "id").body;
    for (const auto& x : page["operations"]) rest.push_back(x["id"]);
  }
  EXPECT_EQ(rest, (std::vector<std::string>{"bb", "c", "d", "e"}));
}

}  // namespace
}  // namespace deconflict::server
