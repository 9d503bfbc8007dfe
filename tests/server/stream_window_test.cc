// The live stream keeps only a window of each party's events in memory; a client that reconnects from
// further back is served from the store, in order, without gaps or duplicates — also after a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "test_client.h"

namespace deconflict::testing {
namespace {

constexpr int kWindow = 16;
constexpr int kNotices = 120;  // many times the window
const std::string kConfig = "stream:\n  window_events: " + std::to_string(kWindow) + "\n";

std::string Text(const SseEvent& e) { return e.data.is_object() ? e.data.value("text", "") : ""; }
bool IsLast(const SseEvent& e) { return Text(e) == "w" + std::to_string(kNotices - 1); }

double Metric(const ServerProcess& s, const std::string& name) {
  std::istringstream in(s.Get("/metrics", s.admin()).body);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

// Every notice w0..w{kNotices-1} exactly once and in order; ids strictly increasing.
void ExpectCompleteAndOrdered(const std::vector<SseEvent>& events) {
  int next = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(events[i].id, events[i - 1].id) << "at " << i;
    }
    const std::string t = Text(events[i]);
    if (events[i].type != "notice" || t.empty() || t[0] != 'w') continue;
    EXPECT_EQ(t, "w" + std::to_string(next)) << "gap or duplicate at event " << i << " (id " << events[i].id << ")";
    ++next;
  }
  EXPECT_EQ(next, kNotices);
}

// What a resumed stream got, up to the newest id of `full`, equals full's events after index `from`.
void ExpectSuffix(const std::vector<SseEvent>& full, size_t from, const std::vector<SseEvent>& resumed) {
  std::vector<SseEvent> got;
  for (const auto& e : resumed)
    if (e.id <= full.back().id) got.push_back(e);
  ASSERT_EQ(got.size(), full.size() - from - 1);
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& want = full[from + 1 + i];
    EXPECT_EQ(got[i].id, want.id) << i;
    EXPECT_EQ(got[i].type, want.type) << i;
    EXPECT_EQ(got[i].data, want.data) << i;
  }
}

TEST(StreamWindow, ResumeFromBehindTheWindowIsLosslessAndMemoryStaysBounded) {
  const std::string dir = FreshDir("stream-window");
  std::vector<SseEvent> full;
  std::string red;
  {
    ServerProcess s(dir, kConfig);
    const std::string blue = s.CreateParty("blue");
    red = s.CreateParty("red");
    for (int i = 0; i < kNotices; ++i) {
      auto r = s.Post("/v1/notices", blue, Json{{"kind", "free_text"}, {"to", {"red"}}, {"text", "w" + std::to_string(i)}});
      ASSERT_EQ(r.status, 201) << r.body;
    }
    EXPECT_LE(Metric(s, "dc_stream_window_max_party_events"), kWindow);
    EXPECT_EQ(Metric(s, "dc_stream_window_limit_events"), kWindow);
    EXPECT_GE(Metric(s, "dc_stream_trimmed_events_total"), kNotices - kWindow);

    // From the very beginning: all of it, most of it from the store.
    {
      StreamReader all(s.port(), red, "0");
      ASSERT_TRUE(all.WaitFor(IsLast, 20)) << s.output();
      full = all.Events();
    }
    ExpectCompleteAndOrdered(full);
    EXPECT_GE(Metric(s, "dc_stream_archive_reads_total"), 1) << "the old events came from the store";

    // From an id deep behind the window, and from one inside it.
    for (size_t from : {size_t{10}, full.size() - 5}) {
      StreamReader resumed(s.port(), red, std::to_string(full[from].id));
      ASSERT_TRUE(resumed.WaitFor(IsLast, 20));
      ExpectSuffix(full, from, resumed.Events());
    }
    // Memory stayed bounded while the stream was read (delivery marks added events meanwhile).
    EXPECT_LE(Metric(s, "dc_stream_window_max_party_events"), kWindow);

    // Bad Last-Event-ID values get a clear 400.
    for (const std::string bad : {"abc", "-1", "12x", "99999999999999999999999", "1e3"}) {
      auto r = Http(s.port(), "GET", "/v1/stream", red, "", {{"Last-Event-ID", bad}});
      EXPECT_EQ(r.status, 400) << bad;
      EXPECT_NE(r.body.find("Last-Event-ID"), std::string::npos) << r.body;
      EXPECT_NE(r.body.find("non-negative integer"), std::string::npos) << r.body;
    }
    const uint64_t beyond = full.back().id + 1000;
    auto r = Http(s.port(), "GET", "/v1/stream", red, "", {{"Last-Event-ID", std::to_string(beyond)}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("beyond the newest event of party red"), std::string::npos) << r.body;
    r = Http(s.port(), "GET", "/v1/stream?last_event_id=" + std::to_string(beyond), red);
    EXPECT_EQ(r.status, 400) << "the query parameter is checked the same way";
    EXPECT_EQ(s.Signal(SIGTERM), 0);
  }
  // After a restart: the window is rebuilt bounded, and an old id still resumes losslessly.
  ServerProcess again(dir, kConfig, {}, /*fresh=*/false);
  EXPECT_LE(Metric(again, "dc_stream_window_max_party_events"), kWindow);
  StreamReader resumed(again.port(), red, std::to_string(full[3].id));
  ASSERT_TRUE(resumed.WaitFor(IsLast, 20)) << again.output();
  ExpectSuffix(full, 3, resumed.Events());
}

TEST(StreamWindow, ConfigurationRefusesABadWindow) {
  const std::string dir = FreshDir("stream-window-bad");
  try {
    ServerProcess s(dir, "stream:\n  window_events: 0\n");
    FAIL() << "a window of 0 events was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stream.window_events: 0 is out of range"), std::string::npos) << e.what();
  }
}

TEST(ServeOptions, WriteThreadsFlagOutOfRangeIsAClearUsageError) {
  const std::string dir = FreshDir("write-threads-bad");
  try {
    ServerProcess s(dir, "", {"--write-threads", "0"});
    FAIL() << "--write-threads 0 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--write-threads: 0 is out of range 1..1024"), std::string::npos) << e.what();
  }
  ServerProcess ok(dir, "", {"--write-threads", "4"});
  EXPECT_EQ(ok.Get("/healthz", "").status, 200);
}

}  // namespace
}  // namespace deconflict::testing
