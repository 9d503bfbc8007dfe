#include "server/router.h"

#include <cctype>

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
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out += static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
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

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    auto kv = query.substr(i, j - i);
    if (!kv.empty()) {
      auto eq = kv.find('=');
      if (eq == std::string_view::npos)
        out[Decode(kv)] = "";
      else
        out[Decode(kv.substr(0, eq))] = Decode(kv.substr(eq + 1));
    }
    i = j + 1;
  }
  return out;
}

}  // namespace deconflict::server
