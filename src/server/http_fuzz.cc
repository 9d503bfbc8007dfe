// libFuzzer target for the HTTP request path: arbitrary bytes go through Beast's request parser, the Api
// (edge checks, routing, authentication, limits) and the handlers of a real Service over the in-memory store
// (the same store rules as SQLite, store/rules.h; created once per process), as the server does for a connection
// (http_exchange.h holds the steps both share). Tokens: the byte strings @ADMIN@, @BLUE@ and @RED@ in an
// input are replaced by the administrator's and the parties' tokens, so that seeds reach the handlers.
//
// Invariants checked (abort = a finding): nothing throws out of the request path; no answer is 500 (every
// 500 is a bug: the store is healthy); every JSON answer is valid JSON.
// Built and run by scripts/fuzz-http.sh (clang-14, -fsanitize=fuzzer,address,undefined); not part of dc_server.
#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>

#include "record/hash.h"
#include "server/http_exchange.h"
#include "server/service.h"
#include "store/open.h"

namespace {

using namespace deconflict;
using namespace deconflict::server;
namespace http = boost::beast::http;

constexpr size_t kHeaderLimit = 16 << 10;

struct World {
  std::unique_ptr<store::Store> store;
  Metrics metrics;
  EventHub hub;
  std::unique_ptr<Service> service;
  Router router;
  std::unique_ptr<Api> api;
  std::vector<std::pair<std::string, std::string>> tokens;  // placeholder -> token
};

void Die(const std::string& why) {
  std::fprintf(stderr, "http_fuzz: %s\n", why.c_str());
  std::abort();
}

World* MakeWorld() {
  spdlog::set_level(spdlog::level::off);
  auto* w = new World;
  store::OpenOptions so;
  so.durable = false;
  // The in-memory backend, over the same store rules as SQLite (store/rules.h): no disk in the loop.
  auto st = store::Open("memory:", so);
  if (!st.ok()) Die(st.status().ToString());
  w->store = std::move(*st);
  const std::string admin = "dct_fuzz_admin_token";
  ServiceOptions opts;
  opts.admin_token_hash = record::TokenHashHex(admin);
  opts.write_threads = 2;
  w->service = std::make_unique<Service>(opts, *w->store, w->hub, w->metrics);
  if (Status s = w->service->Load(); !s.ok()) Die(s.ToString());
  w->service->RegisterRoutes(w->router);
  ApiOptions ao;
  ao.rate.rate_per_s = 0;  // no rate limit: every input reaches the handlers
  w->api = std::make_unique<Api>(ao, w->router, w->hub, w->metrics, w->service->MakeHooks());
  w->tokens.emplace_back("@ADMIN@", admin);
  for (const char* party : {"blue", "red"}) {
    if (Status s = w->service->CreateParty(party, party, "+1 555 0100"); !s.ok()) Die(s.ToString());
    auto token = w->service->IssueToken(party, "fuzz");
    if (!token.ok()) Die(token.status().ToString());
    w->tokens.emplace_back(std::string("@") + (party[0] == 'b' ? "BLUE" : "RED") + "@", *token);
  }
  return w;
}

World& TheWorld() {
  static World* w = MakeWorld();
  return *w;
}

std::string WithTokens(std::string bytes, const World& w) {
  for (const auto& [placeholder, token] : w.tokens)
    for (size_t at = bytes.find(placeholder); at != std::string::npos; at = bytes.find(placeholder, at + token.size()))
      bytes.replace(at, placeholder.size(), token);
  return bytes;
}

// Feeds bytes[*used..] to the parser until it wants no more (or they run out: then end of input).
boost::system::error_code Feed(HttpParser& p, std::string_view bytes, size_t* used, bool header_only) {
  boost::system::error_code ec;
  while (!(header_only ? p.is_header_done() : p.is_done())) {
    const size_t n = p.put(boost::asio::buffer(bytes.data() + *used, bytes.size() - *used), ec);
    *used += n;
    if (ec == http::error::need_more || (!ec && n == 0)) {  // (no progress and no error: it wants more)
      ec = {};
      if (*used == bytes.size() || n == 0) {  // all it was given was not enough: the client stopped
        // Nothing at all: a connection closed before its first byte (Beast's read says end_of_stream too;
        // put_eof requires got_some()).
        if (!p.got_some()) return make_error_code(http::error::end_of_stream);
        p.put_eof(ec);
        return ec ? ec : make_error_code(http::error::partial_message);
      }
    } else if (ec) {
      return ec;
    }
  }
  return ec;
}

void CheckAnswer(Response r) {
  HttpResponse res = ToHttpResponse(std::move(r), true);
  const int status = static_cast<int>(res.result_int());
  if (status < 200 || status > 599) Die("status " + std::to_string(status));
  if (status == 500) Die("answered 500: " + res.body());
  if (res[http::field::content_type] == "application/json" && !Json::accept(res.body()))
    Die("answer is not JSON: " + res.body());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = TheWorld();
  const std::string bytes = WithTokens(std::string(reinterpret_cast<const char*>(data), size), w);
  std::optional<HttpParser> parser;
  ResetParser(&parser, kHeaderLimit);  // not eager: the header alone first, as async_read_header
  size_t used = 0;
  if (auto ec = Feed(*parser, bytes, &used, true)) {
    if (auto answer = ReadErrorResponse(ec, kHeaderLimit, 0)) CheckAnswer(std::move(*answer));
    return 0;
  }
  Api::Admission adm = AdmitHeader(*w.api, *parser);
  if (adm.reject) {
    CheckAnswer(std::move(*adm.reject));
    return 0;
  }
  if (adm.route->stream) {  // the stream's own check of its starting point; no stream is opened
    auto start = StreamStart(adm.request, w.hub);
    if (auto* refused = std::get_if<Response>(&start)) CheckAnswer(std::move(*refused));
    return 0;
  }
  parser->eager(true);
  if (auto ec = Feed(*parser, bytes, &used, false)) {
    if (auto answer = ReadErrorResponse(ec, kHeaderLimit, adm.body_limit)) CheckAnswer(std::move(*answer));
    return 0;
  }
  std::promise<Response> answered;
  auto future = answered.get_future();
  w.api->Dispatch(adm, std::move(parser->get().body()),
                  [&answered](Response r) { answered.set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) Die("no answer within 20 s");
  CheckAnswer(future.get());
  w.api->Observe(adm, 200);
  return 0;
}
