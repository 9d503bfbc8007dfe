#include "core/rate_limited_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace deconflict {
namespace {

TEST(RateLimitedLogTest, LogsAtMostTheLimitPerSecond) {
  RateLimitedLog log(3);
  int logged = 0;
  for (int i = 0; i < 100; ++i) logged += log.Warn("bad line " + std::to_string(i)) ? 1 : 0;
  // 100 calls take far less than two seconds, so at most two windows of 3.
  EXPECT_GE(logged, 3);
  EXPECT_LE(logged, 6);
  EXPECT_EQ(log.suppressed_total(), static_cast<uint64_t>(100 - logged));
}

TEST(RateLimitedLogTest, CountsEverySuppressedMessageFromManyThreads) {
  RateLimitedLog log(2, "test lines");
  std::atomic<int> logged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) logged += log.Warn("line") ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(logged.load(), 2);
  EXPECT_LE(logged.load(), 4);
  EXPECT_EQ(log.suppressed_total() + static_cast<uint64_t>(logged.load()), 1000u);
}

}  // namespace
}  // namespace deconflict
