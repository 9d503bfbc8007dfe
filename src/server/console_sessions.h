// Browser sessions of the web console (web/, served by console.h). A party signs in once with its token; the
// server keeps the principal that token authenticated under a random session id, which the browser holds in
// an HttpOnly, SameSite=Strict cookie, and hands the page a second random value, the CSRF token, that every
// state-changing request must repeat in the X-CSRF-Token header (a forged cross-site request carries the
// cookie but cannot read or set that header). Sessions expire after a fixed time from sign-in and end at
// sign-out or when the token they came from is revoked. Only in memory: a restart signs everybody out.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/router.h"

namespace deconflict::server {

struct ConsoleSessionOptions {
  double ttl_s = 8 * 3600.0;    // a session ends this long after sign-in (one duty shift)
  size_t max_sessions = 4096;   // sign-ins beyond this many live sessions are refused (503)
};

struct ConsoleSession {
  std::string id;          // the cookie value: 64 hex characters, 256 random bits
  std::string csrf_token;  // 64 hex characters, 256 random bits
  Principal who;
  double expires_s = 0;    // wall-clock seconds (Unix time)
};

class ConsoleSessions {
 public:
  using Clock = std::function<double()>;  // wall-clock seconds
  ConsoleSessions(ConsoleSessionOptions options, Clock clock);

  // A new session for a principal already authenticated by its token.
  Result<ConsoleSession> Create(const Principal& who);

  // The live session named by a Cookie header value ("a=b; dc_session=..."); kUnauthenticated when the
  // header has none, or it is unknown or expired (an expired one is dropped).
  Result<ConsoleSession> Find(std::string_view cookie_header);

  // The principal for a request authenticated by cookie: the session must exist, and a method other than
  // GET/HEAD must carry the session's CSRF token (kPermissionDenied otherwise).
  Result<Principal> Authenticate(std::string_view cookie_header, std::string_view method, std::string_view csrf);

  // Ends the session (sign-out). Returns whether it existed.
  bool Remove(const std::string& id);

  size_t size() const;
  const ConsoleSessionOptions& options() const { return options_; }

 private:
  void DropExpiredLocked(double now);

  ConsoleSessionOptions options_;
  Clock clock_;
  mutable std::mutex mu_;
  std::map<std::string, ConsoleSession> sessions_;
};

// The value of cookie `name` in a Cookie header, empty when absent.
std::string CookieValue(std::string_view cookie_header, std::string_view name);

inline constexpr std::string_view kSessionCookie = "dc_session";

}  // namespace deconflict::server
