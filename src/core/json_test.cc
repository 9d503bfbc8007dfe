#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

#include "core/json_fields.h"

namespace deconflict::json {
namespace {

TEST(JsonParse, DeepNestingStopsAtTheLimitWithoutRecursion) {
  // 300,000 '[' (under a 1 MiB body limit) used to overflow the stack of a recursive reader.
  const std::string deep(300000, '[');
  auto r = Parse(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper than 64 levels"), std::string::npos) << r.status().message();
  std::string objects;
  for (int i = 0; i < 200000; ++i) objects += "{\"a\":";
  auto o = Parse(objects);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message().rfind("body: nested deeper than 64 levels (at a.a.a", 0), 0u) << o.status().message();
  // Exactly the limit is fine.
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  auto fine = Parse(ok);
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_EQ(Depth(*fine), 64u);
  EXPECT_FALSE(Parse(std::string(65, '[') + std::string(65, ']')).ok());
}

TEST(JsonParse, NumberOverflowNamesTheField) {
  auto r = Parse(R"({"tracks": [{"id": "a"}, {"alt_m": 1e400}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("tracks[1].alt_m: a number overflows a double", 0), 0u) << r.status().message();
  auto big = Parse("[1, " + std::string(400, '9') + "]");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message().rfind("[1]: a number overflows a double", 0), 0u) << big.status().message();
}

TEST(JsonParse, InvalidUtf8IsRefusedWithTheByteOffsetAndNeverEchoed) {
  auto r = Parse("{\"name\": \"a\xff\"}");
  ASSERT_FALSE(r.ok());
  const std::string m = r.status().message();
  EXPECT_EQ(m.rfind("body: invalid UTF-8 at byte ", 0), 0u) << m;
  EXPECT_NE(m.find("(in name)"), std::string::npos) << m;
  EXPECT_EQ(m.find('\xff'), std::string::npos);
  EXPECT_NO_THROW((void)Json(m).dump());
}

TEST(JsonParse, MalformedTextNamesTheByteAndRepeatedFieldsAreRefused) {
  auto r = Parse("{\"tracks\": [");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "body: malformed JSON at byte 13 (in tracks[0]): unexpected end of input; expected '[', '{', or a literal");
  auto rep = Parse(R"({"id": "a", "x": {"id": 1, "id": 2}})");
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.status().message(), "x.id: repeated field");
  EXPECT_FALSE(Parse("{} x").ok()) << "trailing text";
  EXPECT_FALSE(Parse("").ok());
  auto v = Parse(R"({"a": [1, 2.5, "x", null, true, {"b": []}]})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Json::parse(R"({"a": [1, 2.5, "x", null, true, {"b": []}]})"));
}

TEST(FieldReader, UnknownFieldListsTheAllowedOnesAndTypesAreNeverCoerced) {
  Json j = Json::parse(R"({"id": 7, "colour": "red"})");
  FieldReader r(j, "tracks[0]");
  r.Allow({"lat_deg"});
  (void)r.Str("id");
  EXPECT_EQ(r.Finish().message(), "tracks[0].id: expected a string, got number 7");
  Json k = Json::parse(R"({"id": "x", "colour": "red"})");
  FieldReader u(k, "");
  u.Allow({"lat_deg"});
  (void)u.Str("id");
  EXPECT_EQ(u.Finish().message(), "colour: unknown field \"colour\"; allowed: id, lat_deg");
  Json l = Json{{"text", std::string(300, 'a')}};
  FieldReader t(l, "");
  (void)t.Str("text", true, 256);
  EXPECT_EQ(t.Finish().message(), "text: 300 bytes exceed the limit of 256 bytes");
}

}  // namespace
}  // namespace deconflict::json
