#include "server/api.h"

#include <atomic>
#include <chrono>
#include <memory>

#include "core/utf8.h"

#include "server/tokens.h"

namespace deconflict::server {

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Api::Api(ApiOptions options, Router& router, EventHub& hub, Metrics& metrics, Hooks hooks)
    : options_(options),
      router_(router),
      hub_(hub),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      limiter_(options.rate),
      latency_(metrics.Hist("dc_http_request_duration_seconds", "HTTP request latency", LatencyBuckets())) {}

namespace {

// Header values this layer reads, limited in bytes.
constexpr size_t kMaxAuthorizationBytes = 1024;
constexpr size_t kMaxLastEventIdBytes = 64;
constexpr size_t kMaxCookieBytes = 4096;     // the console's session cookie among whatever else the browser sends
constexpr size_t kMaxCsrfTokenBytes = 128;   // X-CSRF-Token: 64 hex digits
constexpr size_t kMaxConsoleHeaderBytes = 64;

// Checks the bytes of the request target and headers and fills method, path, query, last_event_id. The
// first problem is a 4xx answer naming the part; nothing unchecked is copied into the request.
std::optional<Response> ReadTarget(std::string_view method, std::string_view target, std::string_view authorization,
                                   std::string_view last_event_id, Request* req) {
  if (target.size() > kMaxTargetBytes)
    return ErrorResponse(414, "uri_too_long",
                         "request target is longer than " + std::to_string(kMaxTargetBytes) + " bytes");
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  std::string problem = CheckText("path", path, kMaxTargetBytes);
  if (problem.empty() && (path.empty() || path.front() != '/')) problem = "path must start with /";
  if (problem.empty() && q != std::string_view::npos)
    problem = CheckText("query string", target.substr(q + 1), kMaxTargetBytes);
  if (problem.empty()) problem = CheckText("header Authorization", authorization, kMaxAuthorizationBytes);
  if (problem.empty()) problem = CheckText("header Last-Event-ID", last_event_id, kMaxLastEventIdBytes);
  if (!problem.empty()) return ErrorResponse(Status::Invalid(problem));
  if (q != std::string_view::npos) {
    auto query = ParseQuery(target.substr(q + 1));
    if (!query.ok()) return ErrorResponse(query.status());
    req->query = std::move(*query);
  }
  req->method = std::string(method);
  req->path = std::string(path);
  req->last_event_id = std::string(last_event_id);
  return std::nullopt;
}

}  // namespace

Api::Admission Api::Admit(std::string_view method, std::string_view target, std::string_view authorization,
                          std::string_view last_event_id, BrowserHeaders browser) {
  Admission a;
  a.started_s = MonotonicSeconds();
  if ((a.reject = ReadTarget(method, target, authorization, last_event_id, &a.request))) return a;
  std::string problem = CheckText("header Cookie", browser.cookie, kMaxCookieBytes);
  if (problem.empty()) problem = CheckText("header X-CSRF-Token", browser.csrf_token, kMaxCsrfTokenBytes);
  if (problem.empty()) problem = CheckText("header X-Deconflict-Console", browser.console, kMaxConsoleHeaderBytes);
  if (!problem.empty()) {
    a.reject = ErrorResponse(Status::Invalid(problem));
    return a;
  }
  a.request.cookie = std::string(browser.cookie);
  a.request.csrf_token = std::string(browser.csrf_token);
  a.request.console_header = std::string(browser.console);
  int code = 404;
  a.route = router_.Match(method, a.request.path, &a.request.params, &code);
  if (!a.route) {
    a.reject = code == 405 ? ErrorResponse(405, "method_not_allowed",
                                           a.request.method + " is not allowed on " + a.request.path)
                           : ErrorResponse(404, "not_found", "no route " + a.request.path);
    return a;
  }
  if (Status s = DecodePathParams(&a.request.params); !s.ok()) {
    a.reject = ErrorResponse(s);
    return a;
  }
  if (a.route->access != Access::kPublic) {
    const std::string token = BearerToken(authorization);
    const bool by_cookie = token.empty() && authorization.empty() && !browser.cookie.empty() && hooks_.session;
    if (token.empty() && !by_cookie) {
      a.reject = ErrorResponse(401, "unauthenticated", "missing \"Authorization: Bearer <token>\" header");
      return a;
    }
    auto who = by_cookie ? hooks_.session(browser.cookie, method, browser.csrf_token) : hooks_.authenticate(token);
    if (!who.ok()) {
      a.reject = by_cookie ? ErrorResponse(who.status()) : ErrorResponse(401, "unauthenticated", "unknown or revoked token");
      return a;
    }
    a.request.who = *who;
    const Access need = a.route->access;
    if (need == Access::kAdmin && !a.request.who.admin) {
      a.reject = ErrorResponse(403, "permission_denied", "this route needs the administrator token");
      return a;
    }
    if (need == Access::kParty && a.request.who.admin) {
      a.reject = ErrorResponse(403, "permission_denied", "this route needs a party token");
      return a;
    }
    if (!a.request.who.party.empty() && !limiter_.Allow(a.request.who.party, a.started_s)) {
      metrics_.Add("dc_rate_limited_total");
      a.reject = ErrorResponse(429, "rate_limited", "party " + a.request.who.party + " exceeded its request rate");
      return a;
    }
  }
  a.body_limit = a.request.who.admin ? options_.admin_body_limit_bytes : options_.body_limit_bytes;
  return a;
}

void Api::Dispatch(Admission& a, std::string body, Respond respond) {
  a.request.body = std::move(body);
  // respond is called exactly once: by the handler, or here when the handler throws before it answered.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Respond once = [answered, respond = std::move(respond)](Response r) {
    if (!answered->exchange(true)) respond(std::move(r));
  };
  try {
    a.route->handler(a.request, once);
  } catch (...) {
    // Handlers return errors as values; an exception here is a bug. It never crosses into the I/O layer.
    once(ExceptionResponse(std::current_exception(), a.route->pattern));
  }
}

void Api::Observe(const Admission& a, int status) {
  latency_.Observe(MonotonicSeconds() - a.started_s);
  const std::string route = a.route ? a.route->pattern : "unmatched";
  metrics_.Add("dc_http_requests_total{route=\"" + route + "\",code=\"" + std::to_string(status) + "\"}");
}

}  // namespace deconflict::server
