#include "server/router.h"

#include <gtest/gtest.h>

#include "server/event_hub.h"
#include "server/json_fields.h"
#include "server/rate_limit.h"

namespace deconflict::server {
namespace {

Router Table() {
  Router r;
  for (auto [m, p] : {std::pair{"GET", "/v1/notices"}, std::pair{"POST", "/v1/notices"},
                      std::pair{"POST", "/v1/notices/{notice_id}/ack"}})
    r.Add(Route{m, p, Access::kParty, false, nullptr});
  return r;
}

TEST(Router, MatchesPatternsAndFillsParameters) {
  Router r = Table();
  std::map<std::string, std::string> params;
  int code = 0;
  const Route* route = r.Match("POST", "/v1/notices/nt_1/ack", &params, &code);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->pattern, "/v1/notices/{notice_id}/ack");
  EXPECT_EQ(params.at("notice_id"), "nt_1");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405) {
  Router r = Table();
  int code = 0;
  EXPECT_EQ(r.Match("GET", "/v1/nothing", nullptr, &code), nullptr);
  EXPECT_EQ(code, 404);
  EXPECT_EQ(r.Match("DELETE", "/v1/notices", nullptr, &code), nullptr);
  EXPECT_EQ(code, 405);
  EXPECT_EQ(r.Match("POST", "/v1/notices//ack", nullptr, &code), nullptr);
}

TEST(Router, QueryStringsArePercentDecoded) {
  auto q = ParseQuery("version=3&text=a%20b+c&flag&caf%C3%A9=%e2%82%ac");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->at("version"), "3");
  EXPECT_EQ(q->at("text"), "a b c");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("caf\xC3\xA9"), "\xE2\x82\xAC");
}

TEST(Router, QueryStringsWithBadBytesOrEscapesAreRefusedByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"version=%FF", "query parameter version is not valid UTF-8 at byte 0"},
      {"a=1&b=x%C0%80", "query parameter b is not valid UTF-8 at byte 1"},
      {"a=%00", "query parameter a contains a control character at byte 0"},
      {"a=%", "query parameter a has a bad percent-escape at byte 0"},
      {"a=%1", "query parameter a has a bad percent-escape at byte 0"},
      {"a=1%g0", "query parameter a has a bad percent-escape at byte 1"},
      {"%80=1", "a query parameter name is not valid UTF-8 at byte 0"},
      {"a=1&a=1", "query parameter a is given more than once"},
      {"a=" + std::string(1025, 'x'), "query parameter a is longer than 1024 bytes"},
  };
  for (const auto& [query, message] : cases) {
    auto q = ParseQuery(query);
    ASSERT_FALSE(q.ok()) << query;
    EXPECT_EQ(q.status().message().rfind(message, 0), 0u) << q.status().message();
  }
}

TEST(Router, PathParametersArePercentDecodedAndChecked) {
  std::map<std::string, std::string> p{{"id", "op%2D1"}, {"other", "x"}};
  ASSERT_TRUE(DecodePathParams(&p).ok());
  EXPECT_EQ(p.at("id"), "op-1");
  std::map<std::string, std::string> bad{{"id", "%ED%A0%80"}};
  EXPECT_EQ(DecodePathParams(&bad).message(), "path parameter id is not valid UTF-8 at byte 0");
}

TEST(Router, DecimalParametersAreBoundedAndNeverThrow) {
  EXPECT_EQ(*ParseDecimal("v", "0", 10), 0u);
  EXPECT_EQ(*ParseDecimal("v", "9223372036854775807", INT64_MAX), 9223372036854775807u);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "11", "9223372036854775808",
                          "99999999999999999999999999999"}) {
    auto v = ParseDecimal("query parameter version", bad, std::string(bad).size() > 5 ? INT64_MAX : 10);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().message().rfind("query parameter version: expected an integer in 0..", 0), 0u);
  }
}

TEST(Router, EscapedExceptionsAreAnswered400ForBodyParseErrorsElse500WithoutTheirText) {
  Response parse = ExceptionResponse(std::make_exception_ptr(Json::parse_error::create(101, 3, "bad", nullptr)), "r");
  EXPECT_EQ(parse.status, 400);
  Response range = ExceptionResponse(std::make_exception_ptr(Json::out_of_range::create(406, "number overflow", nullptr)), "r");
  EXPECT_EQ(range.status, 400);
  Response bug = ExceptionResponse(std::make_exception_ptr(std::runtime_error("secret \xff")), "r");
  EXPECT_EQ(bug.status, 500);
  EXPECT_EQ(bug.body.dump().find("secret"), std::string::npos);
  EXPECT_EQ(ExceptionResponse(std::make_exception_ptr(42), "r").status, 500);
}

TEST(FieldReader, NamesTheFieldOfTheFirstErrorAndRefusesUnknownFields) {
  Json j = Json::parse(R"({"id": "a", "lat": "x", "extra": 1})");
  FieldReader r(j, "tracks[2]");
  EXPECT_EQ(r.Str("id"), "a");
  r.Num("lat", -90, 90);
  Status s = r.Finish();
  EXPECT_EQ(s.message(), "tracks[2].lat: expected a number, got a string of 1 byte");
  Json j2 = Json::parse(R"({"id": "a", "extra": 1})");
  FieldReader ok(j2, "");
  ok.Str("id");
  EXPECT_EQ(ok.Finish().message(), "extra: unknown field \"extra\"; allowed: id");
}

TEST(FieldReader, RangeAndMissingFieldErrors) {
  Json j = Json::parse(R"({"lat": 91})");
  FieldReader r(j, "");
  r.Num("lat", -90, 90);
  EXPECT_EQ(r.Finish().message(), "lat: 91 is out of range [-90, 90]");
  Json empty = Json::object();
  FieldReader m(empty, "");
  m.Str("id");
  EXPECT_EQ(m.Finish().message(), "id: required field is missing");
  EXPECT_FALSE(ParseJsonBody("{\"a\":").ok());
}

TEST(RateLimiter, BurstThenSustainedRatePerParty) {
  RateLimiter lim(RateLimitOptions{10, 3});
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += lim.Allow("blue", 100.0);
  EXPECT_EQ(allowed, 3);
  EXPECT_TRUE(lim.Allow("red", 100.0));
  EXPECT_TRUE(lim.Allow("blue", 100.15));   // one token refilled after 0.1 s at 10/s
  EXPECT_FALSE(lim.Allow("blue", 100.15));
}

}  // namespace
}  // namespace deconflict::server
