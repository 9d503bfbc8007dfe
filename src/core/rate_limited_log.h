// A log line that cannot flood: at most `per_second` messages per steady-clock second go to spdlog (warn
// level); the rest are counted, and the first message of a later second is preceded by one line saying how
// many `what` were not logged. Safe for concurrent use.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace deconflict {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(int per_second = 5, std::string what = "messages")
      : per_second_(per_second), what_(std::move(what)) {}
  // Returns true when the message was logged.
  bool Warn(const std::string& message);
  uint64_t suppressed_total() const;

 private:
  const int per_second_;
  const std::string what_;
  mutable std::mutex mu_;
  int64_t window_ = -1;  // current second (steady clock)
  int in_window_ = 0;
  uint64_t suppressed_in_window_ = 0;
  uint64_t suppressed_total_ = 0;
};

}  // namespace deconflict
