#include "server/json_fields.h"

#include <cmath>

namespace deconflict::server {

Result<Json> ParseJsonBody(const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return Status::Invalid("body: malformed JSON at byte " + std::to_string(e.byte));
  }
}

FieldReader::FieldReader(const Json& object, std::string path) : obj_(object), path_(std::move(path)) {
  if (!obj_.is_object()) status_ = Status::Invalid((path_.empty() ? "body" : path_) + ": expected a JSON object");
}

std::string FieldReader::FieldPath(const char* name) const {
  return path_.empty() ? std::string(name) : path_ + "." + name;
}

void FieldReader::Fail(const std::string& field, const std::string& why) {
  if (status_.ok()) status_ = Status::Invalid(field + ": " + why);
}

const Json* FieldReader::Get(const char* name, bool required) {
  known_.insert(name);
  if (!obj_.is_object()) return nullptr;
  auto it = obj_.find(name);
  if (it == obj_.end() || it->is_null()) {
    if (required) Fail(FieldPath(name), "required field is missing");
    return nullptr;
  }
  return &*it;
}

std::string FieldReader::Str(const char* name, bool required, size_t max_len) {
  const Json* v = Get(name, required);
  if (!v) return {};
  if (!v->is_string()) {
    Fail(FieldPath(name), "expected a string");
    return {};
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    Fail(FieldPath(name), "longer than " + std::to_string(max_len) + " characters");
    return {};
  }
  if (required && s.empty()) Fail(FieldPath(name), "must not be empty");
  return s;
}

std::optional<std::string> FieldReader::OptStr(const char* name, size_t max_len) {
  if (!Get(name, false)) return std::nullopt;
  return Str(name, false, max_len);
}

double FieldReader::Num(const char* name, double lo, double hi, bool required, double fallback) {
  const Json* v = Get(name, required);
  if (!v) return fallback;
  if (!v->is_number()) {
    Fail(FieldPath(name), "expected a number");
    return fallback;
  }
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) {
    Fail(FieldPath(name), "out of range [" + Json(lo).dump() + ", " + Json(hi).dump() + "]");
    return fallback;
  }
  return d;
}

std::optional<double> FieldReader::OptNum(const char* name, double lo, double hi) {
  if (!Get(name, false)) return std::nullopt;
  return Num(name, lo, hi, false);
}

std::optional<int64_t> FieldReader::OptInt(const char* name, int64_t lo, int64_t hi) {
  const Json* v = Get(name, false);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(FieldPath(name), "expected an integer");
    return std::nullopt;
  }
  const int64_t i = v->get<int64_t>();
  if (i < lo || i > hi) {
    Fail(FieldPath(name), "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return std::nullopt;
  }
  return i;
}

std::optional<bool> FieldReader::OptBool(const char* name) {
  const Json* v = Get(name, false);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(FieldPath(name), "expected true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* FieldReader::Raw(const char* name, bool required) { return Get(name, required); }

const Json* FieldReader::Array(const char* name, bool required, size_t max_items) {
  const Json* v = Get(name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Fail(FieldPath(name), "expected an array");
    return nullptr;
  }
  if (v->size() > max_items) {
    Fail(FieldPath(name), "more than " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return v;
}

std::vector<std::string> FieldReader::StrList(const char* name, bool required, size_t max_items) {
  std::vector<std::string> out;
  const Json* a = Array(name, required, max_items);
  if (!a) return out;
  for (size_t i = 0; i < a->size(); ++i) {
    const Json& e = (*a)[i];
    if (!e.is_string() || e.get_ref<const std::string&>().empty()) {
      Fail(FieldPath(name) + "[" + std::to_string(i) + "]", "expected a non-empty string");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

Status FieldReader::Finish() {
  if (!status_.ok()) return status_;
  for (auto it = obj_.begin(); it != obj_.end(); ++it)
    if (!known_.count(it.key())) return Status::Invalid(FieldPath(it.key().c_str()) + ": unknown field");
  return Status::Ok();
}

}  // namespace deconflict::server
