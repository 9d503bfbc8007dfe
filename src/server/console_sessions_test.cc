#include "server/console_sessions.h"

#include <gtest/gtest.h>

namespace deconflict::server {
namespace {

struct FakeClock {
  double now = 1000;
  ConsoleSessions::Clock fn() {
    return [this] { return now; };
  }
};

Principal Blue() {
  Principal p;
  p.party = "blue";
  p.token_hash = "h1";
  return p;
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; dc_session=abc; b=2", "dc_session"), "abc");
  EXPECT_EQ(CookieValue("dc_session=x", "dc_session"), "x");
  EXPECT_EQ(CookieValue("xdc_session=1; dc_sessionx=2", "dc_session"), "");
  EXPECT_EQ(CookieValue("", "dc_session"), "");
}

TEST(ConsoleSessions, ExpireAfterTheirLifetime) {
  FakeClock clock;
  ConsoleSessions s({.ttl_s = 60, .max_sessions = 10}, clock.fn());
  auto a = s.Create(Blue());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id.size(), 64u);
  EXPECT_NE(a->id, a->csrf_token);
  const std::string cookie = "dc_session=" + a->id;
  clock.now += 59;
  ASSERT_TRUE(s.Find(cookie).ok());
  EXPECT_EQ(s.Find(cookie)->who.party, "blue");
  clock.now += 1;
  auto gone = s.Find(cookie);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(gone.status().message().find("expired"), std::string::npos);
  EXPECT_EQ(s.size(), 0u);
}

TEST(ConsoleSessions, WritesNeedTheCsrfTokenReadsDoNot) {
  FakeClock clock;
  ConsoleSessions s({}, clock.fn());
  auto a = s.Create(Blue());
  ASSERT_TRUE(a.ok());
  const std::string cookie = "dc_session=" + a->id;
  EXPECT_TRUE(s.Authenticate(cookie, "GET", "").ok());
  EXPECT_EQ(s.Authenticate(cookie, "POST", "").status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.Authenticate(cookie, "DELETE", a->id).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(s.Authenticate(cookie, "POST", a->csrf_token).ok());
  EXPECT_EQ(s.Authenticate("dc_session=" + std::string(64, 'a'), "GET", "").status().code(),
            ErrorCode::kUnauthenticated);
}

TEST(ConsoleSessions, BoundedInNumberAndRemovable) {
  FakeClock clock;
  ConsoleSessions s({.ttl_s = 10, .max_sessions = 2}, clock.fn());
  auto a = s.Create(Blue());
  ASSERT_TRUE(s.Create(Blue()).ok());
  auto full = s.Create(Blue());
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(s.Remove(a->id));
  EXPECT_FALSE(s.Remove(a->id));
  EXPECT_TRUE(s.Create(Blue()).ok());
  clock.now += 10;  // both expired: room again
  EXPECT_TRUE(s.Create(Blue()).ok());
  EXPECT_EQ(s.size(), 1u);
}

}  // namespace
}  // namespace deconflict::server
