// Strict reading of the members of a JSON object (request bodies, stored documents, plan objects): every field
// is checked for its type and range, unknown fields are refused with the list of the allowed ones, and the first
// error names the field by its path ("tracks[3].lat_deg"), the reason and what is allowed:
//   "tracks[3].lat_deg: 91 is out of range [-90, 90]"
//   "volumes[0].colour: unknown field; allowed: altitude_lower, altitude_upper, ..."
//   "id: expected a string, got number 7"          (no coercion between JSON types)
//   "text: 5000 bytes exceed the limit of 4000 bytes"
// Nothing is applied by the caller before a whole object has been read without error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace deconflict::json {

// Reads the fields of one JSON object. Each accessor records the first error; Finish() adds unknown fields.
// Usage: FieldReader r(body, ""); auto id = r.Str("id"); ...; if (auto s = r.Finish(); !s.ok()) return s;
class FieldReader {
 public:
  // path: the object's own path for messages ("" for the body, "tracks[3]" for an element).
  // REQUIRES: object outlives the reader (it is held by reference).
  FieldReader(const Json& object, std::string path);
  FieldReader(Json&&, std::string) = delete;

  // Declares fields that are allowed although no accessor may read them (they count as known).
  void Allow(std::initializer_list<const char*> names);

  std::string Str(const char* name, bool required = true, size_t max_len = 256);
  std::optional<std::string> OptStr(const char* name, size_t max_len = 256);
  // A finite number within [lo, hi]; `unit` (e.g. "m") is named in the range message.
  double Num(const char* name, double lo, double hi, bool required = true, double fallback = 0,
             std::string_view unit = {});
  std::optional<double> OptNum(const char* name, double lo, double hi, std::string_view unit = {});
  std::optional<int64_t> OptInt(const char* name, int64_t lo, int64_t hi);
  std::optional<bool> OptBool(const char* name);
  // The raw member (any type) or nullptr when absent; marks the field as known.
  const Json* Raw(const char* name, bool required = false);
  // An array member; nullptr (and an error when required) if absent or not an array.
  const Json* Array(const char* name, bool required = true, size_t max_items = 100000);
  std::vector<std::string> StrList(const char* name, bool required = true, size_t max_items = 64,
                                   size_t max_len = 256);

  // Records an error for a field (first error wins).
  void Fail(const std::string& field, const std::string& why);
  // Records an error (first error wins).
  void Fail(Status status);
  bool ok() const { return status_.ok(); }
  const std::string& path() const { return path_; }
  std::string FieldPath(const char* name) const;
  // The first error, or an error naming the first unknown field and the allowed ones, or OK.
  Status Finish();

 private:
  const Json* Get(const char* name, bool required);
  const Json& obj_;
  std::string path_;
  std::set<std::string> known_;
  Status status_;
};

// Checks a string value: a string, at most max_len bytes (and not empty when non_empty). Errors name `field`.
Result<std::string> StringValue(const Json& v, const std::string& field, size_t max_len, bool non_empty = true);
// Checks a number value: a finite JSON number in [lo, hi]. Errors name `field`, the value and the unit.
Result<double> NumberValue(const Json& v, const std::string& field, double lo, double hi, std::string_view unit = {});
// "1e+09 m is out of range [-1000, 30000] m" (without the field).
std::string RangeMessage(double value, double lo, double hi, std::string_view unit = {});

}  // namespace deconflict::json
