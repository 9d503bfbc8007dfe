#include "server/console_sessions.h"

#include <sodium.h>

namespace deconflict::server {
namespace {

// 256 random bits as 64 hex characters.
std::string RandomHex() {
  if (sodium_init() < 0) return {};
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(hex, sizeof raw * 2);
}

bool SafeMethod(std::string_view method) { return method == "GET" || method == "HEAD"; }

// Compares secrets in time independent of where they differ.
bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return std::string(value);
  }
  return {};
}

ConsoleSessions::ConsoleSessions(ConsoleSessionOptions options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

Result<ConsoleSession> ConsoleSessions::Create(const Principal& who) {
  ConsoleSession s;
  s.id = RandomHex();
  s.csrf_token = RandomHex();
  if (s.id.empty() || s.csrf_token.empty()) return Status::Internal("no random source for the session id");
  s.who = who;
  const double now = clock_();
  s.expires_s = now + options_.ttl_s;
  std::lock_guard lock(mu_);
  DropExpiredLocked(now);
  if (sessions_.size() >= options_.max_sessions)
    return Status(ErrorCode::kResourceExhausted,
                  "too many console sessions (" + std::to_string(options_.max_sessions) + "); sign out elsewhere");
  sessions_[s.id] = s;
  return s;
}

Result<ConsoleSession> ConsoleSessions::Find(std::string_view cookie_header) {
  const std::string id = CookieValue(cookie_header, kSessionCookie);
  if (id.empty()) return Status(ErrorCode::kUnauthenticated, "no console session: sign in");
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return Status(ErrorCode::kUnauthenticated, "unknown or ended console session: sign in");
  if (clock_() >= it->second.expires_s) {
    sessions_.erase(it);
    return Status(ErrorCode::kUnauthenticated, "the console session expired: sign in again");
  }
  return it->second;
}

Result<Principal> ConsoleSessions::Authenticate(std::string_view cookie_header, std::string_view method,
                                                std::string_view csrf) {
  auto s = Find(cookie_header);
  if (!s.ok()) return s.status();
  if (!SafeMethod(method) && !SameSecret(csrf, s->csrf_token))
    return Status(ErrorCode::kPermissionDenied,
                  std::string(method) + " with a console session needs the session's X-CSRF-Token header");
  return s->who;
}

bool ConsoleSessions::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  return sessions_.erase(id) > 0;
}

size_t ConsoleSessions::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void ConsoleSessions::DropExpiredLocked(double now) {
  std::erase_if(sessions_, [now](const auto& kv) { return now >= kv.second.expires_s; });
}

}  // namespace deconflict::server
