#include "core/rate_limited_log.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace deconflict {

bool RateLimitedLog::Warn(const std::string& message) {
  std::lock_guard lock(mu_);
  if (per_second_ <= 0) {
    ++suppressed_total_;
    return false;
  }
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (now != window_) {
    if (suppressed_in_window_ > 0) spdlog::warn("{} more {} not logged in the last second", suppressed_in_window_, what_);
    window_ = now;
    in_window_ = 0;
    suppressed_in_window_ = 0;
  }
  if (in_window_ >= per_second_) {
    ++suppressed_in_window_;
    ++suppressed_total_;
    return false;
  }
  ++in_window_;
  spdlog::warn("{}", message);
  return true;
}

uint64_t RateLimitedLog::suppressed_total() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

}  // namespace deconflict
