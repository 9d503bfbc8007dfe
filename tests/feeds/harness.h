// Test harness of the feeds integration tests. The real decoder, Debian's dump1090-mutability: finds it,
// starts it in --net-only mode on free loopback ports (killed on every exit path), and pushes a Mode-S Beast
// capture into its Beast input port at a chosen pace. And a command runner for the `deconflict` binary.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace deconflict::testing {

// The decoder binary on this machine ("" when not installed: scripts/install-deps.sh installs it).
std::string FindDecoder();

// n loopback ports free at the time of the call (held together so that they differ).
std::vector<uint16_t> FreePorts(int n);

// Whether a TCP connection to 127.0.0.1:port succeeds within timeout_s.
bool WaitForPort(uint16_t port, double timeout_s);

// dump1090-mutability --net-only on 127.0.0.1; stdout and stderr go to log_path. TERM, then KILL, and reaped
// when destroyed, pass or fail.
class Decoder {
 public:
  // Starts the decoder on five free ports (a few attempts, in case another process takes a port between
  // FreePorts and the decoder's bind). ok() is false when it could not be started; see the log.
  Decoder(const std::string& binary, const std::string& log_path);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  bool ok();  // running, with its ports open
  uint16_t raw_in_port() const { return ports_[0]; }
  uint16_t sbs_port() const { return ports_[2]; }
  uint16_t beast_in_port() const { return ports_[3]; }

 private:
  void Spawn(const std::string& binary, const std::string& log_path);
  void Terminate();
  pid_t pid_ = -1;
  std::vector<uint16_t> ports_ = std::vector<uint16_t>(5, 0);
};

struct BeastFrame {
  double time_s;      // 12 MHz counter / 12e6
  std::string bytes;  // the frame as captured, escapes included
};

// Splits a Mode-S Beast binary stream: 0x1a, type '1'/'2'/'3', 6-byte 12 MHz timestamp, RSSI, 2/7/14 bytes
// of message; a 0x1a inside a frame is doubled.
std::vector<BeastFrame> ReadBeastFrames(const std::string& path);

// Writes the frames to 127.0.0.1:port, paced at `speedup` times their recorded timing, then waits 200 ms.
// Throws std::runtime_error when the connection fails.
void PushBeastFrames(uint16_t port, const std::vector<BeastFrame>& frames, double speedup);

// Runs a shell command line (stderr too: append " 2>&1"); returns its exit status (-1 when it did not exit
// normally) and appends what it wrote to stdout to *output.
int RunCommand(const std::string& command, std::string* output);

}  // namespace deconflict::testing
