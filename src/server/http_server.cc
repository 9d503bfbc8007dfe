#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <list>
#include <set>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace deconflict::server {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Close() = 0;  // called on shutdown (from any thread)
};

// Shared state of the server that sessions need.
struct Shared {
  HttpOptions options;
  Api* api = nullptr;
  // Runs stream reads that go to the store (a reader behind the hub's window), off the I/O threads.
  net::thread_pool* blocking = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  std::list<std::weak_ptr<SessionBase>> sessions;
  std::atomic<int> live_sessions{0};
  std::atomic<bool> stopping{false};
};

// A Last-Event-ID value: decimal digits only, fitting in 64 bits.
std::optional<uint64_t> ParseEventId(const std::string& text) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string FormatEvents(const std::vector<StreamEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
  }
  return out;
}

template <class Fields>
std::string_view Field(const Fields& req, const char* name) {
  auto v = req[name];
  return std::string_view(v.data(), v.size());
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream&& stream, std::shared_ptr<Shared> shared)
      : stream_(std::move(stream)), shared_(std::move(shared)), wake_timer_(stream_.get_executor()) {
    ++shared_->live_sessions;
  }
  ~Session() override {
    if (--shared_->live_sessions == 0) {
      std::lock_guard lock(shared_->mu);
      shared_->cv.notify_all();
    }
    if (ticket_) shared_->api->hub().Cancel(ticket_);
  }

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.idle_timeout_s));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Finish();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  void Close() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (self->streaming_) {
        self->wake_timer_.cancel();
      } else if (!self->busy_) {
        // Idle between requests: stop waiting for the next one.
        beast::get_lowest_layer(self->stream_).cancel();
      }
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void ReadHeader() {
    if (closing_) return Finish();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit_bytes));
    // The caller's own limit is applied once its token is known (OnHeader).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.idle_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit) {
        keep_alive_ = false;
        return Send(ErrorResponse(431, "header_too_large", "request header exceeds the limit"));
      }
      return Finish();
    }
    busy_ = true;
    auto& req = parser_->get();
    adm_ = shared_->api->Admit(std::string_view(req.method_string().data(), req.method_string().size()),
                               std::string_view(req.target().data(), req.target().size()),
                               std::string_view(req[http::field::authorization].data(),
                                                req[http::field::authorization].size()),
                               std::string_view(req["Last-Event-ID"].data(), req["Last-Event-ID"].size()),
                               Api::BrowserHeaders{Field(req, "Cookie"), Field(req, "X-CSRF-Token"),
                                                   Field(req, "X-Deconflict-Console")});
    keep_alive_ = req.keep_alive();
    if (adm_.reject) {
      // The body (if any) is not read: answer and close, so that its bytes are never taken for a request.
      if (parser_->content_length().value_or(0) > 0 || parser_->chunked()) keep_alive_ = false;
      return Send(std::move(*adm_.reject));
    }
    if (adm_.route->stream) return StartStream();
    if (parser_->content_length().value_or(0) > adm_.body_limit) {
      keep_alive_ = false;
      return Send(ErrorResponse(413, "body_too_large",
                                "request body exceeds the limit of " + std::to_string(adm_.body_limit) + " bytes"));
    }
    parser_->body_limit(adm_.body_limit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return Send(ErrorResponse(413, "body_too_large",
                                "request body exceeds the limit of " + std::to_string(adm_.body_limit) + " bytes"));
    }
    if (ec) return Finish();
    auto self = this->shared_from_this();
    shared_->api->Dispatch(adm_, std::move(parser_->get().body()), [self](Response r) {
      net::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->Send(std::move(r)); });
    });
  }

  void Send(Response r) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "deconflict");
    if (!r.raw.empty() || !r.content_type.empty()) {
      res->set(http::field::content_type, r.content_type.empty() ? "text/plain" : r.content_type);
      res->body() = std::move(r.raw);
    } else {
      res->set(http::field::content_type, "application/json");
      res->body() = r.body.is_null() ? std::string("{}") : r.body.dump();
      res->body() += "\n";
    }
    for (auto& [name, value] : r.headers) res->insert(name, value);
    const bool keep = keep_alive_ && !closing_ && !shared_->stopping;
    res->keep_alive(keep);
    res->prepare_payload();
    status_ = r.status;
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.idle_timeout_s));
    http::async_write(stream_, *res, [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (self->adm_.route || self->status_ >= 400) self->shared_->api->Observe(self->adm_, self->status_);
      self->busy_ = false;
      if (ec || !keep) return self->Finish();
      self->ReadHeader();
    });
  }

  // ---- Server-Sent Events ----
  void StartStream() {
    streaming_ = true;
    party_ = adm_.request.who.party;
    std::string from = adm_.request.last_event_id;
    if (from.empty() && adm_.request.query.count("last_event_id")) from = adm_.request.query["last_event_id"];
    last_id_ = 0;
    if (!from.empty()) {
      auto id = ParseEventId(from);
      streaming_ = false;
      if (!id)
        return Send(ErrorResponse(400, "invalid_argument",
                                  "Last-Event-ID \"" + from.substr(0, 64) +
                                      "\": expected the id of the last event received, a non-negative integer"));
      const uint64_t newest = shared_->api->hub().LastId(party_);
      if (*id > newest)
        return Send(ErrorResponse(400, "invalid_argument",
                                  "Last-Event-ID " + from + ": beyond the newest event of party " + party_ + " (" +
                                      std::to_string(newest) + "); this server never sent it (reconnect without "
                                      "Last-Event-ID, or with 0 for everything)"));
      streaming_ = true;
      last_id_ = *id;
    }
    shared_->api->metrics().Add("dc_stream_connections_total");
    beast::get_lowest_layer(stream_).expires_never();
    out_ = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
           "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n: deconflict stream for " + party_ + "\n\n";
    net::async_write(stream_, net::buffer(out_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Finish();
      self->WatchPeer();
      self->Pump();
    });
  }

  // Detects the client going away: any read completion ends the stream.
  void WatchPeer() {
    stream_.async_read_some(net::buffer(peer_byte_), [self = this->shared_from_this()](beast::error_code, size_t) {
      self->closing_ = true;
      self->wake_timer_.cancel();
    });
  }

  // Writes what the hub has after last_id_, or waits for it (hub waker, heartbeat timer). Before each write
  // the token is checked again: a revoked credential ends the stream at once.
  void Pump() {
    if (closing_ || shared_->stopping) return EndStream();
    if (!shared_->api->StillValid(adm_.request.who)) return Revoked();
    auto& hub = shared_->api->hub();
    if (!hub.InWindow(party_, last_id_)) {
      // Behind the in-memory window: the store has the older events. Read them on the blocking pool.
      net::post(*shared_->blocking, [self = this->shared_from_this(), after = last_id_] {
        auto batch = self->shared_->api->hub().Read(self->party_, after, kBatch);
        net::post(self->stream_.get_executor(),
                  [self, batch = std::move(batch)]() mutable { self->Deliver(std::move(batch)); });
      });
      return;
    }
    Deliver(hub.Read(party_, last_id_, kBatch));
  }

  void Deliver(Result<StreamBatch> batch) {
    if (closing_ || shared_->stopping) return EndStream();
    if (!batch.ok()) {
      spdlog::error("stream party={} after={}: {}", party_, last_id_, batch.status().ToString());
      out_ = "event: error\ndata: " +
             Json{{"error", {{"code", "internal"}, {"message", "cannot read the stream after " +
                                                               std::to_string(last_id_) + "; reconnect later"}}}}.dump() +
             "\n\n";
      net::async_write(stream_, net::buffer(out_), [self = this->shared_from_this()](beast::error_code, size_t) {
        self->EndStream();
      });
      return;
    }
    if (!batch->events.empty()) {
      out_ = FormatEvents(batch->events);
      if (batch->from_archive) shared_->api->metrics().Add("dc_stream_archive_batches_total");
      net::async_write(stream_, net::buffer(out_),
                       [self = this->shared_from_this(), batch = std::move(*batch)](beast::error_code ec, size_t) {
                         if (ec) return self->EndStream();
                         self->last_id_ = batch.through;
                         self->shared_->api->metrics().Add("dc_stream_events_total",
                                                           static_cast<double>(batch.events.size()));
                         self->shared_->api->StreamWritten(self->party_, batch.events);
                         self->Pump();
                       });
      return;
    }
    if (batch->through > last_id_) {  // the archive had nothing more before the window
      last_id_ = batch->through;
      return Pump();
    }
    Idle();
  }

  // The token was revoked: say so and close.
  void Revoked() {
    shared_->api->metrics().Add("dc_stream_revoked_total");
    out_ = "event: revoked\ndata: " +
           Json{{"error", {{"code", "unauthenticated"}, {"message", "the token of this stream was revoked"}}}}.dump() +
           "\n\n";
    net::async_write(stream_, net::buffer(out_), [self = this->shared_from_this()](beast::error_code, size_t) {
      self->EndStream();
    });
  }

  void Idle() {
    wake_timer_.expires_after(Seconds(shared_->options.heartbeat_s));
    wake_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (self->ticket_) {
        self->shared_->api->hub().Cancel(self->ticket_);
        self->ticket_ = 0;
      }
      if (!ec && !self->closing_) {
        self->out_ = ": heartbeat\n\n";
        net::async_write(self->stream_, net::buffer(self->out_), [self](beast::error_code ec2, size_t) {
          if (ec2) return self->EndStream();
          self->Pump();
        });
        return;
      }
      self->Pump();
    });
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto exec = stream_.get_executor();
    ticket_ = shared_->api->hub().Wait(party_, last_id_, [weak, exec] {
      net::post(exec, [weak] {
        if (auto self = weak.lock()) self->wake_timer_.cancel();
      });
    });
    // A revocation between the check in Pump and the Wait above woke nobody: look again now that we wait.
    if (!shared_->api->StillValid(adm_.request.who)) wake_timer_.cancel();
  }

  void EndStream() {
    if (ended_) return;
    ended_ = true;
    if (ticket_) shared_->api->hub().Cancel(ticket_);
    ticket_ = 0;
    Finish();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    wake_timer_.cancel();
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.socket().close(ignored);
    }
  }

  static constexpr size_t kBatch = 512;  // events per write

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  net::steady_timer wake_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Api::Admission adm_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool streaming_ = false;
  bool ended_ = false;
  bool finished_ = false;
  int status_ = 0;
  std::string party_;
  uint64_t last_id_ = 0;
  uint64_t ticket_ = 0;
  std::string out_;
  char peer_byte_[1];
};

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  Api& api;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  // Keeps the I/O threads running while requests wait on the write pool (no Asio work is pending then).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  net::thread_pool blocking{1};  // after ioc: destroyed (joined) first
  std::vector<std::thread> threads;
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  uint16_t port = 0;
  bool running = false;

  Impl(HttpOptions o, Api& a) : options(std::move(o)), api(a), ioc(std::max(1, options.threads)) {
    shared->options = options;
    shared->api = &api;
    shared->blocking = &blocking;
  }

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        spdlog::warn("http accept failed error=\"{}\"", ec.message());
      } else if (!shared->stopping) {
        socket.set_option(tcp::no_delay(true), ec);
        std::shared_ptr<SessionBase> base;
        if (tls) {
          auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
              beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), shared);
          base = s;
          s->Start();
        } else {
          auto s = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared);
          base = s;
          s->Start();
        }
        std::lock_guard lock(shared->mu);
        shared->sessions.remove_if([](const auto& w) { return w.expired(); });
        shared->sessions.push_back(base);
      }
      Accept();
    });
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
  impl_->Accept();
  impl_->running = true;
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, o.threads); ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
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
