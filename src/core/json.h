// JSON text from outside (HTTP bodies, stored documents) into nlohmann::json, bounded and without recursion.
//
// nlohmann's DOM parse (`json::parse`) is iterative, but a document nested hundreds of thousands of levels deep
// still costs memory per level and every recursive walk over it afterwards (dump, comparison, a converter)
// overflows the stack. Parse() builds the DOM through nlohmann's SAX interface (an explicit stack, no
// recursion) and stops at the first level deeper than `max_depth`, so nothing deep ever exists in memory.
//
// Errors are values (kInvalidArgument) that name the byte offset and, where one exists, the path of the value
// in JSON-pointer-like notation ("tracks[3].lat_deg"):
//   - malformed text:          "body: malformed JSON at byte 17 (in tracks[3]): unexpected end of input"
//   - invalid UTF-8 in a string (RFC 8259 §8.1 requires UTF-8): "body: invalid UTF-8 at byte 9 (in name)"
//   - too deep:                "body: nested deeper than 64 levels at byte 64 (in a.b[0]...)"
//   - a number beyond a double: "tracks[0].alt_m: number 1e400 overflows a double (at byte 30)"
//   - a repeated member:       "id: repeated field (at byte 21)" (RFC 8259 §4: names SHOULD be unique;
//                               a second value silently replacing the first hides what a party sent)
// No message echoes bytes of the input other than member names (already validated as UTF-8, cut to 64 bytes).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace deconflict::json {

using Json = nlohmann::json;

// The deepest nesting any body of the API needs is 6 (an operation: volumes[i].outline_polygon.vertices[j]
// .lat); 64 leaves room for every document the service defines while bounding what a hostile one can cost.
inline constexpr size_t kMaxDepth = 64;
// Member names and other echoed text in messages are cut to this many bytes.
inline constexpr size_t kMaxEchoBytes = 64;

struct ParseOptions {
  size_t max_depth = kMaxDepth;  // arrays and objects, the outermost counting 1
  std::string_view what = "body";  // names the text in messages
};

// Parses one JSON text (RFC 8259; trailing non-space is an error). See the header comment for errors.
Result<Json> Parse(std::string_view text, ParseOptions options = {});

// Depth of a parsed value (a scalar 0, [] 1, [[1]] 2), computed without recursion.
size_t Depth(const Json& value);

// "path.name" ("name" when path is empty).
std::string Member(std::string_view path, std::string_view name);
// "path[i]".
std::string Element(std::string_view path, size_t index);
// A short description of a value for messages: "number 12", "string of 3 bytes", "true", "null", "an array",
// "an object". Never echoes a string's bytes.
std::string Describe(const Json& value);
// Text cut to at most kMaxEchoBytes bytes at a UTF-8 character boundary, "…" appended when cut.
std::string Echo(std::string_view text);

}  // namespace deconflict::json
