// Hostile input at the HTTP edge of the real `deconflict serve`, table-driven over every route it lists:
// bad path parameters, query parameters and headers, wrong methods and oversize parts each get the right
// 4xx with a message naming the part, and the process stays up throughout (checked after every case).
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "test_client.h"

namespace deconflict::testing {
namespace {

struct Case {
  std::string request;  // raw bytes
  int status;
  std::string message;  // a substring of error.message; "" = not checked
};

std::string Raw(const std::string& method, const std::string& target, const std::string& token,
                const std::string& extra_headers = "", const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  r += extra_headers;
  const bool has_length = extra_headers.find("Content-Length") != std::string::npos;
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT")) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// The path with every {param} replaced by value.
std::string Fill(const std::string& pattern, const std::string& value) {
  return std::regex_replace(pattern, std::regex("\\{[a-z_]+\\}"), value);
}

std::vector<std::string> ParamNames(const std::string& pattern) {
  std::vector<std::string> out;
  std::regex re("\\{([a-z_]+)\\}");
  for (auto it = std::sregex_iterator(pattern.begin(), pattern.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// Whether some route takes method on path (a path can match several patterns: .../tokens/rotate).
bool AllowedOn(const Json& routes, const std::string& method, const std::string& path) {
  for (const auto& r : routes) {
    if (r["method"] != method) continue;
    const std::string re = std::regex_replace(r["path"].get<std::string>(), std::regex("\\{[a-z_]+\\}"), "[^/]+");
    if (std::regex_match(path, std::regex(re))) return true;
  }
  return false;
}

class Edge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(FreshDir("edge"), "limits:\n  body_bytes: 4096\n");
    blue_ = server_->CreateParty("blue");
    server_->CreateParty("red");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // The token a route needs (admin or a party), so that checks after authentication are reached.
  static std::string TokenFor(const std::string& access) { return access == "admin" ? server_->admin() : blue_; }

  void Expect(const Case& c, const std::string& label) {
    auto a = RawHttp(server_->port(), c.request);
    EXPECT_EQ(a.status, c.status) << label << "\n" << a.head << "\n" << a.body;
    if (a.status >= 400) {
      EXPECT_TRUE(a.json().is_object()) << label << ": error bodies are JSON: " << a.body;
    }
    if (!c.message.empty()) {
      EXPECT_NE(a.message().find(c.message), std::string::npos) << label << ": " << a.body;
    }
    ASSERT_EQ(server_->Get("/healthz", "").status, 200) << "the server died after " << label;
  }

  static ServerProcess* server_;
  static std::string blue_;
};
ServerProcess* Edge::server_ = nullptr;
std::string Edge::blue_;

TEST_F(Edge, EveryRouteRefusesBadPathParametersQueriesHeadersAndMethodsByName) {
  auto routes = server_->Get("/v1/routes", "").json()["routes"];
  ASSERT_GT(routes.size(), 30u);
  int cases = 0;
  for (const auto& r : routes) {
    const std::string method = r["method"], pattern = r["path"], access = r["access"];
    const std::string token = access == "public" ? "" : TokenFor(access);
    const std::string label = method + " " + pattern;
    const std::string ok_path = Fill(pattern, "x1");
    for (const auto& name : ParamNames(pattern)) {
      const std::string what = "path parameter " + name;
      const auto one = [&](const std::string& v) { return std::regex_replace(pattern, std::regex("\\{" + name + "\\}"), v); };
      const auto fill = [&](const std::string& v) { return Fill(one(v), "x1"); };
      Expect({Raw(method, fill("%FF"), token), 400, what + " is not valid UTF-8 at byte 0"}, label + " %FF");
      Expect({Raw(method, fill("ab%C0%80"), token), 400, what + " is not valid UTF-8 at byte 2"}, label + " overlong NUL");
      Expect({Raw(method, fill("%ED%B0%80"), token), 400, what + " is not valid UTF-8 at byte 0"}, label + " surrogate");
      Expect({Raw(method, fill("a%00"), token), 400, what + " contains a control character at byte 1"}, label + " NUL");
      Expect({Raw(method, fill("a%0D%0Ab"), token), 400, what + " contains a control character"}, label + " CRLF");
      Expect({Raw(method, fill("%4"), token), 400, what + " has a bad percent-escape"}, label + " %4");
      Expect({Raw(method, fill(std::string(300, 'p')), token), 400, what + " is longer than 256 bytes"}, label + " long");
      Expect({Raw(method, fill("a\xff"), token), 400, "path is not valid UTF-8"}, label + " raw byte");
      cases += 8;
    }
    Expect({Raw(method, ok_path + "?q=%FF", token), 400, "query parameter q is not valid UTF-8 at byte 0"}, label + " q");
    Expect({Raw(method, ok_path + "?q=%E0%80%80", token), 400, "query parameter q is not valid UTF-8"}, label + " q overlong");
    Expect({Raw(method, ok_path + "?q=1&q=2", token), 400, "query parameter q is given more than once"}, label + " q twice");
    Expect({Raw(method, ok_path + "?q=%zz", token), 400, "query parameter q has a bad percent-escape"}, label + " q escape");
    Expect({Raw(method, ok_path, "", "Authorization: Bearer \xff\xfe\r\n"), 400,
            "header Authorization is not valid UTF-8 at byte 7"}, label + " auth bytes");
    Expect({Raw(method, ok_path, token, "Last-Event-ID: \xed\xa0\x80\r\n"), 400,
            "header Last-Event-ID is not valid UTF-8 at byte 0"}, label + " Last-Event-ID");
    Expect({Raw(method, ok_path, "", "Cookie: dc_session=\xc3\x28\r\n"), 400,
            "header Cookie is not valid UTF-8 at byte 11"}, label + " cookie bytes");
    Expect({Raw(method, ok_path, token, "X-CSRF-Token: " + std::string(200, 'c') + "\r\n"), 400,
            "header X-CSRF-Token is longer than 128 bytes"}, label + " csrf length");
    Expect({Raw(method, ok_path + "?" + std::string(9000, 'q'), token), 414, "request target is longer"}, label + " 414");
    Expect({Raw(method, ok_path, token, "X-Big: " + std::string(20000, 'b') + "\r\n"), 431, "header"}, label + " 431");
    Expect({Raw(method, ok_path, token, "Content-Length: 1\r\nContent-Length: 2\r\n"), 400, "Content-Length"},
           label + " two lengths");
    Expect({Raw(method, ok_path, token, "Content-Length: 18446744073709551616\r\n"), 400, "Content-Length"},
           label + " length overflow");
    cases += 12;
    if (access != "public") {
      Expect({Raw(method, ok_path, ""), 401, "Authorization"}, label + " no token");
      Expect({Raw(method, ok_path, "dct_not_a_token"), 401, "unknown or revoked token"}, label + " bad token");
      cases += 2;
    }
    if (method == "POST" || method == "PUT") {
      // Above the party limit (4096 here) and the administrator's (64 KiB).
      Expect({Raw(method, ok_path, token, "Content-Length: 100000\r\n"), 413, "request body exceeds the limit of"},
             label + " 413");
      ++cases;
    }
    for (const std::string wrong : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      if (AllowedOn(routes, wrong, ok_path)) continue;
      Expect({Raw(wrong, ok_path, token), 405, wrong + " is not allowed on " + ok_path}, label + " " + wrong);
      ++cases;
    }
  }
  std::cout << "edge: " << cases << " bad requests over " << routes.size() << " routes\n";
}

TEST_F(Edge, NumericParametersAreBoundedAndNamed) {
  const std::string big = "99999999999999999999999999";
  Expect({Raw("DELETE", "/v1/operations/op1?version=" + big, blue_), 400, "query parameter version: expected an integer"},
         "version overflow");
  Expect({Raw("DELETE", "/v1/zones/z1?version=-1", blue_), 400, "query parameter version: expected an integer"},
         "version negative");
  Expect({Raw("DELETE", "/v1/zones/z1?version=1e3", blue_), 400, "query parameter version"}, "version exponent");
  Expect({Raw("GET", "/v1/receipts/" + big, blue_), 400, "seq: expected an integer"}, "seq overflow");
  Expect({Raw("GET", "/v1/receipts/0", blue_), 400, "seq: expected an integer in 1.."}, "seq zero");
  Expect({Raw("GET", "/v1/stream", blue_, "Last-Event-ID: " + big + "\r\n"), 400, "Last-Event-ID"}, "event id overflow");
  Expect({Raw("GET", "/v1/stream?last_event_id=%FF", blue_), 400, "query parameter last_event_id is not valid UTF-8"},
         "event id bytes");
  Expect({Raw("GET", "/v1/stream?last_event_id=-1", blue_), 400, "Last-Event-ID"}, "event id negative");
}

TEST_F(Edge, TheRawBytesOfTheIssueAreAnswered400) {
  // The findings of issue 9: each of these used to kill the process.
  Expect({"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400, "path is not valid UTF-8 at byte 1"}, "GET /\\xff");
  Expect({Raw("GET", "/v1/notices/\xff", blue_), 400, "path is not valid UTF-8 at byte 12"}, "param byte");
  Expect({Raw("GET", "/v1/stream", blue_, "Last-Event-ID: \xff\r\n"), 400, "header Last-Event-ID"}, "Last-Event-ID");
  Expect({Raw("GET", "/v1/alerts?state=%FF", blue_), 400, "query parameter state"}, "query");
}

TEST_F(Edge, MetricsNeedTheAdministratorToken) {
  EXPECT_EQ(server_->Get("/metrics", "").status, 401);
  EXPECT_EQ(server_->Get("/metrics", blue_).status, 403);
  auto m = server_->Get("/metrics", server_->admin());
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("dc_http_requests_total"), std::string::npos);
  // Labels name routes and codes only: no party id appears in any series.
  std::istringstream lines(m.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_EQ(line.find("blue"), std::string::npos) << line;
    EXPECT_EQ(line.find("red"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace deconflict::testing
