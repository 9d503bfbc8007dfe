// One HTTP request/response exchange in Beast terms, without a socket: the steps the server's sessions
// (http_server.cc) and the HTTP fuzz target (http_fuzz.cc) share, so that the fuzzer drives exactly the code
// that answers the network. Includes Beast: for those two files only.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <variant>

#include "server/api.h"

namespace deconflict::server {

namespace beast_http = boost::beast::http;
using HttpParser = beast_http::request_parser<beast_http::string_body>;
using HttpResponse = beast_http::response<beast_http::string_body>;

// The answer to a failed read of a request header or body: 400 naming what is malformed (Content-Length,
// Transfer-Encoding, request line, a header field, chunked framing), 431 (header too large) or 413 (body
// over body_limit). nullopt when there is nobody to answer (end of stream, timeout, connection reset):
// the connection is then closed without an answer. After an answer the connection is closed too.
std::optional<Response> ReadErrorResponse(const boost::system::error_code& ec, size_t header_limit, size_t body_limit);

// A parser for the next request: header limited to header_limit bytes, body unlimited until Admit says
// whose it is (LimitBody).
void ResetParser(std::optional<HttpParser>* parser, size_t header_limit);

// Routes and authenticates the request whose header `parser` has read (Api::Admit). When it is admitted
// and not a stream, applies the caller's body limit: a Content-Length above it is answered 413 at once.
Api::Admission AdmitHeader(Api& api, HttpParser& parser);

// The response on the wire: JSON bodies are serialised with invalid UTF-8 replaced (U+FFFD), so that no
// text that reached an error message can make serialisation throw.
HttpResponse ToHttpResponse(Response r, bool keep_alive);

// Where a stream starts: after the Last-Event-ID header (or ?last_event_id=), 0 without one; or the 400
// answer when the value is not the id of an event this server could have sent the party.
std::variant<uint64_t, Response> StreamStart(const Request& req, EventHub& hub);

// Whether the client sent (or announced) a body that was not read: the connection cannot be reused.
bool UnreadBody(const HttpParser& parser);

}  // namespace deconflict::server
