#include "server/api.h"

#include <chrono>

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

Api::Admission Api::Admit(std::string_view method, std::string_view target, std::string_view authorization,
                          std::string_view last_event_id, BrowserHeaders browser) {
  Admission a;
  a.started_s = MonotonicSeconds();
  const size_t q = target.find('?');
  a.request.method = std::string(method);
  a.request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) a.request.query = ParseQuery(target.substr(q + 1));
  a.request.last_event_id = std::string(last_event_id);
  a.request.cookie = std::string(browser.cookie);
  a.request.csrf_token = std::string(browser.csrf_token);
  a.request.console_header = std::string(browser.console);
  int code = 404;
  a.route = router_.Match(method, a.request.path, &a.request.params, &code);
  if (!a.route) {
    a.reject = code == 405 ? ErrorResponse(405, "method_not_allowed",
                                           std::string(method) + " is not allowed on " + a.request.path)
                           : ErrorResponse(404, "not_found", "no route " + a.request.path);
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
  try {
    a.route->handler(a.request, std::move(respond));
  } catch (const std::exception& e) {
    // Handlers return errors as values; an exception here is a bug. Never let it cross into the I/O layer.
    respond(ErrorResponse(500, "internal", std::string("unexpected error: ") + e.what()));
  }
}

void Api::Observe(const Admission& a, int status) {
  latency_.Observe(MonotonicSeconds() - a.started_s);
  const std::string route = a.route ? a.route->pattern : "unmatched";
  metrics_.Add("dc_http_requests_total{route=\"" + route + "\",code=\"" + std::to_string(status) + "\"}");
}

}  // namespace deconflict::server
