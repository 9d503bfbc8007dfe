// Text from the network is bytes until validated. These functions check bytes against the UTF-8 encoding
// form of RFC 3629 §4 (Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences"): no overlong forms, no
// UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace deconflict {

// The offset of the first byte that does not start or continue a well-formed sequence; npos when all of
// `text` is well-formed UTF-8.
size_t FirstInvalidUtf8(std::string_view text);

// The offset of the first C0 control character (U+0000..U+001F) or DEL (U+007F); npos when there is none.
size_t FirstControlChar(std::string_view text);

// `text` with every byte that is not part of a well-formed sequence replaced by U+FFFD. For printing
// text that could not be refused earlier.
std::string ToValidUtf8(std::string_view text);

// "<what> is not valid UTF-8 at byte N" / "<what> contains a control character at byte N" / "<what> is
// longer than max_bytes bytes", or "" when `text` passes all three checks. The message never quotes `text`.
std::string CheckText(std::string_view what, std::string_view text, size_t max_bytes, bool allow_controls = false);

}  // namespace deconflict
