// HTTP-independent request routing: a table of (method, path pattern) routes. The Beast server and the tests
// share this table, so the OpenAPI check compares the file against exactly what the server answers.
// Patterns use OpenAPI's path syntax: "/v1/notices/{id}/ack".
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/json_fields.h"

namespace deconflict::server {

// Who is calling. Exactly one of: anonymous (public routes), administrator, a party.
struct Principal {
  std::string party;  // party id when a party is calling
  bool admin = false;
  std::string token_hash;  // hash of the bearer token that authenticated (record::TokenHashHex); "" if anonymous
  bool anonymous() const { return party.empty() && !admin; }
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::map<std::string, std::string> params;  // path parameters by name
  std::map<std::string, std::string> query;
  std::string body;
  std::string last_event_id;  // the Last-Event-ID header (stream)
  std::string cookie;         // the Cookie header (console sessions, server/console.h)
  std::string csrf_token;     // the X-CSRF-Token header
  std::string console_header; // the X-Deconflict-Console header (console sign-in)
  Principal who;
};

struct Response {
  int status = 200;
  Json body;                 // sent as JSON unless raw is set
  std::string raw;           // sent as-is with content_type
  std::string content_type;  // for raw
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers (console: CSP, Set-Cookie)
};

// A JSON error body {"error": {"code": ..., "message": ...}} with the HTTP status that matches status.code().
Response ErrorResponse(const Status& status);
Response ErrorResponse(int http_status, const std::string& code, const std::string& message);
int HttpStatusFor(ErrorCode code);
// The answer to an exception a handler let escape (a bug: handlers return errors as values). A JSON parse or
// number-range error of nlohmann (the body's fault) is 400 naming it; anything else is 500, without its
// text, which is logged at a bounded rate with `where` instead. Never throws.
Response ExceptionResponse(std::exception_ptr error, const std::string& where) noexcept;

// Handlers answer through respond, at once or later (after a durable commit). respond must be called once.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&, Respond)>;

enum class Access {
  kPublic,  // no token
  kAdmin,   // the administrator token
  kParty,   // a party token
  kAny,     // administrator or party
};

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kParty;
  bool stream = false;  // a Server-Sent Events stream, served by the HTTP layer (handler unused)
  Handler handler;
};

class Router {
 public:
  void Add(Route route);

  // The route for method and path, filling params. nullptr and *status_code 404 (no such path) or 405 (path
  // exists, not with this method).
  const Route* Match(std::string_view method, std::string_view path, std::map<std::string, std::string>* params,
                     int* status_code) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// ---- The request target, validated once at the edge (bytes until then) ----
// Limits in bytes: a whole target (path and query; 414 above), a path parameter or a query parameter
// (name or value) after percent-decoding.
inline constexpr size_t kMaxTargetBytes = 8192;
inline constexpr size_t kMaxPathParamBytes = 256;
inline constexpr size_t kMaxQueryParamBytes = 1024;

// Percent-decodes `text` (RFC 3986 §2.1; with plus_is_space, '+' is a space as in HTML forms). The decoded
// bytes are checked to be UTF-8 without control characters and at most max_bytes long. kInvalidArgument
// names `what` and the byte: "query parameter version has a bad percent-escape at byte 3".
Result<std::string> PercentDecode(std::string_view what, std::string_view text, bool plus_is_space, size_t max_bytes);

// Splits "a=1&b=2" into a map, percent-decoding and checking names and values (PercentDecode). A name given
// twice is refused (ambiguous). kInvalidArgument names the parameter.
Result<std::map<std::string, std::string>> ParseQuery(std::string_view query);

// Percent-decodes and checks the path parameters Router::Match filled ("path parameter <name> ...").
Status DecodePathParams(std::map<std::string, std::string>* params);

// A decimal integer in [0, max] from a query or path parameter, without sign, spaces or exponent; never
// throws. kInvalidArgument: "<what>: expected an integer in 0..<max>".
Result<uint64_t> ParseDecimal(std::string_view what, std::string_view text, uint64_t max);

}  // namespace deconflict::server
