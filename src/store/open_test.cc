// Choosing the store by URL (store/open.h): sqlite:DIR, a bare path, and a clear error for anything else.
#include "store/open.h"

#include <gtest/gtest.h>

#include "store/test_util.h"

namespace deconflict::store {
namespace {

StoreUrl Parsed(std::string_view url) {
  auto u = ParseStoreUrl(url);
  EXPECT_TRUE(u.ok()) << url << ": " << u.status().ToString();
  return u.ok() ? *u : StoreUrl{};
}

std::string Refused(std::string_view url) {
  auto u = ParseStoreUrl(url);
  EXPECT_FALSE(u.ok()) << url << " was taken as " << (u.ok() ? u->scheme + ":" + u->location : "");
  EXPECT_EQ(u.status().code(), ErrorCode::kInvalidArgument) << url;
  return u.status().message();
}

TEST(StoreUrl, SqliteByNameOrByBarePath) {
  EXPECT_EQ(Parsed("sqlite:data").scheme, "sqlite");
  EXPECT_EQ(Parsed("sqlite:data").location, "data");
  EXPECT_EQ(Parsed("SQLite:/var/lib/dc").location, "/var/lib/dc") << "the scheme is case-insensitive";
  EXPECT_EQ(Parsed("sqlite:///var/lib/dc").location, "/var/lib/dc") << "URL style, empty authority";
  EXPECT_EQ(Parsed("data").scheme, "sqlite") << "the default data directory";
  EXPECT_EQ(Parsed("data").location, "data");
  EXPECT_EQ(Parsed("/tmp/a:b").location, "/tmp/a:b") << "a colon after the first slash is part of the path";
  EXPECT_EQ(Parsed("./x:y").location, "./x:y");
  EXPECT_EQ(Parsed("1dir:x").location, "1dir:x") << "a scheme starts with a letter";
}

TEST(StoreUrl, MemoryHasNoLocation) {
  EXPECT_EQ(Parsed("memory:").scheme, "memory");
  EXPECT_NE(Refused("memory:/tmp/x").find("no location"), std::string::npos);
  EXPECT_EQ(Parsed("memory").scheme, "sqlite") << "without the colon it is a directory named memory";
}

TEST(StoreUrl, UnknownSchemesAndEmptyLocationsAreRefusedNamingWhatIsWrong) {
  std::string m = Refused("postgresql://db.example/deconflict");
  EXPECT_NE(m.find("unknown scheme \"postgresql\""), std::string::npos) << m;
  EXPECT_NE(m.find("sqlite:"), std::string::npos) << "names the schemes it knows: " << m;
  EXPECT_NE(Refused("nosuch:x").find("\"nosuch\""), std::string::npos);
  EXPECT_NE(Refused("").find("empty"), std::string::npos);
  EXPECT_NE(Refused("sqlite:").find("names no directory"), std::string::npos);
  EXPECT_NE(Refused("sqlite://host/dir").find("no host"), std::string::npos);
}

TEST(StoreOpen, SqliteURLAndBarePathOpenTheSameStore) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  {
    auto s = Open("sqlite:" + data);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Append(record::EntryInput{"input", "alpha", {}, "{}"}).ok());
  }
  auto again = Open(data);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  std::uint64_t head = 0;
  ASSERT_TRUE((*again)->Read([&](ReadTx& tx) {
    auto h = tx.HeadSeq();
    if (h.ok()) head = *h;
    return h.status();
  }).ok());
  EXPECT_EQ(head, 1u);
  again->reset();
  OpenOptions ro;
  ro.read_only = true;
  auto audit = Open("sqlite:" + data, ro);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_EQ((*audit)->Append(record::EntryInput{"input", "alpha", {}, "{}"}).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(Open("nosuch:" + data).status().code(), ErrorCode::kInvalidArgument);
}

TEST(StoreOpen, MemoryURLOpensAnEmptyStoreEachTime) {
  auto a = Open("memory:");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE((*a)->Append(record::EntryInput{"input", "alpha", {}, "{}"}).ok());
  EXPECT_TRUE((*a)->VerifyRecord().ok());
  auto b = Open("memory:");
  ASSERT_TRUE(b.ok());
  EXPECT_NE((*a)->public_key(), (*b)->public_key()) << "each memory store has its own key";
  auto head = (*b)->Append(record::EntryInput{"input", "alpha", {}, "{}"});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 1u) << "nothing is shared between memory stores";
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_EQ(Open("memory:", ro).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace deconflict::store
