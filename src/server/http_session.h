// One client connection of HttpServer (internal to http_server.cc): reads requests one after another,
// answers them through the Api, or turns into a Server-Sent Events stream. Every completion handler runs
// under a guard: an exception is logged (at a bounded rate) and answered 500, or ends this one connection;
// it never reaches the I/O thread.
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/rate_limited_log.h"
#include "server/http_exchange.h"
#include "server/http_server.h"

namespace deconflict::server::http_internal {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

inline std::chrono::steady_clock::duration Seconds(double s) {
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
  std::list<std::weak_ptr<SessionBase>> sessions;  // guarded by mu
  std::map<std::string, int> per_client;           // open connections by client address; guarded by mu
  std::atomic<int> live_sessions{0};
  std::atomic<bool> stopping{false};
  RateLimitedLog errors{5, "connection errors"};
};

// Counts one connection of `client` for as long as it lives (the caps of HttpOptions).
class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<Shared> shared, std::string client) : shared_(std::move(shared)), client_(std::move(client)) {}
  ~ConnectionSlot();
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::shared_ptr<Shared> shared_;
  std::string client_;
};

// Reserves a slot for a new connection of `client`, or says which cap refuses it ("" when reserved).
std::string ReserveSlot(Shared& shared, const std::string& client);

std::string FormatEvents(const std::vector<StreamEvent>& events);

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream&& stream, std::shared_ptr<Shared> shared, std::unique_ptr<ConnectionSlot> slot)
      : stream_(std::move(stream)), shared_(std::move(shared)), slot_(std::move(slot)),
        wake_timer_(stream_.get_executor()) {}
  ~Session() override {
    if (ticket_) shared_->api->hub().Cancel(ticket_);
  }

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.header_timeout_s));
      stream_.async_handshake(ssl::stream_base::server, Guarded("tls handshake", [this](beast::error_code ec) {
                                if (ec) return Finish();
                                ReadHeader();
                              }));
    } else {
      ReadHeader();
    }
  }

  void Close() override {
    net::post(stream_.get_executor(), Guarded("close", [this] {
                closing_ = true;
                if (streaming_) {
                  wake_timer_.cancel();
                } else if (!busy_) {
                  // Idle between requests: stop waiting for the next one.
                  beast::get_lowest_layer(stream_).cancel();
                }
              }));
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // A completion handler that keeps the session alive and catches what f throws (OnException).
  template <class F>
  auto Guarded(const char* step, F f) {
    return [self = this->shared_from_this(), step, f = std::move(f)](auto&&... args) mutable {
      try {
        f(std::forward<decltype(args)>(args)...);
      } catch (...) {
        self->OnException(step, std::current_exception());
      }
    };
  }

  // Last resort: log, answer 500 when no answer is being written yet, else end this connection.
  void OnException(const char* step, std::exception_ptr error) noexcept {
    try {
      Response r = ExceptionResponse(error, std::string("(") + step + ")");
      if (!writing_ && !streaming_ && !finished_) {
        keep_alive_ = false;
        return Send(std::move(r));
      }
    } catch (...) {
    }
    Finish();
  }

  // Waits for the next request: up to idle_timeout_s for its first byte, then header_timeout_s for the
  // whole header (a client sending it slowly is dropped).
  void ReadHeader() {
    if (closing_) return Finish();
    ResetParser(&parser_, shared_->options.header_limit_bytes);
    if (buffer_.size() > 0) return ReadRestOfHeader();
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.idle_timeout_s));
    stream_.async_read_some(buffer_.prepare(4096), Guarded("read", [this](beast::error_code ec, size_t n) {
                              buffer_.commit(n);
                              if (ec) return Finish();
                              ReadRestOfHeader();
                            }));
  }

  void ReadRestOfHeader() {
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.header_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            Guarded("read header", [this](beast::error_code ec, size_t) { OnHeader(ec); }));
  }

  // Answers a failed read (ReadErrorResponse) and closes, or just closes.
  void OnReadError(beast::error_code ec) {
    auto answer = ReadErrorResponse(ec, shared_->options.header_limit_bytes, adm_.body_limit);
    if (!answer) return Finish();
    keep_alive_ = false;
    Send(std::move(*answer));
  }

  void OnHeader(beast::error_code ec) {
    adm_ = Api::Admission{};
    adm_.started_s = MonotonicSeconds();
    if (ec) return OnReadError(ec);
    busy_ = true;
    adm_ = AdmitHeader(*shared_->api, *parser_);
    keep_alive_ = parser_->get().keep_alive();
    if (adm_.reject) {
      // The body (if any) is not read: answer and close, so that its bytes are never taken for a request.
      if (UnreadBody(*parser_)) keep_alive_ = false;
      return Send(std::move(*adm_.reject));
    }
    if (adm_.route->stream) return StartStream();
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.body_timeout_s));
    http::async_read(stream_, buffer_, *parser_, Guarded("read body", [this](beast::error_code ec2, size_t) {
                       if (ec2) return OnReadError(ec2);
                       Dispatch();
                     }));
  }

  void Dispatch() {
    beast::get_lowest_layer(stream_).expires_never();
    auto self = this->shared_from_this();
    shared_->api->Dispatch(adm_, std::move(parser_->get().body()), [self](Response r) {
      net::post(self->stream_.get_executor(),
                self->Guarded("send", [self, r = std::move(r)]() mutable { self->Send(std::move(r)); }));
    });
  }

  void Send(Response r) {
    const bool keep = keep_alive_ && !closing_ && !shared_->stopping;
    auto res = std::make_shared<HttpResponse>(ToHttpResponse(std::move(r), keep));
    status_ = static_cast<int>(res->result_int());
    beast::get_lowest_layer(stream_).expires_after(Seconds(shared_->options.idle_timeout_s));
    writing_ = true;
    http::async_write(stream_, *res, Guarded("write", [this, res, keep](beast::error_code ec, size_t) {
                        writing_ = false;
                        if (adm_.route || status_ >= 400) shared_->api->Observe(adm_, status_);
                        busy_ = false;
                        if (ec || !keep) return Finish();
                        ReadHeader();
                      }));
  }

  // ---- Server-Sent Events ----
  void StartStream() {
    party_ = adm_.request.who.party;
    auto start = StreamStart(adm_.request, shared_->api->hub());
    if (auto* refused = std::get_if<Response>(&start)) return Send(std::move(*refused));
    last_id_ = std::get<uint64_t>(start);
    streaming_ = true;
    shared_->api->metrics().Add("dc_stream_connections_total");
    beast::get_lowest_layer(stream_).expires_never();
    out_ = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
           "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n: deconflict stream for " + party_ + "\n\n";
    net::async_write(stream_, net::buffer(out_), Guarded("stream start", [this](beast::error_code ec, size_t) {
                       if (ec) return Finish();
                       WatchPeer();
                       Pump();
                     }));
  }

  // Detects the client going away: any read completion ends the stream.
  void WatchPeer() {
    stream_.async_read_some(net::buffer(peer_byte_), Guarded("stream peer", [this](beast::error_code, size_t) {
                              closing_ = true;
                              wake_timer_.cancel();
                            }));
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
        Result<StreamBatch> batch = Status::Internal("stream read failed");
        try {
          batch = self->shared_->api->hub().Read(self->party_, after, kBatch);
        } catch (...) {
          ExceptionResponse(std::current_exception(), "(stream archive read)");  // logs it
        }
        try {
          net::post(self->stream_.get_executor(),
                    self->Guarded("stream deliver",
                                  [self, batch = std::move(batch)]() mutable { self->Deliver(std::move(batch)); }));
        } catch (...) {
          // Nothing to run it on: the session ends when its last reference (self) goes.
        }
      });
      return;
    }
    Deliver(hub.Read(party_, last_id_, kBatch));
  }

  // Writes out_ and then ends the stream.
  void WriteAndEnd() {
    net::async_write(stream_, net::buffer(out_), Guarded("stream end", [this](beast::error_code, size_t) { EndStream(); }));
  }

  void Deliver(Result<StreamBatch> batch) {
    if (closing_ || shared_->stopping) return EndStream();
    if (!batch.ok()) {
      spdlog::error("stream party={} after={}: {}", party_, last_id_, batch.status().ToString());
      out_ = "event: error\ndata: " +
             Json{{"error", {{"code", "internal"}, {"message", "cannot read the stream after " +
                                                               std::to_string(last_id_) + "; reconnect later"}}}}.dump() +
             "\n\n";
      return WriteAndEnd();
    }
    if (!batch->events.empty()) {
      out_ = FormatEvents(batch->events);
      if (batch->from_archive) shared_->api->metrics().Add("dc_stream_archive_batches_total");
      net::async_write(stream_, net::buffer(out_),
                       Guarded("stream write", [this, batch = std::move(*batch)](beast::error_code ec, size_t) {
                         if (ec) return EndStream();
                         last_id_ = batch.through;
                         shared_->api->metrics().Add("dc_stream_events_total", static_cast<double>(batch.events.size()));
                         shared_->api->StreamWritten(party_, batch.events);
                         Pump();
                       }));
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
    WriteAndEnd();
  }

  void Idle() {
    wake_timer_.expires_after(Seconds(shared_->options.heartbeat_s));
    wake_timer_.async_wait(Guarded("stream wait", [this](beast::error_code ec) {
      if (ticket_) {
        shared_->api->hub().Cancel(ticket_);
        ticket_ = 0;
      }
      if (!ec && !closing_) {
        out_ = ": heartbeat\n\n";
        net::async_write(stream_, net::buffer(out_), Guarded("stream heartbeat", [this](beast::error_code ec2, size_t) {
                           if (ec2) return EndStream();
                           Pump();
                         }));
        return;
      }
      Pump();
    }));
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
  std::unique_ptr<ConnectionSlot> slot_;
  net::steady_timer wake_timer_;
  beast::flat_buffer buffer_;
  std::optional<HttpParser> parser_;
  Api::Admission adm_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool writing_ = false;
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

}  // namespace deconflict::server::http_internal
