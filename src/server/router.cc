#include "server/router.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/rate_limited_log.h"
#include "core/utf8.h"

namespace deconflict::server {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>* params) {
  auto p = Split(pattern), s = Split(path);
  if (p.size() != s.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      if (s[i].empty()) return false;
      found.emplace(std::string(p[i].substr(1, p[i].size() - 2)), std::string(s[i]));
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  if (params) *params = std::move(found);
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(int http_status, const std::string& code, const std::string& message) {
  Response r;
  r.status = http_status;
  r.body = Json{{"error", {{"code", code}, {"message", message}}}};
  return r;
}

Response ErrorResponse(const Status& status) {
  std::string code = ErrorCodeName(status.code());
  for (auto& c : code)
    if (c == ' ' || c == '/') c = '_';
  return ErrorResponse(HttpStatusFor(status.code()), code, status.message());
}

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

const Route* Router::Match(std::string_view method, std::string_view path,
                           std::map<std::string, std::string>* params, int* status_code) const {
  bool path_known = false;
  for (const auto& r : routes_) {
    if (!MatchPattern(r.pattern, path, nullptr)) continue;
    path_known = true;
    if (r.method == method) {
      MatchPattern(r.pattern, path, params);
      return &r;
    }
  }
  if (status_code) *status_code = path_known ? 405 : 404;
  return nullptr;
}

Result<std::string> PercentDecode(std::string_view what, std::string_view text, bool plus_is_space,
                                  size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes + 1));
  for (size_t i = 0; i < text.size() && out.size() <= max_bytes; ++i) {
    if (plus_is_space && text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size() || Hex(text[i + 1]) < 0 || Hex(text[i + 2]) < 0)
        return Status::Invalid(std::string(what) + " has a bad percent-escape at byte " + std::to_string(i) +
                               " (expected % and two hexadecimal digits)");
      out += static_cast<char>(Hex(text[i + 1]) * 16 + Hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  if (std::string e = CheckText(what, out, max_bytes); !e.empty()) return Status::Invalid(e);
  return out;
}

Result<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    auto kv = query.substr(i, j - i);
    if (!kv.empty()) {
      const auto eq = kv.find('=');
      auto name = PercentDecode("a query parameter name", kv.substr(0, eq), true, kMaxQueryParamBytes);
      if (!name.ok()) return name.status();
      const std::string what = "query parameter " + *name;
      auto value = eq == std::string_view::npos ? Result<std::string>(std::string())
                                                : PercentDecode(what, kv.substr(eq + 1), true, kMaxQueryParamBytes);
      if (!value.ok()) return value.status();
      if (!out.emplace(*name, std::move(*value)).second) return Status::Invalid(what + " is given more than once");
    }
    i = j + 1;
  }
  return out;
}

Status DecodePathParams(std::map<std::string, std::string>* params) {
  for (auto& [name, value] : *params) {
    auto decoded = PercentDecode("path parameter " + name, value, false, kMaxPathParamBytes);
    if (!decoded.ok()) return decoded.status();
    value = std::move(*decoded);
  }
  return Status::Ok();
}

Result<uint64_t> ParseDecimal(std::string_view what, std::string_view text, uint64_t max) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || v > max)
    return Status::Invalid(std::string(what) + ": expected an integer in 0.." + std::to_string(max));
  return v;
}

Response ExceptionResponse(std::exception_ptr error, const std::string& where) noexcept {
  static RateLimitedLog log(5, "unexpected request errors");
  try {
    try {
      std::rethrow_exception(error);
    } catch (const nlohmann::json::parse_error& e) {
      return ErrorResponse(400, "invalid_argument", ToValidUtf8(std::string("body: ") + e.what()));
    } catch (const nlohmann::json::out_of_range& e) {
      return ErrorResponse(400, "invalid_argument", ToValidUtf8(std::string("body: ") + e.what()));
    } catch (const std::exception& e) {
      log.Warn("http unexpected error route=" + where + " what=\"" + ToValidUtf8(e.what()) + "\"");
    } catch (...) {
      log.Warn("http unexpected error route=" + where + " (not a std::exception)");
    }
    return ErrorResponse(500, "internal", "unexpected error while handling the request (logged by the server)");
  } catch (...) {
    // Out of memory while building the answer: the fixed answer below allocates little.
    Response r;
    r.status = 500;
    return r;
  }
}

}  // namespace deconflict::server
