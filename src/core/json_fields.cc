#include "core/json_fields.h"

#include <fmt/format.h>

#include <cmath>

namespace deconflict::json {

std::string RangeMessage(double value, double lo, double hi, std::string_view unit) {
  const std::string_view sep = unit.empty() ? "" : " ";
  return fmt::format("{}{}{} is out of range [{}, {}]{}{}", value, sep, unit, lo, hi, sep, unit);
}

Result<std::string> StringValue(const Json& v, const std::string& field, size_t max_len, bool non_empty) {
  if (!v.is_string()) return Status::Invalid(field + ": expected a string, got " + Describe(v));
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_len)
    return Status::Invalid(fmt::format("{}: {} bytes exceed the limit of {} bytes", field, s.size(), max_len));
  if (non_empty && s.empty()) return Status::Invalid(field + ": must not be empty");
  return s;
}

Result<double> NumberValue(const Json& v, const std::string& field, double lo, double hi, std::string_view unit) {
  if (!v.is_number()) return Status::Invalid(field + ": expected a number, got " + Describe(v));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) return Status::Invalid(field + ": " + RangeMessage(d, lo, hi, unit));
  return d;
}

FieldReader::FieldReader(const Json& object, std::string path) : obj_(object), path_(std::move(path)) {
  if (!obj_.is_object())
    status_ = Status::Invalid((path_.empty() ? "body" : path_) + ": expected a JSON object, got " + Describe(obj_));
}

void FieldReader::Allow(std::initializer_list<const char*> names) {
  for (const char* n : names) known_.insert(n);
}

std::string FieldReader::FieldPath(const char* name) const { return Member(path_, name); }

void FieldReader::Fail(const std::string& field, const std::string& why) {
  if (status_.ok()) status_ = Status::Invalid(field + ": " + why);
}

void FieldReader::Fail(Status status) {
  if (status_.ok()) status_ = std::move(status);
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
  auto s = StringValue(*v, FieldPath(name), max_len, required);
  if (!s.ok()) {
    Fail(s.status());
    return {};
  }
  return std::move(s).value();
}

std::optional<std::string> FieldReader::OptStr(const char* name, size_t max_len) {
  if (!Get(name, false)) return std::nullopt;
  return Str(name, false, max_len);
}

double FieldReader::Num(const char* name, double lo, double hi, bool required, double fallback, std::string_view unit) {
  const Json* v = Get(name, required);
  if (!v) return fallback;
  auto d = NumberValue(*v, FieldPath(name), lo, hi, unit);
  if (!d.ok()) {
    Fail(d.status());
    return fallback;
  }
  return *d;
}

std::optional<double> FieldReader::OptNum(const char* name, double lo, double hi, std::string_view unit) {
  if (!Get(name, false)) return std::nullopt;
  return Num(name, lo, hi, false, 0, unit);
}

std::optional<int64_t> FieldReader::OptInt(const char* name, int64_t lo, int64_t hi) {
  const Json* v = Get(name, false);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(FieldPath(name), "expected an integer, got " + Describe(*v));
    return std::nullopt;
  }
  // Unsigned values above INT64_MAX are out of every range the API uses.
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Fail(FieldPath(name), fmt::format("{} is out of range [{}, {}]", v->get<uint64_t>(), lo, hi));
    return std::nullopt;
  }
  const int64_t i = v->get<int64_t>();
  if (i < lo || i > hi) {
    Fail(FieldPath(name), fmt::format("{} is out of range [{}, {}]", i, lo, hi));
    return std::nullopt;
  }
  return i;
}

std::optional<bool> FieldReader::OptBool(const char* name) {
  const Json* v = Get(name, false);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(FieldPath(name), "expected true or false, got " + Describe(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* FieldReader::Raw(const char* name, bool required) { return Get(name, required); }

const Json* FieldReader::Array(const char* name, bool required, size_t max_items) {
  const Json* v = Get(name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Fail(FieldPath(name), "expected an array, got " + Describe(*v));
    return nullptr;
  }
  if (v->size() > max_items) {
    Fail(FieldPath(name), fmt::format("{} items exceed the limit of {}", v->size(), max_items));
    return nullptr;
  }
  return v;
}

std::vector<std::string> FieldReader::StrList(const char* name, bool required, size_t max_items, size_t max_len) {
  std::vector<std::string> out;
  const Json* a = Array(name, required, max_items);
  if (!a) return out;
  for (size_t i = 0; i < a->size(); ++i) {
    auto s = StringValue((*a)[i], Element(FieldPath(name), i), max_len);
    if (!s.ok()) {
      Fail(s.status());
      return {};
    }
    out.push_back(std::move(s).value());
  }
  return out;
}

Status FieldReader::Finish() {
  if (!status_.ok()) return status_;
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    if (known_.count(it.key())) continue;
    std::string allowed;
    for (const auto& k : known_) {
      if (!allowed.empty()) allowed += ", ";
      allowed += k;
    }
    return Status::Invalid(fmt::format("{}: unknown field \"{}\"; allowed: {}", FieldPath(Echo(it.key()).c_str()),
                                       Echo(it.key()), allowed.empty() ? "none" : allowed));
  }
  return Status::Ok();
}

}  // namespace deconflict::json
