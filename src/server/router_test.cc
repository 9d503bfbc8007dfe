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
  auto q = ParseQuery("version=3&text=a%20b+c&flag");
  EXPECT_EQ(q.at("version"), "3");
  EXPECT_EQ(q.at("text"), "a b c");
  EXPECT_EQ(q.at("flag"), "");
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
