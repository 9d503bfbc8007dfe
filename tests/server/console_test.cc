// The web console's server side (src/server/console.h): the page and its assets with a strict CSP, sign-in
// with a party token exchanged for an HttpOnly SameSite=Strict session cookie, CSRF protection of writes made
// with that cookie, sign-out, and a session that ends when its token is revoked. The browser tests
// (web/test/) drive the same routes from Chromium.
#include <gtest/gtest.h>
#include <strings.h>

#include "test_client.h"

namespace deconflict::testing {
namespace {

std::string Header(const HttpResult& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

// The dc_session=... pair of a Set-Cookie header.
std::string SessionPair(const HttpResult& r) {
  const std::string c = Header(r, "Set-Cookie");
  return c.substr(0, c.find(';'));
}

HttpResult SignIn(const ServerProcess& s, const std::string& token, bool with_header = true) {
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (with_header) h["X-Deconflict-Console"] = "1";
  return Http(s.port(), "POST", "/console/session", "", Json{{"token", token}}.dump(), h);
}

TEST(Console, PageAndAssetsAreServedWithAStrictPolicy) {
  ServerProcess s(FreshDir("console-assets"));
  auto page = s.Get("/", "");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(Header(page, "Content-Type").find("text/html"), std::string::npos);
  const std::string csp = Header(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(Header(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(page.body.find("/console/console.js"), std::string::npos);
  auto js = s.Get("/console/console.js", "");
  ASSERT_EQ(js.status, 200);
  EXPECT_NE(Header(js, "Content-Type").find("javascript"), std::string::npos);
  EXPECT_GT(js.body.size(), 10000u);
  EXPECT_EQ(s.Get("/console/world.json", "").json()["type"], "Topology");
  auto missing = s.Get("/console/..%2Fadmin.token", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(s.Get("/console/nothing.js", "").status, 404);
}

TEST(Console, SignInGivesAnHttpOnlyStrictCookieThatActsAsTheParty) {
  ServerProcess s(FreshDir("console-signin"));
  const std::string blue = s.CreateParty("blue");
  s.CreateParty("red");
  EXPECT_EQ(SignIn(s, blue, false).status, 403) << "sign-in without the console header (login CSRF)";
  EXPECT_EQ(SignIn(s, "dct_nope").status, 401);
  // A hostile body is refused by the bounded parse, not by the stack.
  EXPECT_EQ(Http(s.port(), "POST", "/console/session", "", std::string(100000, '['), {{"X-Deconflict-Console", "1"}}).status,
            400);
  EXPECT_EQ(SignIn(s, s.admin()).status, 403) << "the console signs in parties only";
  auto in = SignIn(s, blue);
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string cookie = Header(in, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Max-Age=28800"), std::string::npos) << cookie;
  EXPECT_EQ(in.json()["party"], "blue");
  const std::string csrf = in.json()["csrf_token"];
  ASSERT_EQ(csrf.size(), 64u);
  const std::map<std::string, std::string> with_cookie{{"Cookie", "theme=dark; " + SessionPair(in)}};

  auto me = Http(s.port(), "GET", "/v1/me", "", "", with_cookie);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["id"], "blue");
  auto session = Http(s.port(), "GET", "/console/session", "", "", with_cookie);
  EXPECT_EQ(session.json()["csrf_token"], csrf);

  // A write with the cookie but without (or with a wrong) CSRF token is refused; with it, it goes through.
  const std::string notice = Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "hello"}}.dump();
  EXPECT_EQ(Http(s.port(), "POST", "/v1/notices", "", notice, with_cookie).status, 403);
  auto wrong = with_cookie;
  wrong["X-CSRF-Token"] = std::string(64, '0');
  EXPECT_EQ(Http(s.port(), "POST", "/v1/notices", "", notice, wrong).status, 403);
  auto right = with_cookie;
  right["X-CSRF-Token"] = csrf;
  auto sent = Http(s.port(), "POST", "/v1/notices", "", notice, right);
  EXPECT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json()["sender"], "blue");
  // Administrator routes stay refused to a party session.
  EXPECT_EQ(Http(s.port(), "GET", "/v1/record/verify", "", "", with_cookie).status, 403);

  // Sign-out needs the CSRF token too, and ends the session.
  EXPECT_EQ(Http(s.port(), "DELETE", "/console/session", "", "", with_cookie).status, 403);
  auto out = Http(s.port(), "DELETE", "/console/session", "", "", right);
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(Header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Http(s.port(), "GET", "/v1/me", "", "", with_cookie).status, 401);
  EXPECT_EQ(Http(s.port(), "GET", "/console/session", "", "", with_cookie).status, 401);
}

TEST(Console, RevokingTheTokenEndsItsSessions) {
  ServerProcess s(FreshDir("console-revoke"));
  const std::string blue = s.CreateParty("blue");
  auto in = SignIn(s, blue);
  ASSERT_EQ(in.status, 200);
  const std::map<std::string, std::string> with_cookie{{"Cookie", SessionPair(in)}};
  ASSERT_EQ(Http(s.port(), "GET", "/v1/alerts", "", "", with_cookie).status, 200);
  auto rotated = Http(s.port(), "POST", "/v1/parties/blue/tokens/rotate", s.admin(), "{}");
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  EXPECT_EQ(Http(s.port(), "GET", "/v1/alerts", "", "", with_cookie).status, 401);
  EXPECT_EQ(Http(s.port(), "GET", "/console/session", "", "", with_cookie).status, 401);
}

}  // namespace
}  // namespace deconflict::testing
