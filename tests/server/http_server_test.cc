// The HTTP server itself (HttpServer over a small route table of its own, on 127.0.0.1), for what the real
// service cannot be made to do on purpose: handlers that throw. And its limits with short timeouts:
// connection caps, idle and slow-header clients, and a descriptor-starved server under a connection flood.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>
#include <thread>

#include "server/http_server.h"
#include "test_client.h"

namespace deconflict::testing {
namespace {

using server::Access;
using server::Api;
using server::HttpOptions;
using server::Request;
using server::Respond;
using server::Response;
using server::Route;

// A route table whose handlers misbehave on purpose, behind the real Api and HttpServer.
class TestServer {
 public:
  explicit TestServer(HttpOptions options = {}) {
    auto ok = [](Request&, Respond respond) { respond(Response{200, Json{{"ok", true}}, "", "", {}}); };
    router_.Add(Route{"GET", "/ok", Access::kPublic, false, ok});
    router_.Add(Route{"GET", "/throw", Access::kPublic, false,
                      [](Request&, Respond) { throw std::runtime_error("handler bug \xff"); }});
    router_.Add(Route{"GET", "/throw-int", Access::kPublic, false, [](Request&, Respond) { throw 42; }});
    router_.Add(Route{"GET", "/answer-then-throw", Access::kPublic, false, [](Request&, Respond respond) {
                        respond(Response{200, Json{{"first", true}}, "", "", {}});
                        throw std::logic_error("after the answer");
                      }});
    router_.Add(Route{"GET", "/bad-text", Access::kPublic, false, [](Request&, Respond respond) {
                        respond(Response{200, Json{{"text", std::string("caf\xC3 \xFF")}}, "", "", {}});
                      }});
    router_.Add(Route{"GET", "/items/{id}", Access::kPublic, false, [](Request& q, Respond respond) {
                        respond(Response{200, Json{{"id", q.params.at("id")}}, "", "", {}});
                      }});
    router_.Add(Route{"POST", "/echo", Access::kPublic, false, [](Request& q, Respond respond) {
                        respond(Response{200, Json{{"bytes", q.body.size()}}, "", "", {}});
                      }});
    api_ = std::make_unique<Api>(server::ApiOptions{}, router_, hub_, metrics_, Api::Hooks{});
    options.address = "127.0.0.1";
    options.port = 0;
    http_ = std::make_unique<server::HttpServer>(options, *api_);
    Status s = http_->Start();
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  uint16_t port() const { return http_->port(); }
  server::Metrics& metrics() { return metrics_; }

 private:
  server::Router router_;
  server::EventHub hub_;
  server::Metrics metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<server::HttpServer> http_;
};

std::string Get(const std::string& target) { return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"; }

TEST(HttpServer, AHandlerThatThrowsIsAnswered500AndTheServerStaysUp) {
  TestServer s;
  for (int round = 0; round < 3; ++round) {
    auto a = RawHttp(s.port(), Get("/throw"));
    EXPECT_EQ(a.status, 500) << a.head;
    EXPECT_EQ(a.json()["error"]["code"], "internal");
    EXPECT_EQ(a.message().find("handler bug"), std::string::npos) << "the exception's text is logged, not sent";
    EXPECT_EQ(RawHttp(s.port(), Get("/throw-int")).status, 500);
    auto first = RawHttp(s.port(), Get("/answer-then-throw"));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.json()["first"], true);
    EXPECT_EQ(RawHttp(s.port(), Get("/ok")).status, 200);
  }
}

TEST(HttpServer, InvalidUtf8InAnAnswerIsReplacedNotThrown) {
  TestServer s;
  auto a = RawHttp(s.port(), Get("/bad-text"));
  ASSERT_EQ(a.status, 200) << a.head;
  ASSERT_TRUE(a.json().is_object()) << a.body;
  EXPECT_EQ(a.json()["text"], "caf\xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST(HttpServer, NetworkTextIsCheckedAtTheEdgeAndNamed) {
  TestServer s;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Get("/\xff"), "path is not valid UTF-8 at byte 1"},
      {Get("/ok\xc0\xaf"), "path is not valid UTF-8 at byte 3"},            // overlong '/'
      {Get("/ok\xed\xa0\x80"), "path is not valid UTF-8 at byte 3"},        // surrogate U+D800
      {Get("/ok\xf4\x90\x80\x80"), "path is not valid UTF-8 at byte 3"},    // above U+10FFFF
      {Get("/items/ab%FF"), "path parameter id is not valid UTF-8 at byte 2"},
      {Get("/items/%C0%AF"), "path parameter id is not valid UTF-8 at byte 0"},
      {Get("/items/%ED%A0%80"), "path parameter id is not valid UTF-8 at byte 0"},
      {Get("/items/a%00"), "path parameter id contains a control character at byte 1"},
      {Get("/items/a%0Ab"), "path parameter id contains a control character at byte 1"},
      {Get("/items/%zz"), "path parameter id has a bad percent-escape at byte 0"},
      {Get("/items/" + std::string(300, 'x')), "path parameter id is longer than 256 bytes"},
      {Get("/ok?x=%FF"), "query parameter x is not valid UTF-8 at byte 0"},
      {Get("/ok?x=1%00"), "query parameter x contains a control character at byte 1"},
      {Get("/ok?%FF=1"), "a query parameter name is not valid UTF-8 at byte 0"},
      {Get("/ok?x=%F"), "query parameter x has a bad percent-escape at byte 0"},
      {Get("/ok?x=\xff"), "query string is not valid UTF-8 at byte 2"},
      {Get("/ok?x=1&x=2"), "query parameter x is given more than once"},
      {"GET /ok HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 1\xff\r\n\r\n", "header Last-Event-ID is not valid UTF-8 at byte 1"},
      {"GET /ok HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + std::string(100, '1') + "\r\n\r\n",
       "header Last-Event-ID is longer than 64 bytes"},
      {"GET /ok HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc3\x28\r\n\r\n",
       "header Authorization is not valid UTF-8 at byte 7"},
  };
  for (const auto& [request, message] : cases) {
    auto a = RawHttp(s.port(), request);
    EXPECT_EQ(a.status, 400) << message << "\n" << a.head;
    EXPECT_EQ(a.message().rfind(message, 0), 0u) << a.message();
  }
  EXPECT_EQ(RawHttp(s.port(), Get("/" + std::string(9000, 'a'))).status, 414);
  auto ok = RawHttp(s.port(), Get("/items/caf%C3%A9%20au%2Flait"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["id"], "caf\xC3\xA9 au/lait") << "path parameters are percent-decoded";
}

TEST(HttpServer, BrokenFramingIsAnswered400BeforeClosing) {
  TestServer s;
  const std::string post = "POST /echo HTTP/1.1\r\nHost: x\r\n";
  for (const char* length : {"Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length: abc\r\n",
                                    "Content-Length: -1\r\n", "Content-Length: 99999999999999999999999\r\n",
                                    "Content-Length: 1 2\r\n"}) {
    auto a = RawHttp(s.port(), post + length + "\r\nab");
    EXPECT_EQ(a.status, 400) << length << a.head;
    EXPECT_NE(a.message().find("Content-Length"), std::string::npos) << a.body;
  }
  auto huge = RawHttp(s.port(), post + "Content-Length: 9000000000000\r\n\r\n");
  EXPECT_EQ(huge.status, 413);
  auto chunks = RawHttp(s.port(), post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(chunks.status, 400);
  EXPECT_EQ(RawHttp(s.port(), "GET /ok HTTP/1.1\r\nBad Field: x\r\n\r\n").status, 400);
  EXPECT_EQ(RawHttp(s.port(), "GET /ok HTTP/9.9\r\n\r\n").status, 400);
  EXPECT_EQ(RawHttp(s.port(), "GET /ok HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n").status, 431);
  EXPECT_EQ(RawHttp(s.port(), post + "Content-Length: 3\r\n\r\nabc").status, 200);
}

TEST(HttpServer, ConnectionsOverTheTotalCapAreRefusedWhileOthersAreServed) {
  HttpOptions o;
  o.max_connections = 4;
  TestServer s(o);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(held.back()->Send(Get("/ok")));
    ASSERT_EQ(ParseRawAnswer(held.back()->ReadResponse(5)).status, 200) << "keep-alive connection " << i;
  }
  for (int i = 0; i < 3; ++i) {
    auto refused = RawHttp(s.port(), Get("/ok"));
    EXPECT_EQ(refused.status, 503);
    EXPECT_NE(refused.message().find("too many open connections"), std::string::npos) << refused.body;
  }
  for (auto& c : held) {
    ASSERT_TRUE(c->Send(Get("/ok")));
    EXPECT_EQ(ParseRawAnswer(c->ReadResponse(5)).status, 200) << "held connections are still served";
  }
  held.pop_back();
  // The slot is free once the server has seen the close.
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = RawHttp(s.port(), Get("/ok")).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  std::smatch m;
  const std::string metrics = s.metrics().Prometheus();
  ASSERT_TRUE(std::regex_search(metrics, m, std::regex("dc_http_connections_refused_total\\{cap=\"total\"\\} ([0-9]+)")))
      << metrics;
  EXPECT_GE(std::stoi(m[1]), 3);
}

TEST(HttpServer, ConnectionsOverThePerClientCapAreRefused) {
  HttpOptions o;
  o.max_connections_per_client = 2;
  TestServer s(o);
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(Get("/ok")));
  ASSERT_TRUE(b.Send(Get("/ok")));
  ASSERT_EQ(ParseRawAnswer(a.ReadResponse(5)).status, 200);
  ASSERT_EQ(ParseRawAnswer(b.ReadResponse(5)).status, 200);
  auto refused = RawHttp(s.port(), Get("/ok"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.message().find("from your address"), std::string::npos) << refused.body;
}

TEST(HttpServer, IdleAndSlowClientsAreDroppedAfterTheirTimeouts) {
  HttpOptions o;
  o.idle_timeout_s = 0.3;
  o.header_timeout_s = 0.5;
  o.body_timeout_s = 0.5;
  TestServer s(o);
  RawConnection idle(s.port());
  EXPECT_TRUE(idle.ClosedWithin(3)) << "a connection that sends nothing";

  // A slow header: one byte every 100 ms never completes within the header timeout.
  RawConnection slow(s.port());
  const std::string request = Get("/ok");
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (size_t i = 0; i < request.size() - 2 && !closed; ++i) {
    if (!slow.Send(request.substr(i, 1))) closed = true;
    else closed = slow.ClosedWithin(0.1);
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(closed || slow.ClosedWithin(2)) << "slow header";
  EXPECT_LT(took, 2.0);

  RawConnection slow_body(s.port());
  ASSERT_TRUE(slow_body.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
  EXPECT_TRUE(slow_body.ClosedWithin(3)) << "a body that never completes";
  EXPECT_EQ(RawHttp(s.port(), Get("/ok")).status, 200);
}

// CPU seconds (user + system) a process has used, from /proc/<pid>/stat.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i == 14 || i == 15) ticks += std::stod(f);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(HttpServer, ADescriptorStarvedServerBacksOffAndStaysResponsiveUnderAFlood) {
  const std::string log = FreshDir("fd-flood") + "/server.log";
  int ports[2];
  ASSERT_EQ(::pipe(ports), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The server, in its own process with 48 descriptors: accept fails with EMFILE long before its caps.
    ::close(ports[0]);
    rlimit lim{48, 48};
    ::setrlimit(RLIMIT_NOFILE, &lim);
    // spdlog's default logger writes to stdout: both go to the log file.
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) ::_exit(3);
    ::close(fd);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, nullptr);
    {
      HttpOptions o;
      o.idle_timeout_s = 60;
      TestServer s(o);
      const uint16_t port = s.port();
      if (::write(ports[1], &port, sizeof port) != sizeof port) ::_exit(4);
      int sig = 0;
      sigwait(&term, &sig);
    }
    ::_exit(0);
  }
  ::close(ports[1]);
  uint16_t port = 0;
  ASSERT_EQ(::read(ports[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  ::close(ports[0]);

  RawConnection first(port);
  ASSERT_TRUE(first.Send(Get("/ok")));
  ASSERT_EQ(ParseRawAnswer(first.ReadResponse(5)).status, 200);
  const double cpu_before = CpuSeconds(child);
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 150; ++i) flood.push_back(std::make_unique<RawConnection>(port));  // the kernel queues them
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(first.Send(Get("/ok")));
  EXPECT_EQ(ParseRawAnswer(first.ReadResponse(5)).status, 200) << "an open connection is still served";
  const double cpu_used = CpuSeconds(child) - cpu_before;
  EXPECT_LT(cpu_used, 0.5) << "accept errors must not spin";
  flood.clear();
  // Descriptors come back as the flood's connections are seen closed; a new client is then served.
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    try {
      status = RawHttp(port, Get("/ok"), 2).status;
    } catch (const std::exception&) {
    }
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  ::kill(child, SIGTERM);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
  const auto size = std::filesystem::file_size(log);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("http accept failed"), std::string::npos) << text;
  EXPECT_LT(size, 4000u) << "the log stays small (accept errors at most once a second):\n" << text.substr(0, 2000);
}

}  // namespace
}  // namespace deconflict::testing
