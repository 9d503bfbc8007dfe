#include "server/http_exchange.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace deconflict::server {

std::optional<Response> ReadErrorResponse(const boost::system::error_code& ec, size_t header_limit,
                                          size_t body_limit) {
  using E = beast_http::error;
  auto bad = [](const std::string& what) { return ErrorResponse(400, "bad_request", what); };
  if (ec == E::header_limit)
    return ErrorResponse(431, "header_too_large",
                         "request header exceeds the limit of " + std::to_string(header_limit) + " bytes");
  if (ec == E::body_limit)
    return ErrorResponse(413, "body_too_large",
                         "request body exceeds the limit of " + std::to_string(body_limit) + " bytes");
  if (ec == E::bad_content_length)
    return bad("Content-Length: expected a single decimal length that fits in 64 bits (it is duplicated, "
               "not a number, negative or too large)");
  if (ec == E::bad_transfer_encoding)
    return bad("Transfer-Encoding: only \"chunked\", last, is understood (and not together with Content-Length)");
  if (ec == E::bad_method) return bad("request line: bad method");
  if (ec == E::bad_target) return bad("request line: bad request target");
  if (ec == E::bad_version) return bad("request line: bad HTTP version (expected HTTP/1.0 or HTTP/1.1)");
  if (ec == E::bad_line_ending) return bad("bad line ending (expected CRLF)");
  if (ec == E::bad_field) return bad("header: bad field name");
  if (ec == E::bad_value) return bad("header: bad field value");
  if (ec == E::bad_obs_fold) return bad("header: obsolete line folding is not accepted");
  if (ec == E::bad_chunk || ec == E::bad_chunk_extension) return bad("body: bad chunked encoding");
  if (ec == E::unexpected_body) return bad("body: not expected");
  if (ec == E::bad_alloc) return ErrorResponse(413, "body_too_large", "request too large for this server");
  return std::nullopt;  // end of stream, partial message, timeout, reset: nobody to answer
}

void ResetParser(std::optional<HttpParser>* parser, size_t header_limit) {
  parser->emplace();
  (*parser)->header_limit(static_cast<uint32_t>(std::min<size_t>(header_limit, std::numeric_limits<uint32_t>::max())));
  // The caller's own limit is applied once its token is known (AdmitHeader).
  (*parser)->body_limit(std::numeric_limits<std::uint64_t>::max());
}

Api::Admission AdmitHeader(Api& api, HttpParser& parser) {
  auto& req = parser.get();
  auto view = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
  Api::Admission adm = api.Admit(view(req.method_string()), view(req.target()),
                                 view(req[beast_http::field::authorization]), view(req["Last-Event-ID"]),
                                 Api::BrowserHeaders{view(req["Cookie"]), view(req["X-CSRF-Token"]),
                                                     view(req["X-Deconflict-Console"])});
  if (adm.reject || adm.route->stream) return adm;
  if (parser.content_length().value_or(0) > adm.body_limit) {
    adm.reject = ErrorResponse(413, "body_too_large",
                               "request body exceeds the limit of " + std::to_string(adm.body_limit) + " bytes");
    return adm;
  }
  parser.body_limit(adm.body_limit);
  return adm;
}

HttpResponse ToHttpResponse(Response r, bool keep_alive) {
  HttpResponse res;
  res.version(11);
  res.result(static_cast<unsigned>(r.status));
  res.set(beast_http::field::server, "deconflict");
  if (!r.raw.empty() || !r.content_type.empty()) {
    res.set(beast_http::field::content_type, r.content_type.empty() ? "text/plain" : r.content_type);
    res.body() = std::move(r.raw);
  } else {
    res.set(beast_http::field::content_type, "application/json");
    res.body() = r.body.is_null() ? std::string("{}") : r.body.dump(-1, ' ', false, Json::error_handler_t::replace);
    res.body() += "\n";
  }
  for (auto& [name, value] : r.headers) res.insert(name, value);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

std::variant<uint64_t, Response> StreamStart(const Request& req, EventHub& hub) {
  std::string from = req.last_event_id;
  if (from.empty()) {
    auto it = req.query.find("last_event_id");
    if (it == req.query.end()) return uint64_t{0};
    from = it->second;
  }
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(from.data(), from.data() + from.size(), id);
  if (from.empty() || ec != std::errc() || end != from.data() + from.size() || !std::isdigit(static_cast<unsigned char>(from[0])))
    return ErrorResponse(400, "invalid_argument",
                         "Last-Event-ID \"" + from.substr(0, 64) +
                             "\": expected the id of the last event received, a non-negative integer");
  const uint64_t newest = hub.LastId(req.who.party);
  if (id > newest)
    return ErrorResponse(400, "invalid_argument",
                         "Last-Event-ID " + from + ": beyond the newest event of party " + req.who.party + " (" +
                             std::to_string(newest) + "); this server never sent it (reconnect without "
                             "Last-Event-ID, or with 0 for everything)");
  return id;
}

bool UnreadBody(const HttpParser& parser) {
  return !parser.is_done() && (parser.content_length().value_or(0) > 0 || parser.chunked());
}

}  // namespace deconflict::server
