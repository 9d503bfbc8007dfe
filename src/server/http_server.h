// The HTTP/1.1 server (Boost.Beast over Asio), plain or TLS (OpenSSL), on a bounded pool of threads.
// It reads a request's header, lets the Api route and authenticate it, reads the body within the caller's
// limit, dispatches it, and writes the JSON answer. GET routes marked `stream` become Server-Sent Events
// streams fed from the EventHub: each event is written as "id: <seq>\nevent: <type>\ndata: <json>\n\n",
// a client resumes with the Last-Event-ID header (or ?last_event_id=) after a reconnect, and a comment line
// is sent every heartbeat so that dead connections are found.
//
// Limits against hostile clients (HttpOptions): a total and a per-address cap on connections, an idle timeout,
// a header and a body read timeout (slow clients are dropped), and accept errors (out of descriptors) backed
// off from 50 ms to 1 s and logged at most once a second. No exception escapes an I/O thread: each
// connection's handlers are guarded (a throw is logged and answered 500 or closes that connection only).
//
// Beast stays inside http_server.cc, http_session.h and http_exchange.*; this header is light.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/api.h"

namespace deconflict::server {

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;        // 0 = any free port (see HttpServer::port)
  int threads = 2;             // I/O threads; >= 1
  std::string tls_cert_file;   // PEM certificate chain; with tls_key_file, the server speaks only HTTPS
  std::string tls_key_file;    // PEM private key
  // Connections over a cap are answered 503 at once (plain HTTP; closed under TLS), logged at most once a
  // second, and counted in dc_http_connections_refused_total{cap}.
  int max_connections = 1024;            // open connections in all (streams included)
  int max_connections_per_client = 64;   // open connections from one client IP address
  double idle_timeout_s = 30;    // a connection waiting for the first byte of a request this long is closed
  double header_timeout_s = 10;  // from the first byte of a request (or the TLS handshake) to its whole header
  double body_timeout_s = 30;    // to read a whole request body after its header
  double heartbeat_s = 15;       // stream comment interval
  double shutdown_grace_s = 10;  // Shutdown() waits this long for in-flight requests to finish
  size_t header_limit_bytes = 16 << 10;  // request line and header fields; 431 above
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, Api& api);
  ~HttpServer();  // Shutdown() if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. kIo when the address cannot be bound, kInvalidArgument for a
  // bad address or TLS files.
  Status Start();
  uint16_t port() const;  // the bound port (after Start)
  bool tls() const;

  // Graceful stop: no new connections; idle connections and streams are closed; requests in flight finish
  // and their answers are written (up to shutdown_grace_s); then the threads are joined. Idempotent.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace deconflict::server
