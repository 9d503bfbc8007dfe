#include "server/event_hub.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace deconflict::server {
namespace {

StreamEvent Ev(uint64_t id, std::string data = "{}") { return StreamEvent{id, "notice", std::move(data), ""}; }

std::vector<uint64_t> Ids(const std::vector<StreamEvent>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.id);
  return out;
}

TEST(EventHub, ReadsAfterAnIdAndWakesWaiters) {
  EventHub hub;
  hub.Publish("red", {StreamEvent{3, "notice", "{}", "n1"}, StreamEvent{7, "alert", "{}", ""}});
  auto after3 = hub.Read("red", 3, 10);
  ASSERT_TRUE(after3.ok());
  ASSERT_EQ(after3->events.size(), 1u);
  EXPECT_EQ(after3->events[0].id, 7u);
  EXPECT_EQ(after3->through, 7u);
  EXPECT_FALSE(after3->from_archive);
  EXPECT_TRUE(hub.Read("blue", 0, 10)->events.empty());
  int woken = 0;
  hub.Wait("red", 7, [&] { ++woken; });
  EXPECT_EQ(woken, 0);
  hub.Publish("blue", {StreamEvent{8, "notice", "{}", ""}});
  EXPECT_EQ(woken, 0) << "another party's event does not wake red";
  hub.Publish("red", {StreamEvent{9, "notice", "{}", ""}});
  EXPECT_EQ(woken, 1);
  hub.Wait("red", 3, [&] { ++woken; });
  EXPECT_EQ(woken, 2) << "an event already there wakes at once";
  hub.Wait("red", 9, [&] { ++woken; });
  hub.WakeParty("blue");
  EXPECT_EQ(woken, 2);
  hub.WakeParty("red");
  EXPECT_EQ(woken, 3) << "WakeParty wakes that party's waiters";
}

TEST(EventHub, KeepsAtMostTheWindowInMemoryPerParty) {
  EventHub hub(StreamWindow{10, 1 << 20});
  for (uint64_t id = 1; id <= 1000; ++id) hub.Publish(id % 2 ? "red" : "blue", {Ev(id)});
  const auto st = hub.stats();
  EXPECT_EQ(st.max_party_events, 10u);
  EXPECT_EQ(st.events, 20u);
  EXPECT_EQ(st.trimmed, 980u);
  EXPECT_EQ(hub.LastId("red"), 999u) << "the newest id is kept when older events are trimmed";
  EXPECT_TRUE(hub.InWindow("red", 979));
  EXPECT_FALSE(hub.InWindow("red", 978));
}

TEST(EventHub, ByteBoundTrimsButKeepsTheNewestEvent) {
  EventHub hub(StreamWindow{1000, 1024});
  for (uint64_t id = 1; id <= 50; ++id) hub.Publish("red", {Ev(id, std::string(300, 'x'))});
  auto st = hub.stats();
  EXPECT_LE(st.bytes, 1024u);
  EXPECT_EQ(st.events, 3u);  // 3 × (6 + 300) bytes fit in 1024
  hub.Publish("red", {Ev(51, std::string(5000, 'y'))});
  st = hub.stats();
  EXPECT_EQ(st.events, 1u) << "an event larger than the window is still kept until the next";
  EXPECT_EQ(hub.Read("red", 50, 10)->events.size(), 1u);
}

