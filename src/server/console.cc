#include "server/console.h"

#include <chrono>


namespace deconflict::server {
namespace {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Headers of every console response: the CSP, no sniffing, no framing, no referrer.
void Harden(Response& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kConsoleCsp));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

Response SessionBody(const ConsoleSession& s) {
  Response r;
  r.body = Json{{"party", s.who.party}, {"csrf_token", s.csrf_token}, {"expires_at", s.expires_s}};
  r.headers.emplace_back("Cache-Control", "no-store");
  Harden(r);
  return r;
}

Response Fail(const Status& s) {
  Response r = ErrorResponse(s);
  r.headers.emplace_back("Cache-Control", "no-store");
  Harden(r);
  return r;
}

Response Asset(std::string_view path) {
  for (const auto& a : ConsoleAssets()) {
    if (a.path != path) continue;
    Response r;
    r.raw = std::string(a.body);
    r.content_type = std::string(a.content_type);
    r.headers.emplace_back("Cache-Control", "no-cache");
    Harden(r);
    return r;
  }
  return Fail(Status::NotFound("no console asset \"" + std::string(path.substr(0, 128)) + "\""));
}

}  // namespace

Console::Console(ConsoleSessionOptions options, Api::Hooks token_hooks, bool secure_cookie)
    : sessions_(options, WallSeconds), hooks_(std::move(token_hooks)), secure_cookie_(secure_cookie) {}

void Console::RegisterRoutes(Router& r) {
  auto fn = [](auto f) { return [f](Request& req, Respond respond) { respond(f(req)); }; };
  r.Add({"GET", "/", Access::kPublic, false, fn([](const Request&) { return Asset("index.html"); })});
  r.Add({"POST", "/console/session", Access::kPublic, false, fn([this](const Request& q) { return SignIn(q); })});
  r.Add({"GET", "/console/session", Access::kPublic, false, fn([this](const Request& q) { return Current(q); })});
  r.Add({"DELETE", "/console/session", Access::kPublic, false, fn([this](const Request& q) { return SignOut(q); })});
  // After /console/session, which the pattern would match too (the router takes the first match).
  r.Add({"GET", "/console/{file}", Access::kPublic, false,
         fn([](const Request& q) { return Asset(q.params.at("file")); })});
}

std::function<Result<Principal>(std::string_view, std::string_view, std::string_view)> Console::SessionHook() {
  return [this](std::string_view cookie, std::string_view method, std::string_view csrf) -> Result<Principal> {
    auto who = sessions_.Authenticate(cookie, method, csrf);
    if (who.ok() && hooks_.still_valid && !hooks_.still_valid(*who)) {
      sessions_.Remove(CookieValue(cookie, kSessionCookie));
      return Status(ErrorCode::kUnauthenticated, "the token of this console session was revoked: sign in again");
    }
    return who;
  };
}

std::string Console::Cookie(const std::string& value, double max_age_s) const {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; Max-Age=" +
         std::to_string(static_cast<long long>(max_age_s)) + "; HttpOnly; SameSite=Strict" +
         (secure_cookie_ ? "; Secure" : "");
}

Response Console::SignIn(const Request& req) {
  // A custom header: a cross-site form cannot send it, and a cross-site script may not without a CORS
  // preflight this server never approves (no login CSRF).
  if (req.console_header != "1")
    return Fail(Status(ErrorCode::kPermissionDenied, "sign-in needs the header X-Deconflict-Console: 1"));
  auto body = ParseJsonBody(req.body);  // bounded (depth, UTF-8, repeated members)
  if (!body.ok()) return Fail(body.status());
  if (!body->is_object() || !body->contains("token") || !(*body)["token"].is_string())
    return Fail(Status::Invalid("body: expected {\"token\": \"<party token>\"}"));
  auto who = hooks_.authenticate((*body)["token"].get<std::string>());
  if (!who.ok()) return Fail(Status(ErrorCode::kUnauthenticated, "unknown or revoked token"));
  if (who->party.empty())
    return Fail(Status(ErrorCode::kPermissionDenied, "the console signs in parties; this is not a party token"));
  auto s = sessions_.Create(*who);
  if (!s.ok()) {
    Response r = Fail(s.status());
    if (s.status().code() == ErrorCode::kResourceExhausted) r.status = 503;
    return r;
  }
  Response r = SessionBody(*s);
  r.headers.emplace_back("Set-Cookie", Cookie(s->id, sessions_.options().ttl_s));
  return r;
}

Response Console::Current(const Request& req) {
  auto s = sessions_.Find(req.cookie);
  if (!s.ok()) return Fail(s.status());
  if (hooks_.still_valid && !hooks_.still_valid(s->who)) {
    sessions_.Remove(s->id);
    return Fail(Status(ErrorCode::kUnauthenticated, "the token of this console session was revoked: sign in again"));
  }
  return SessionBody(*s);
}

Response Console::SignOut(const Request& req) {
  auto who = sessions_.Authenticate(req.cookie, req.method, req.csrf_token);
  if (!who.ok()) return Fail(who.status());
  sessions_.Remove(CookieValue(req.cookie, kSessionCookie));
  Response r;
  r.body = Json{{"signed_out", true}};
  r.headers.emplace_back("Set-Cookie", Cookie("", 0));
  Harden(r);
  return r;
}

}  // namespace deconflict::server
