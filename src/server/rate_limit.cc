#include "server/rate_limit.h"

#include <algorithm>

namespace deconflict::server {

bool RateLimiter::Allow(const std::string& party, double now_s) {
  if (options_.rate_per_s <= 0) return true;
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(party, Bucket{options_.burst, now_s});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(options_.burst, b.tokens + (now_s - b.last_s) * options_.rate_per_s);
    b.last_s = now_s;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace deconflict::server
