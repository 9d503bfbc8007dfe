#include "server/http_server.h"

#include <sys/resource.h>

#include <thread>

#include "server/http_session.h"

namespace deconflict::server {
using namespace http_internal;

namespace http_internal {

ConnectionSlot::~ConnectionSlot() {
  std::lock_guard lock(shared_->mu);
  auto it = shared_->per_client.find(client_);
  if (it != shared_->per_client.end() && --it->second <= 0) shared_->per_client.erase(it);
  if (--shared_->live_sessions == 0) shared_->cv.notify_all();
}

std::string ReserveSlot(Shared& shared, const std::string& client) {
  std::lock_guard lock(shared.mu);
  const auto& o = shared.options;
  if (shared.live_sessions.load() >= o.max_connections) return "total";
  int& mine = shared.per_client[client];
  if (mine >= o.max_connections_per_client) {
    if (mine == 0) shared.per_client.erase(client);
    return "per_client";
  }
  ++mine;
  ++shared.live_sessions;
  return "";
}

std::string FormatEvents(const std::vector<StreamEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
  }
  return out;
}

}  // namespace http_internal

namespace {

// The answer to a connection over a cap, written at once without reading the request (plain HTTP only).
std::string RefusalBytes(const std::string& cap) {
  const std::string body = Json{{"error", {{"code", "unavailable"}, {"message",
      cap == "total" ? "the server has too many open connections; retry later"
                     : "too many open connections from your address; close some or retry later"}}}}.dump() + "\n";
  return "HTTP/1.1 503 Service Unavailable\r\nServer: deconflict\r\nContent-Type: application/json\r\n"
         "Retry-After: 1\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  Api& api;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_pause{ioc};
  double accept_backoff_s = 0;  // 0 = accepting; else the current pause after an accept error
  // Keeps the I/O threads running while requests wait on the write pool (no Asio work is pending then).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  net::thread_pool blocking{1};  // after ioc: destroyed (joined) first
  std::vector<std::thread> threads;
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  RateLimitedLog accept_log{1, "accept errors"};
  RateLimitedLog refuse_log{1, "refused connections"};
  uint16_t port = 0;
  bool running = false;

  Impl(HttpOptions o, Api& a) : options(std::move(o)), api(a), ioc(std::max(1, options.threads)) {
    shared->options = options;
    shared->api = &api;
    shared->blocking = &blocking;
    std::weak_ptr<Shared> weak = shared;
    api.metrics().OnScrape([weak](Metrics& m) {
      if (auto s = weak.lock()) m.Set("dc_http_connections", s->live_sessions.load(), "open HTTP connections");
    });
  }

  // An I/O thread: runs handlers until the server stops. A handler that throws despite its own guard is
  // logged and the loop goes on; the connection it belonged to is closed when its session is released.
  void RunIo() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (...) {
        ExceptionResponse(std::current_exception(), "(io thread)");  // logs it
      }
    }
  }

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        return PauseAccepting(ec);
      }
      accept_backoff_s = 0;
      try {
        if (!shared->stopping) StartSession(std::move(socket));
      } catch (...) {
        ExceptionResponse(std::current_exception(), "(accept)");  // logs it; the socket is closed with it
      }
      Accept();
    });
  }

  // Out of descriptors (EMFILE, ENFILE) or memory: accepting again at once would fail again at once. Pause
  // 50 ms, doubling up to 1 s while errors continue; log at most once a second.
  void PauseAccepting(const beast::error_code& ec) {
    accept_backoff_s = accept_backoff_s == 0 ? 0.05 : std::min(1.0, accept_backoff_s * 2);
    api.metrics().Add("dc_http_accept_errors_total");
    accept_log.Warn(fmt::format("http accept failed error=\"{}\"; pausing accepts for {} ms", ec.message(),
                                static_cast<int>(accept_backoff_s * 1000)));
    accept_pause.expires_after(Seconds(accept_backoff_s));
    accept_pause.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) Accept();
    });
  }

  void StartSession(tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // the peer is already gone
    const std::string client = remote.address().to_string();
    if (std::string cap = ReserveSlot(*shared, client); !cap.empty()) return Refuse(std::move(socket), client, cap);
    auto slot = std::make_unique<ConnectionSlot>(shared, client);
    std::shared_ptr<SessionBase> base;
    if (tls) {
      auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), shared, std::move(slot));
      base = s;
      s->Start();
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared, std::move(slot));
      base = s;
      s->Start();
    }
    std::lock_guard lock(shared->mu);
    shared->sessions.remove_if([](const auto& w) { return w.expired(); });
    shared->sessions.push_back(base);
  }

  // A connection over a cap: 503 (plain HTTP; a TLS client sees the close) and close, logged at a bounded rate.
  void Refuse(tcp::socket socket, const std::string& client, const std::string& cap) {
    api.metrics().Add("dc_http_connections_refused_total{cap=\"" + cap + "\"}");
    refuse_log.Warn(fmt::format("http connection refused client={} cap={} (max_connections={}, per client {})",
                                client, cap, options.max_connections, options.max_connections_per_client));
    beast::error_code ec;
    if (!tls) {
      socket.non_blocking(true, ec);
      const std::string bytes = RefusalBytes(cap);
      socket.write_some(net::buffer(bytes), ec);
    }
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
  }
};

HttpServer::HttpServer(HttpOptions options, Api& api) : impl_(std::make_unique<Impl>(std::move(options), api)) {}

HttpServer::~HttpServer() { Shutdown(); }

Status HttpServer::Start() {
  auto& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty())
      return Status::Invalid("tls: both tls_cert and tls_key must be set");
    impl_->tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    impl_->tls->use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) return Status::Invalid("tls_cert " + o.tls_cert_file + ": " + ec.message());
    impl_->tls->use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
    if (ec) return Status::Invalid("tls_key " + o.tls_key_file + ": " + ec.message());
  }
  beast::error_code ec;
  auto addr = net::ip::make_address(o.address, ec);
  if (ec) return Status::Invalid("listen address \"" + o.address + "\": " + ec.message());
  tcp::endpoint ep{addr, o.port};
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on " + o.address + ":" + std::to_string(o.port) + ": " + ec.message());
  impl_->port = acc.local_endpoint().port();
  if (rlimit lim{}; ::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
                    lim.rlim_cur < static_cast<rlim_t>(o.max_connections) + 64)
    spdlog::warn("http max_connections={} is near or above the descriptor limit {} (ulimit -n): accepts will fail "
                 "and back off before the cap is reached", o.max_connections, lim.rlim_cur);
  impl_->Accept();
  impl_->running = true;
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, o.threads); ++i) impl_->threads.emplace_back([this] { impl_->RunIo(); });
  return Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->port; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

void HttpServer::Shutdown() {
  if (!impl_->running) return;
  impl_->running = false;
  auto shared = impl_->shared;
  shared->stopping = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->accept_pause.cancel();
  });
  // Close every session, again every 50 ms for those accepted meanwhile, until none is left or the grace ends.
  const auto deadline = std::chrono::steady_clock::now() + Seconds(impl_->options.shutdown_grace_s);
  while (shared->live_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(shared->mu);
      for (auto& w : shared->sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->Close();  // idempotent
    live.clear();
    std::unique_lock lock(shared->mu);
    shared->cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return shared->live_sessions.load() == 0; });
  }
  if (shared->live_sessions.load() > 0)
    spdlog::warn("http shutdown: {} connections still open after the grace period; closing them",
                 shared->live_sessions.load());
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace deconflict::server
