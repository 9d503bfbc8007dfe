// Durability: after kill -9, every acknowledged write is back and the record verifies.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>

#include "test_client.h"

namespace deconflict::testing {
namespace {

TEST(Recovery, EveryAcknowledgedWriteSurvivesKillDashNine) {
  const std::string dir = FreshDir("recovery");
  std::vector<std::string> notice_ids, acked;
  std::string blue, red;
  std::atomic<bool> stop{false};
  std::atomic<int> tracks_ok{0};
  {
    ServerProcess s(dir);
    blue = s.CreateParty("blue");
    red = s.CreateParty("red");
    // Writers keep going while the process is killed.
    std::thread writer([&] {
      for (int i = 0; !stop; ++i) {
        try {
          auto r = s.Post("/v1/tracks", blue, Json{{"tracks", {TrackJson("B" + std::to_string(i % 50), 35, 38, 6000, 200, 90)}}});
          if (r.status == 200) ++tracks_ok;
        } catch (const std::exception&) {
          return;
        }
      }
    });
    for (int i = 0; i < 20; ++i) {
      auto r = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "n" + std::to_string(i)}});
      ASSERT_EQ(r.status, 201);
      notice_ids.push_back(r.json()["notice_id"]);
      if (i % 2 == 0) {
        auto a = s.Post("/v1/notices/" + notice_ids.back() + "/ack", red, Json::object());
        ASSERT_EQ(a.status, 200);
        acked.push_back(notice_ids.back());
      }
    }
    s.Kill9();
    stop = true;
    writer.join();
  }
  ASSERT_GT(tracks_ok.load(), 0);
  // The record verifies offline.
  const std::string verify = std::string(DECONFLICT_BINARY_DIR) + "/deconflict audit verify --data-dir " + dir + "/data";
  EXPECT_EQ(std::system((verify + " > /dev/null").c_str()), 0);
  ServerProcess again(dir, "", {}, /*fresh=*/false);
  EXPECT_EQ(again.Get("/v1/me", blue).json()["id"], "blue") << "tokens survive";
  auto notices = again.Get("/v1/notices", red).json()["notices"];
  ASSERT_EQ(notices.size(), notice_ids.size());
  std::set<std::string> acked_now;
  for (const auto& n : notices)
    if (n["delivery"]["state"] == "acknowledged") acked_now.insert(n["notice_id"].get<std::string>());
  for (const auto& id : acked) EXPECT_TRUE(acked_now.count(id)) << id;
  EXPECT_EQ(acked_now.size(), acked.size());
  EXPECT_FALSE(again.Get("/v1/tracks", blue).json()["tracks"].empty());
  auto v = again.Get("/v1/record/verify", again.admin()).json();
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
  // The stream is rebuilt: red's notices come back from the record.
  StreamReader st(again.port(), red, "0");
  ASSERT_TRUE(st.WaitFor([](const SseEvent& e) { return e.data.value("text", "") == "n19"; }, 10));
}

}  // namespace
}  // namespace deconflict::testing
