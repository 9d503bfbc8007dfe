#include "core/utf8.h"

namespace deconflict {
namespace {

// The length of the well-formed sequence starting at text[i], or 0 when the bytes from i are ill-formed.
// Unicode 15 table 3-7 lists the allowed second bytes for each lead byte.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 (overlong 2-byte), F5..FF
  }
  if (i + 1 >= text.size() || b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (i + k >= text.size() || b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

size_t FirstControlChar(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return i;
  }
  return std::string_view::npos;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = SequenceLength(text, i);
    if (n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    out += "\xEF\xBF\xBD";
    ++i;
  }
  return out;
}

std::string CheckText(std::string_view what, std::string_view text, size_t max_bytes, bool allow_controls) {
  if (text.size() > max_bytes) return std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes";
  if (size_t at = FirstInvalidUtf8(text); at != std::string_view::npos)
    return std::string(what) + " is not valid UTF-8 at byte " + std::to_string(at);
  if (!allow_controls)
    if (size_t at = FirstControlChar(text); at != std::string_view::npos)
      return std::string(what) + " contains a control character at byte " + std::to_string(at);
  return "";
}

}  // namespace deconflict
