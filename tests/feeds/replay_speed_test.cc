// `deconflict replay --speed X` on the real SBS hour: pacing changes when the events are written, never
// which events. No timing is asserted here (bench/ holds speed figures).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "harness.h"

namespace deconflict::testing {
namespace {

const std::string kReplay = std::string(DECONFLICT_BINARY_DIR) + "/deconflict replay " DECONFLICT_TEST_DATA
                            "/traffic/switzerland_20180801_1200-1300Z.sbs.gz --duration 600s --horizontal 20nm "
                            "--format jsonl";

TEST(ReplaySpeed, PacedReplayWritesTheSameEventsAsTheFastOne) {
  std::string fast, paced;
  ASSERT_EQ(RunCommand(kReplay, &fast), 0);
  ASSERT_EQ(RunCommand(kReplay + " --speed 1000", &paced), 0);  // 10 min of traffic in about 0.6 s
  EXPECT_GT(std::count(fast.begin(), fast.end(), '\n'), 10) << "the 20 NM setting gives alerts to compare";
  EXPECT_EQ(paced, fast);
}

TEST(ReplaySpeed, ABadSpeedIsAUsageError) {
  for (const char* bad : {"0", "-2", "fast", "1e999", "nan", "''", "2x"}) {
    std::string out;
    EXPECT_EQ(RunCommand(kReplay + " --speed " + bad + " 2>&1", &out), 64) << bad;
    EXPECT_NE(out.find("--speed"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace deconflict::testing
