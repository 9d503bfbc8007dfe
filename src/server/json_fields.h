// Strict reading of JSON request bodies: every field is checked for its type and range, unknown fields are
// refused, and the first error names the field by its path ("tracks[3].lat_deg"). Nothing is applied
// before a whole body has been read without error.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace deconflict::server {

using Json = nlohmann::json;

// Parses text as JSON; the error names the byte offset.
Result<Json> ParseJsonBody(const std::string& text);

// Reads the fields of one JSON object. Each accessor records the first error; Finish() adds unknown fields.
// Usage: FieldReader r(body, ""); auto id = r.Str("id"); ...; if (auto s = r.Finish(); !s.ok()) return s;
class FieldReader {
 public:
  // path: the object's own path for messages ("" for the body, "tracks[3]" for an element).
  // REQUIRES: object outlives the reader (it is held by reference).
  FieldReader(const Json& object, std::string path);
  FieldReader(Json&&, std::string) = delete;

  std::string Str(const char* name, bool required = true, size_t max_len = 256);
  std::optional<std::string> OptStr(const char* name, size_t max_len = 256);
  // A finite number within [lo, hi].
  double Num(const char* name, double lo, double hi, bool required = true, double fallback = 0);
  std::optional<double> OptNum(const char* name, double lo, double hi);
  std::optional<int64_t> OptInt(const char* name, int64_t lo, int64_t hi);
  std::optional<bool> OptBool(const char* name);
  // The raw member (any type) or nullptr when absent; marks the field as known.
  const Json* Raw(const char* name, bool required = false);
  // An array member; nullptr (and an error when required) if absent or not an array.
  const Json* Array(const char* name, bool required = true, size_t max_items = 100000);
  std::vector<std::string> StrList(const char* name, bool required = true, size_t max_items = 64);

  // Records an error for a field (first error wins).
  void Fail(const std::string& field, const std::string& why);
  bool ok() const { return status_.ok(); }
  std::string FieldPath(const char* name) const;
  // The first error, or an error naming the first unknown field, or OK.
  Status Finish();

 private:
  const Json* Get(const char* name, bool required);
  const Json& obj_;
  std::string path_;
  std::set<std::string> known_;
  Status status_;
};

}  // namespace deconflict::server
