#include "core/utf8.h"

#include <gtest/gtest.h>

namespace deconflict {
namespace {

constexpr size_t kNone = std::string_view::npos;

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
  EXPECT_EQ(FirstInvalidUtf8(""), kNone);
  EXPECT_EQ(FirstInvalidUtf8("plain ascii"), kNone);
  EXPECT_EQ(FirstInvalidUtf8("Z\xC3\xBCrich"), kNone);                 // U+00FC
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x82\xAC"), kNone);                  // U+20AC
  EXPECT_EQ(FirstInvalidUtf8("\xED\x9F\xBF"), kNone);                  // U+D7FF, just below the surrogates
  EXPECT_EQ(FirstInvalidUtf8("\xEE\x80\x80"), kNone);                  // U+E000, just above them
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x9F\x9B\xA9"), kNone);              // U+1F6E9 (airplane)
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x8F\xBF\xBF"), kNone);              // U+10FFFF, the last code point
  EXPECT_EQ(FirstInvalidUtf8(std::string_view("a\0b", 3)), kNone);     // NUL is well-formed (a control)
}

TEST(Utf8, NamesTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("/\xFF"), 1u);
  EXPECT_EQ(FirstInvalidUtf8("abc\x80"), 3u);                  // lone continuation byte
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);                 // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xC1\xBF"), 0u);                 // overlong
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);             // overlong 3-byte
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x80\x80\xAF"), 0u);         // overlong 4-byte
  EXPECT_EQ(FirstInvalidUtf8("ok\xED\xA0\x80"), 2u);           // U+D800 (surrogate)
  EXPECT_EQ(FirstInvalidUtf8("\xED\xBF\xBF"), 0u);             // U+DFFF (surrogate)
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);         // U+110000
  EXPECT_EQ(FirstInvalidUtf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(FirstInvalidUtf8("xy\xE2\x82"), 2u);               // truncated at the end
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x82x"), 0u);                // truncated in the middle
  EXPECT_EQ(FirstInvalidUtf8("\xC3\xBC\xFE"), 2u);
}

TEST(Utf8, ReplacesBadBytesSoThatTheResultIsValid) {
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("Z\xC3\xBC"), "Z\xC3\xBC");
  for (std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80\x80\x80"})
    EXPECT_EQ(FirstInvalidUtf8(ToValidUtf8(bad)), kNone) << bad.size();
}

TEST(Utf8, CheckTextNamesThePartAndTheByteWithoutQuotingIt) {
  EXPECT_EQ(CheckText("path", "/v1/me", 100), "");
  EXPECT_EQ(CheckText("path", "/v1/\xFF", 100), "path is not valid UTF-8 at byte 4");
  EXPECT_EQ(CheckText("query parameter version", std::string_view("1\0", 2), 100),
            "query parameter version contains a control character at byte 1");
  EXPECT_EQ(CheckText("header Last-Event-ID", "12\x7F", 100), "header Last-Event-ID contains a control character at byte 2");
  EXPECT_EQ(CheckText("header X", "a\tb", 100, true), "");
  EXPECT_EQ(CheckText("path parameter id", std::string(300, 'a'), 256), "path parameter id is longer than 256 bytes");
}

}  // namespace
}  // namespace deconflict
