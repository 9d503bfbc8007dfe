// The HTTP-facing front of the service, independent of Beast: authentication, access rules, rate and body
// limits, routing and metrics. The Beast server (http_server.h) calls Admit() once the request header is
// read and Dispatch() once the body is read; tests can call both without a socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/rate_limit.h"
#include "server/router.h"

namespace deconflict::server {

struct ApiOptions {
  size_t body_limit_bytes = 1 << 20;     // per request, for every party (1 MiB); 413 above
  size_t admin_body_limit_bytes = 64 << 10;
  RateLimitOptions rate;                 // per party
};

class Api {
 public:
  struct Hooks {
    // The principal for a bearer token (party or administrator); kUnauthenticated when unknown or revoked.
    std::function<Result<Principal>(const std::string& token)> authenticate;
    // Whether a principal admitted earlier may still act (its token was not revoked since). Long-lived
    // requests (the stream) ask again before each write; absent = always.
    std::function<bool(const Principal&)> still_valid;
    // Called after stream events were written to a party's connection (marks notices delivered).
    std::function<void(const std::string& party, const std::vector<StreamEvent>& written)> on_stream_written;
    // The principal of a browser session cookie when no Authorization header came (server/console.h); the CSRF
    // token is checked there for state-changing methods. Absent = cookies are ignored.
    std::function<Result<Principal>(std::string_view cookie, std::string_view method, std::string_view csrf)> session;
  };

  // Request headers a browser sends (the console); empty for other clients.
  struct BrowserHeaders {
    std::string_view cookie;
    std::string_view csrf_token;
    std::string_view console;
  };

  Api(ApiOptions options, Router& router, EventHub& hub, Metrics& metrics, Hooks hooks);

  struct Admission {
    const Route* route = nullptr;
    Request request;                  // method, path, params, query, who, last_event_id filled
    size_t body_limit = 0;            // bytes the body may have
    std::optional<Response> reject;   // set when the request is refused before its body is read
    double started_s = 0;
  };
  // Routes and authenticates a request from its header. `target` is path + optional query.
  Admission Admit(std::string_view method, std::string_view target, std::string_view authorization,
                  std::string_view last_event_id, BrowserHeaders browser = {});

  // Runs the route's handler with the body; respond is called once (maybe from another thread).
  void Dispatch(Admission& admission, std::string body, Respond respond);

  // Counts a finished request in the metrics.
  void Observe(const Admission& admission, int status);

  EventHub& hub() { return hub_; }
  Metrics& metrics() { return metrics_; }
  const Router& router() const { return router_; }
  bool StillValid(const Principal& who) const { return !hooks_.still_valid || hooks_.still_valid(who); }
  void StreamWritten(const std::string& party, const std::vector<StreamEvent>& written) {
    if (hooks_.on_stream_written) hooks_.on_stream_written(party, written);
  }

 private:
  ApiOptions options_;
  Router& router_;
  EventHub& hub_;
  Metrics& metrics_;
  Hooks hooks_;
  RateLimiter limiter_;
  Histogram& latency_;
};

// Monotonic seconds (steady clock).
double MonotonicSeconds();

}  // namespace deconflict::server
