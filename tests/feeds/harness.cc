#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

extern char** environ;

namespace deconflict::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::string FindDecoder() {
  for (const char* p : {"/usr/bin/dump1090-mutability", "/usr/local/bin/dump1090-mutability"})
    if (access(p, X_OK) == 0) return p;
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      const size_t end = std::min(dirs.find(':', start), dirs.size());
      const std::string candidate = dirs.substr(start, end - start) + "/dump1090-mutability";
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

std::vector<uint16_t> FreePorts(int n) {
  asio::io_context io;
  std::vector<tcp::acceptor> held;
  std::vector<uint16_t> ports;
  for (int i = 0; i < n; ++i) {
    held.emplace_back(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    ports.push_back(held.back().local_endpoint().port());
  }
  return ports;
}

bool WaitForPort(uint16_t port, double timeout_s) {
  asio::io_context io;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

Decoder::Decoder(const std::string& binary, const std::string& log_path) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    ports_ = FreePorts(5);
    Spawn(binary, log_path);
    if (pid_ > 0 && WaitForPort(ports_[2], 5) && ok()) return;
    Terminate();
  }
}

void Decoder::Spawn(const std::string& binary, const std::string& log_path) {
  std::vector<std::string> args = {binary,          "--net-only",
                                   "--net-bind-address", "127.0.0.1",
                                   "--net-ri-port",   std::to_string(ports_[0]),
                                   "--net-ro-port",   std::to_string(ports_[1]),
                                   "--net-sbs-port",  std::to_string(ports_[2]),
                                   "--net-bi-port",   std::to_string(ports_[3]),
                                   "--net-bo-port",   std::to_string(ports_[4]),
                                   "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

void Decoder::Terminate() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 40; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Decoder::~Decoder() { Terminate(); }

bool Decoder::ok() {
  if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;  // exited and reaped
  return pid_ > 0;
}

std::vector<BeastFrame> ReadBeastFrames(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), {});
  std::vector<BeastFrame> frames;
  size_t i = 0;
  while (i + 2 < data.size() && data[i] == 0x1a) {
    const char type = data[i + 1];
    const size_t payload = type == '1' ? 2 : type == '2' ? 7 : type == '3' ? 14 : 0;
    if (payload == 0) break;
    size_t j = i + 2;
    std::string unescaped;
    while (unescaped.size() < 6 + 1 + payload && j < data.size()) {
      unescaped.push_back(data[j]);
      j += (data[j] == 0x1a) ? 2 : 1;
    }
    uint64_t ticks = 0;
    for (int k = 0; k < 6; ++k) ticks = (ticks << 8) | static_cast<unsigned char>(unescaped[k]);
    frames.push_back({static_cast<double>(ticks) / 12e6, data.substr(i, j - i)});
    i = j;
  }
  return frames;
}

void PushBeastFrames(uint16_t port, const std::vector<BeastFrame>& frames, double speedup) {
  if (frames.empty()) return;
  asio::io_context io;
  tcp::socket beast(io);
  beast.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));  // throws on failure
  const auto start = std::chrono::steady_clock::now();
  for (const BeastFrame& f : frames) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                              std::chrono::duration<double>((f.time_s - frames[0].time_s) / speedup)));
    asio::write(beast, asio::buffer(f.bytes));
  }
  std::this_thread::sleep_for(200ms);
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace deconflict::testing
