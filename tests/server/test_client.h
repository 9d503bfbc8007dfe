// Test harness for the service: starts the real `deconflict serve` on a free loopback port with a fresh
// data directory, and talks to it with a small Beast HTTP client and a Server-Sent Events reader.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace deconflict::testing {

using Json = nlohmann::json;

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  Json json() const { return Json::parse(body, nullptr, false); }
};

// One request on a fresh connection. Throws std::runtime_error on a transport failure (timeout 10 s).
HttpResult Http(uint16_t port, const std::string& method, const std::string& target, const std::string& token = "",
                const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// A raw TCP connection to 127.0.0.1:port, for bytes no HTTP library would send (invalid UTF-8 in the
// request line, broken Content-Length, slow headers). Throws std::runtime_error when it cannot connect.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  // Writes all of bytes; false when the server has closed the connection.
  bool Send(const std::string& bytes);
  // Reads one HTTP response (header, then Content-Length bytes of body), or what arrived until the server
  // closed or timeout_s passed.
  std::string ReadResponse(double timeout_s);
  // True when the server closes the connection within timeout_s (data that arrives first is discarded).
  bool ClosedWithin(double timeout_s);

 private:
  int fd_ = -1;
  std::string pending_;
};

struct RawAnswer {
  int status = 0;  // 0: no answer (closed or timed out)
  std::string head, body;
  Json json() const { return Json::parse(body, nullptr, false); }
  std::string message() const;  // error.message of a JSON error body, or ""
};
RawAnswer ParseRawAnswer(const std::string& text);
// One request as raw bytes on a fresh connection.
RawAnswer RawHttp(uint16_t port, const std::string& bytes, double timeout_s = 10);

// A running `deconflict serve`.
class ServerProcess {
 public:
  // Writes config_yaml (may be empty) to <dir>/serve.yaml and starts the server with --data-dir <dir>/data
  // on 127.0.0.1:0. extra: more command-line arguments. Waits (<= 30 s) until it prints its address.
  explicit ServerProcess(std::string dir, std::string config_yaml = "", std::vector<std::string> extra = {},
                         bool fresh = true);
  ~ServerProcess();  // SIGKILL if still running

  uint16_t port() const { return port_; }
  const std::string& admin() const { return admin_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string output() const;  // what it printed so far (stdout + stderr)

  // Sends a signal and (for SIGTERM/SIGINT) waits up to timeout for the exit; returns the exit status
  // (-1 when it did not exit).
  int Signal(int sig, double timeout_s = 20);
  void Kill9();

  HttpResult Get(const std::string& target, const std::string& token) const { return Http(port_, "GET", target, token); }
  HttpResult Post(const std::string& target, const std::string& token, const Json& body) const {
    return Http(port_, "POST", target, token, body.dump());
  }
  // Creates a party (administrator) and returns its token.
  std::string CreateParty(const std::string& id, const std::string& contact = "") const;

 private:
  std::string dir_, data_dir_, log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string admin_;
};

struct SseEvent {
  uint64_t id = 0;
  std::string type;
  Json data;
};

// Reads a party's stream in a background thread.
class StreamReader {
 public:
  StreamReader(uint16_t port, const std::string& token, const std::string& last_event_id = "");
  ~StreamReader();
  // Waits until an event satisfies pred (returns it) or the timeout passes (returns nullopt).
  std::optional<SseEvent> WaitFor(const std::function<bool(const SseEvent&)>& pred, double timeout_s);
  std::vector<SseEvent> Events() const;
  // Waits until the server ends the stream (true) or the timeout passes (false).
  bool WaitClosed(double timeout_s);
  void Close();

 private:
  void Run(uint16_t port, std::string token, std::string last);
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SseEvent> events_;
  std::thread thread_;
  int fd_ = -1;
  bool done_ = false;
};

// A track JSON for POST /v1/tracks.
Json TrackJson(const std::string& id, double lat, double lon, double alt_m, double gs_mps, double trk_deg,
               double vs_mps = 0);
// A fresh temporary directory under the build tree.
std::string FreshDir(const std::string& name);

}  // namespace deconflict::testing
