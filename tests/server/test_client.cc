#include "test_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace deconflict::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

HttpResult Http(uint16_t port, const std::string& method, const std::string& target, const std::string& token,
                const std::string& body, const std::map<std::string, std::string>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("http " + method + " " + target + ": " + ec.message());
  HttpResult r;
  auto& res = parser.get();
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Reads what is available within timeout_s; false on EOF, error or timeout (nothing appended then).
bool ReadSome(int fd, double timeout_s, std::string* out) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout_s * 1000)) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  out->append(buf, static_cast<size_t>(n));
  return true;
}

double SecondsLeft(std::chrono::steady_clock::time_point deadline) {
  return std::max(0.0, std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count());
}

}  // namespace

std::string RawConnection::ReadResponse(double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                              std::chrono::duration<double>(timeout_s));
  std::string& in = pending_;
  for (;;) {
    const size_t end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::smatch m;
      const std::string head = in.substr(0, end);
      size_t length = 0;
      if (std::regex_search(head, m, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)"))) length = std::stoul(m[1]);
      if (in.size() >= end + 4 + length) {
        std::string out = in.substr(0, end + 4 + length);
        in.erase(0, end + 4 + length);
        return out;
      }
    }
    if (!ReadSome(fd_, SecondsLeft(deadline), &in)) {
      std::string out;
      out.swap(in);
      return out;
    }
  }
}

bool RawConnection::ClosedWithin(double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                              std::chrono::duration<double>(timeout_s));
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int left_ms = static_cast<int>(SecondsLeft(deadline) * 1000);
    if (::poll(&p, 1, left_ms) <= 0) return false;
    char buf[4096];
    if (::recv(fd_, buf, sizeof buf, 0) <= 0) return true;
  }
}

std::string RawAnswer::message() const {
  const Json j = json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  return j["error"].value("message", "");
}

RawAnswer ParseRawAnswer(const std::string& text) {
  RawAnswer a;
  const size_t end = text.find("\r\n\r\n");
  if (text.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return a;
  a.status = std::atoi(text.c_str() + 9);
  a.head = text.substr(0, end);
  a.body = text.substr(end + 4);
  return a;
}

RawAnswer RawHttp(uint16_t port, const std::string& bytes, double timeout_s) {
  RawConnection c(port);
  c.Send(bytes);
  return ParseRawAnswer(c.ReadResponse(timeout_s));
}

std::string FreshDir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(DECONFLICT_BINARY_DIR) / "test-tmp" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

ServerProcess::ServerProcess(std::string dir, std::string config_yaml, std::vector<std::string> extra, bool fresh)
    : dir_(std::move(dir)) {
  namespace fs = std::filesystem;
  data_dir_ = dir_ + "/data";
  if (fresh) fs::remove_all(data_dir_);
  log_path_ = dir_ + "/serve-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".log";
  std::vector<std::string> args = {std::string(DECONFLICT_BINARY_DIR) + "/deconflict", "serve", "--data-dir", data_dir_,
                                   "--listen", "127.0.0.1:0"};
  if (!config_yaml.empty()) {
    const std::string cfg = dir_ + "/serve.yaml";
    std::ofstream(cfg) << config_yaml;
    args.push_back("--config");
    args.push_back(cfg);
  }
  for (auto& e : extra) args.push_back(e);
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const std::regex listening(R"(listening on https?://127\.0\.0\.1:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string out = output();
    if (std::regex_search(out, m, listening)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      break;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("deconflict serve exited at start:\n" + out);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port_ == 0) throw std::runtime_error("deconflict serve did not start in 30 s:\n" + output());
  std::ifstream in(data_dir_ + "/admin.token");
  std::getline(in, admin_);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill9();
}

std::string ServerProcess::output() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ServerProcess::Signal(int sig, double timeout_s) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

void ServerProcess::Kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::CreateParty(const std::string& id, const std::string& contact) const {
  auto r = Post("/v1/parties", admin_, Json{{"id", id}, {"name", id + " party"}, {"escalation_contact", contact}});
  if (r.status != 201) throw std::runtime_error("create party " + id + ": " + std::to_string(r.status) + " " + r.body);
  return r.json()["token"].get<std::string>();
}

StreamReader::StreamReader(uint16_t port, const std::string& token, const std::string& last_event_id) {
  thread_ = std::thread([this, port, token, last_event_id] { Run(port, token, last_event_id); });
}

StreamReader::~StreamReader() { Close(); }

void StreamReader::Close() {
  {
    std::lock_guard lock(mu_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
}

void StreamReader::Run(uint16_t port, std::string token, std::string last) {
  try {
    net::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    {
      std::lock_guard lock(mu_);
      fd_ = sock.native_handle();
    }
    std::string req = "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n";
    if (!last.empty()) req += "Last-Event-ID: " + last + "\r\n";
    req += "\r\n";
    net::write(sock, net::buffer(req));
    std::string buf;
    bool header_done = false;
    SseEvent cur;
    char chunk[4096];
    for (;;) {
      beast::error_code ec;
      const size_t n = sock.read_some(net::buffer(chunk), ec);
      if (ec) break;
      buf.append(chunk, n);
      if (!header_done) {
        const size_t end = buf.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        buf.erase(0, end + 4);
        header_done = true;
      }
      size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (line.empty()) {
          if (cur.id != 0 || !cur.type.empty()) {
            std::lock_guard lock(mu_);
            events_.push_back(cur);
            cv_.notify_all();
          }
          cur = SseEvent{};
        } else if (line.rfind("id: ", 0) == 0) {
          cur.id = std::stoull(line.substr(4));
        } else if (line.rfind("event: ", 0) == 0) {
          cur.type = line.substr(7);
        } else if (line.rfind("data: ", 0) == 0) {
          cur.data = Json::parse(line.substr(6), nullptr, false);
        }
      }
    }
  } catch (const std::exception&) {
  }
  std::lock_guard lock(mu_);
  done_ = true;
  fd_ = -1;
  cv_.notify_all();
}

std::optional<SseEvent> StreamReader::WaitFor(const std::function<bool(const SseEvent&)>& pred, double timeout_s) {
  std::unique_lock lock(mu_);
  std::optional<SseEvent> found;
  cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] {
    for (const auto& e : events_)
      if (pred(e)) {
        found = e;
        return true;
      }
    return done_;
  });
  if (!found)
    for (const auto& e : events_)
      if (pred(e)) found = e;
  return found;
}

bool StreamReader::WaitClosed(double timeout_s) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return done_; });
}

std::vector<SseEvent> StreamReader::Events() const {
  std::lock_guard lock(mu_);
  return events_;
}

Json TrackJson(const std::string& id, double lat, double lon, double alt_m, double gs_mps, double trk_deg,
               double vs_mps) {
  return Json{{"id", id}, {"lat_deg", lat}, {"lon_deg", lon}, {"alt_m", alt_m}, {"gs_mps", gs_mps},
              {"trk_deg", trk_deg}, {"vs_mps", vs_mps}};
}

}  // namespace deconflict::testing
