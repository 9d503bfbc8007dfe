// Per-party request rate limits: a token bucket per party (capacity `burst`, refilled at `rate_per_s`).
// Safe for concurrent use.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace deconflict::server {

struct RateLimitOptions {
  double rate_per_s = 2000;  // sustained requests per second per party; <= 0 disables the limit
  double burst = 4000;       // requests allowed at once after an idle period
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options) : options_(options) {}
  // True when the party may make one more request at now_s (monotonic seconds); takes the token.
  bool Allow(const std::string& party, double now_s);

 private:
  struct Bucket {
    double tokens;
    double last_s;
  };
  RateLimitOptions options_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace deconflict::server
