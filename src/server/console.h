// The web console (web/): its bundled assets, served from "/" with a strict Content-Security-Policy, and the
// session routes that exchange a party's token for a browser session (console_sessions.h).
//
//   GET    /                    the console page
//   GET    /console/{file}      a bundled asset (script, style, basemap); nothing else is served
//   POST   /console/session     {"token": "dct_..."} + header X-Deconflict-Console: 1 -> sets the session cookie,
//                               answers {party, csrf_token, expires_at}
//   GET    /console/session     the session of the cookie (party, csrf_token, expires_at) or 401
//   DELETE /console/session     sign out (needs X-CSRF-Token)
//
// With a session, the page calls the same /v1 routes as any client: Api::Admit takes the principal from the
// cookie (Console::SessionHook) when there is no Authorization header, so need-to-know is the same.
#pragma once

#include <string_view>

#include "server/api.h"
#include "server/console_assets.h"
#include "server/console_sessions.h"

namespace deconflict::server {

// The Content-Security-Policy of every console response: nothing but this origin, no inline script.
inline constexpr std::string_view kConsoleCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class Console {
 public:
  // authenticate/still_valid: the service's token hooks (Service::MakeHooks). secure_cookie: the server speaks
  // HTTPS, so the cookie gets the Secure attribute.
  Console(ConsoleSessionOptions options, Api::Hooks token_hooks, bool secure_cookie);

  void RegisterRoutes(Router& router);

  // For Api::Hooks::session: the principal of a cookie-authenticated request (CSRF checked for writes); a
  // session whose token was revoked meanwhile is ended.
  std::function<Result<Principal>(std::string_view cookie, std::string_view method, std::string_view csrf)>
  SessionHook();

  ConsoleSessions& sessions() { return sessions_; }

 private:
  Response SignIn(const Request& req);
  Response Current(const Request& req);
  Response SignOut(const Request& req);
  std::string Cookie(const std::string& value, double max_age_s) const;

  ConsoleSessions sessions_;
  Api::Hooks hooks_;
  bool secure_cookie_;
};

}  // namespace deconflict::server