TEST(EventHub, ReaderBehindTheWindowIsServedFromTheArchiveWithoutGapsOrDuplicates) {
  // The archive is the durable log: every event published, as the store keeps it.
  std::vector<StreamEvent> log;
  EventHub hub(StreamWindow{8, 1 << 20});
  int archive_calls = 0;
  hub.SetArchive([&](const std::string& party, uint64_t after, uint64_t through, size_t max)
                     -> Result<std::vector<StreamEvent>> {
    ++archive_calls;
    EXPECT_EQ(party, "red");
    std::vector<StreamEvent> out;
    for (const auto& e : log)
      if (e.id > after && e.id <= through && out.size() < max) out.push_back(e);
    return out;
  });
  // Ids are sparse (other parties' entries in between), as record sequence numbers are.
  for (uint64_t id = 5; id <= 500; id += 3) {
    log.push_back(Ev(id, "{\"n\":" + std::to_string(id) + "}"));
    hub.Publish("red", {log.back()});
  }
  EXPECT_FALSE(hub.InWindow("red", 0));
  std::vector<StreamEvent> seen;
  uint64_t after = 0;
  bool used_archive = false, used_memory = false;
  for (int guard = 0; guard < 1000; ++guard) {
    auto b = hub.Read("red", after, 7);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    (b->from_archive ? used_archive : used_memory) = true;
    ASSERT_GE(b->through, after);
    if (b->events.empty() && b->through == after) break;
    for (auto& e : b->events) seen.push_back(e);
    after = b->through;
  }
  EXPECT_TRUE(used_archive);
  EXPECT_TRUE(used_memory);
  ASSERT_EQ(Ids(seen), Ids(log));
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].data, log[i].data);
  EXPECT_GT(archive_calls, 0);
  EXPECT_EQ(hub.stats().archive_reads, static_cast<uint64_t>(archive_calls));
}

TEST(EventHub, ReaderRacingAPublisherWithATinyWindowMissesNothing) {
  // The durable log is appended before Publish, as the store commits before the hub hears of an event.
  std::mutex log_mu;
  std::vector<StreamEvent> log;
  EventHub hub(StreamWindow{4, 1 << 20});
  hub.SetArchive([&](const std::string&, uint64_t after, uint64_t through, size_t max) -> Result<std::vector<StreamEvent>> {
    std::lock_guard lock(log_mu);
    std::vector<StreamEvent> out;
    for (const auto& e : log)
      if (e.id > after && e.id <= through && out.size() < max) out.push_back(e);
    return out;
  });
  constexpr uint64_t kEvents = 20000;
  std::thread publisher([&] {
    for (uint64_t id = 1; id <= kEvents; ++id) {
      {
        std::lock_guard lock(log_mu);
        log.push_back(Ev(id));
      }
      hub.Publish("red", {Ev(id)});
    }
  });
  std::vector<uint64_t> seen;
  uint64_t after = 0;
  while (after < kEvents) {
    auto b = hub.Read("red", after, 5);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (const auto& e : b->events) seen.push_back(e.id);
    after = b->through;
  }
  publisher.join();
  ASSERT_EQ(seen.size(), kEvents);
  for (uint64_t i = 0; i < kEvents; ++i) ASSERT_EQ(seen[i], i + 1);
  EXPECT_LE(hub.stats().max_party_events, 4u);
}

TEST(EventHub, ArchiveThatHasNothingMovesTheReaderToTheFloor) {
  EventHub hub(StreamWindow{2, 1 << 20});
  hub.SetArchive([](const std::string&, uint64_t, uint64_t, size_t) -> Result<std::vector<StreamEvent>> {
    return std::vector<StreamEvent>{};
  });
  hub.Publish("red", {Ev(10), Ev(20), Ev(30)});
  auto b = hub.Read("red", 0, 5);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->events.empty());
  EXPECT_EQ(b->through, 10u);
  EXPECT_EQ(Ids(hub.Read("red", b->through, 5)->events), (std::vector<uint64_t>{20, 30}));
}

TEST(EventHub, ArchiveErrorsAndMissingArchiveAreReported) {
  EventHub hub(StreamWindow{1, 1 << 20});
  hub.Publish("red", {Ev(1), Ev(2)});
  EXPECT_FALSE(hub.Read("red", 0, 5).ok()) << "no archive";
  hub.SetArchive([](const std::string&, uint64_t, uint64_t, size_t) -> Result<std::vector<StreamEvent>> {
    return std::vector<StreamEvent>{Ev(2)};  // beyond the floor (1): refused, never passed on as a gap
  });
  auto b = hub.Read("red", 0, 5);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("out of order or outside"), std::string::npos);
}

}  // namespace
}  // namespace deconflict::server
