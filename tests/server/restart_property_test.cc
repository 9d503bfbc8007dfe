// Property: whatever sequence of acknowledged writes several parties make, a restart (clean SIGTERM or kill -9)
// brings every object back byte for byte (each GET answers the same) and the strategic index answers the same
// (the same probe operations meet the same conflicts). Seeded and bounded; the environment makes it longer:
//   DECONFLICT_RESTART_SEED (first seed, default 1), DECONFLICT_RESTART_SEEDS (how many, default 1),
//   DECONFLICT_RESTART_ROUNDS (restarts per seed, default 2: SIGTERM then kill -9, alternating),
//   DECONFLICT_RESTART_STEPS (random writes before each restart, default 40).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <ctime>
#include <random>

#include "test_client.h"

namespace deconflict::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Tracks are placed far from each other and from every plan (no alerts, no zone entries), and notices have a
// day to be acknowledged (no escalation): nothing changes between the snapshot and the restart but the restart.
constexpr const char* kConfig = "channel:\n  ack_deadline: 86400s\n";

struct Known {
  std::map<std::string, int64_t> ops, zones;  // id -> version (acknowledged); owners in owner_of
  std::map<std::string, std::string> owner_of;
  std::vector<std::string> notices;
  std::map<std::string, std::vector<std::string>> to;  // notice -> recipients
};

class Writer {
 public:
  Writer(uint32_t seed, double t0) : rng_(seed), t0_(t0) {}
  std::map<std::string, std::string> token;  // party -> token
  std::vector<std::string> parties;
  Known k;
  int acknowledged = 0, refused = 0;

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  const std::string& AnyParty() { return parties[Pick(static_cast<int>(parties.size()))]; }

  // One volume on a 3 x 3 grid of 4 km circles 2 km apart (neighbours overlap), in one of three time slots.
  Json Volume() {
    const double lat = 35 + 0.02 * Pick(3), lon = 38 + 0.02 * Pick(3), lo = 300.0 * Pick(4);
    const double start = t0_ + 1800.0 * Pick(3);
    return Json{{"outline_circle", {{"center", {{"lat", lat}, {"lng", lon}}}, {"radius", 2000}}},
                {"altitude_lower", lo}, {"altitude_upper", lo + 500}, {"time_start", start}, {"time_end", start + 2400}};
  }

  void Step(ServerProcess& s) {
    const int what = Pick(10);
    const std::string& p = AnyParty();
    HttpResult r;
    if (what <= 2) {  // create or replace an operation
      std::vector<std::string> mine;
      for (const auto& [id, v] : k.ops)
        if (k.owner_of[id] == p) mine.push_back(id);
      Json body{{"priority", Pick(4)}, {"volumes", {Volume()}}};
      if (mine.empty() || Pick(2) == 0) {
        const std::string id = p + "-op" + std::to_string(serial_++);
        body["id"] = id;
        r = s.Post("/v1/operations", token[p], body);
        if (r.status == 201) k.ops[id] = r.json()["version"], k.owner_of[id] = p;
      } else {
        const std::string& id = mine[Pick(static_cast<int>(mine.size()))];
        body["version"] = k.ops[id];
        r = Http(s.port(), "PUT", "/v1/operations/" + id, token[p], body.dump());
        if (r.status == 200) k.ops[id] = r.json()["version"];
      }
    } else if (what == 3) {  // delete an operation or a zone
      auto& m = Pick(2) ? k.ops : k.zones;
      std::vector<std::string> mine;
      for (const auto& [id, v] : m)
        if (k.owner_of[id] == p) mine.push_back(id);
      if (mine.empty()) return;
      const std::string id = mine[Pick(static_cast<int>(mine.size()))];
      r = Http(s.port(), "DELETE", std::string(&m == &k.ops ? "/v1/operations/" : "/v1/zones/") + id + "?version=" +
                                       std::to_string(m[id]), token[p]);
      if (r.status == 200) m.erase(id);
    } else if (what == 4) {  // create or replace a zone that binds everyone else or one other party
      std::vector<std::string> mine;
      for (const auto& [id, v] : k.zones)
        if (k.owner_of[id] == p) mine.push_back(id);
      const std::string other = AnyParty();
      Json body{{"kind", Pick(2) ? "protected-site" : "restricted"}, {"volumes", {Volume()}}};
      body["binds"] = other == p ? Json("all") : Json::array({other});
      if (Pick(3) == 0) body["notification_lead"] = 1800;
      if (mine.empty() || Pick(2) == 0) {
        const std::string id = p + "-zone" + std::to_string(serial_++);
        body["id"] = id;
        r = s.Post("/v1/zones", token[p], body);
        if (r.status == 201) k.zones[id] = r.json()["version"], k.owner_of[id] = p;
      } else {
        const std::string& id = mine[Pick(static_cast<int>(mine.size()))];
        body["version"] = k.zones[id];
        r = Http(s.port(), "PUT", "/v1/zones/" + id, token[p], body.dump());
        if (r.status == 200) k.zones[id] = r.json()["version"];
      }
    } else if (what == 5) {  // agreements: propose (or counter) new terms, or accept the latest
      const std::string other = AnyParty();
      if (other == p) return;
      auto a = s.Get("/v1/agreements/" + other, token[p]).json();
      const int latest = a.value("latest", 0);
      if (latest > 0 && Pick(2) == 0) {
        r = s.Post("/v1/agreements/" + other + "/accept", token[p], Json{{"version", latest}});
      } else {
        Json terms{{"ack_deadline_s", 86400}, {"buffer_horizontal_m", 500.0 * Pick(3)},
                   {"equal_priority_conflicts_allowed", Pick(2) == 0}};
        r = s.Post("/v1/agreements/" + other + "/propose", token[p], Json{{"latest_seen", latest}, {"terms", terms}});
      }
    } else if (what <= 7) {  // a notice to one or two others
      std::vector<std::string> to;
      for (const auto& q : parties)
        if (q != p && Pick(2) == 0) to.push_back(q);
      if (to.empty()) return;
      r = s.Post("/v1/notices", token[p], Json{{"kind", Pick(2) ? "advisory" : "free_text"}, {"to", to},
                                               {"text", "note " + std::to_string(serial_++)}});
      if (r.status == 201) {
        const std::string id = r.json()["notice_id"];
        k.notices.push_back(id);
        k.to[id] = to;
      }
    } else if (what == 8) {  // acknowledge a notice
      if (k.notices.empty()) return;
      const std::string id = k.notices[Pick(static_cast<int>(k.notices.size()))];
      const auto& to = k.to[id];
      r = s.Post("/v1/notices/" + id + "/ack", token[to[Pick(static_cast<int>(to.size()))]], Json{{"comment", "seen"}});
    } else {  // tracks, each party in its own region far from the plans
      const int i = static_cast<int>(std::find(parties.begin(), parties.end(), p) - parties.begin());
      Json tracks = Json::array();
      for (int n = 0, count = 1 + Pick(3), first = Pick(4); n < count; ++n)  // distinct ids in a batch
        tracks.push_back(TrackJson(p + "-ac" + std::to_string((first + n) % 4), -40 + 10 * i, -100 + 3 * n,
                                   3000 + 100 * Pick(10), 100, 90));
      r = s.Post("/v1/tracks", token[p], Json{{"tracks", tracks}});
    }
    if (r.status >= 200 && r.status < 300) ++acknowledged;
    else if (r.status == 409 || r.status == 404) ++refused;
    else ADD_FAILURE() << "unexpected answer " << r.status << ": " << r.body;
  }

 private:
  std::mt19937 rng_;
  double t0_;
  int serial_ = 0;
};

// Every GET answer of every party about everything it was told of, and of every id written (including deleted
// ones, whose 404 must stay a 404). Tracks are compared without "stale" (server receive time, not stored).
std::map<std::string, std::string> Snapshot(const ServerProcess& s, const Writer& w) {
  std::map<std::string, std::string> out;
  auto get = [&](const std::string& party, const std::string& target) {
    auto r = s.Get(target, w.token.at(party));
    std::string body = r.body;
    if (target == "/v1/tracks") {
      Json j = r.json();
      for (auto& t : j["tracks"]) t.erase("stale");
      body = j.dump();
    }
    out[party + " GET " + target] = std::to_string(r.status) + " " + body;
  };
  for (const auto& p : w.parties) {
    for (const char* list : {"/v1/me", "/v1/operations", "/v1/zones", "/v1/agreements", "/v1/notices", "/v1/tracks"})
      get(p, list);
    for (const auto& [id, owner] : w.k.owner_of)
      get(p, (id.find("-zone") != std::string::npos ? "/v1/zones/" : "/v1/operations/") + id);
    for (const auto& q : w.parties)
      if (q != p) get(p, "/v1/agreements/" + q);
    for (const auto& n : w.k.notices) get(p, "/v1/notices/" + n);
  }
  return out;
}

// The strategic index: fixed probe operations of a party that holds nothing, each accepted (then deleted) or
// refused; the answer's status and conflicts (ids, owners, rules, overlaps) must not change across a restart.
std::vector<std::string> Probe(const ServerProcess& s, const std::string& token, double t0, int round) {
  std::vector<std::string> out;
  int n = 0;
  for (int prio : {0, 2, 3})
    for (double lat : {35.0, 35.02, 35.04})
      for (double start : {t0, t0 + 1800}) {
        Json v{{"outline_circle", {{"center", {{"lat", lat}, {"lng", 38.02}}}, {"radius", 2500}}},
               {"altitude_lower", 0}, {"altitude_upper", 1200}, {"time_start", start}, {"time_end", start + 600}};
        const std::string id = "probe-" + std::to_string(round) + "-" + std::to_string(n++);
        auto r = s.Post("/v1/operations", token, Json{{"id", id}, {"priority", prio}, {"volumes", {v}}});
        Json j = r.json();
        out.push_back(std::to_string(r.status) + " " + j["conflicts"].dump());
        if (r.status == 201) {
          auto d = Http(s.port(), "DELETE", "/v1/operations/" + id + "?version=" + std::to_string(j["version"].get<int64_t>()), token);
          EXPECT_EQ(d.status, 200) << d.body;
        }
      }
  return out;
}

TEST(RestartProperty, RandomAcknowledgedWritesComeBackByteForByteAndTheIndexAnswersTheSame) {
  const int first = EnvInt("DECONFLICT_RESTART_SEED", 1), seeds = EnvInt("DECONFLICT_RESTART_SEEDS", 1);
  const int rounds = EnvInt("DECONFLICT_RESTART_ROUNDS", 2), steps = EnvInt("DECONFLICT_RESTART_STEPS", 40);
  int total_acked = 0, total_refused = 0, restarts = 0;
  size_t compared = 0;
  for (int seed = first; seed < first + seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string dir = FreshDir("restart-property-" + std::to_string(seed));
    const double t0 = static_cast<double>(std::time(nullptr)) + 3600;
    Writer w(static_cast<uint32_t>(seed), t0);
    std::string probe;
    auto server = std::make_unique<ServerProcess>(dir, kConfig);
    for (const char* p : {"blue", "red", "green", "white"}) {
      w.parties.push_back(p);
      w.token[p] = server->CreateParty(p);
    }
    probe = server->CreateParty("probe");
    for (int round = 0; round < rounds; ++round) {
      for (int i = 0; i < steps; ++i) w.Step(*server);
      const auto before = Snapshot(*server, w);
      const auto probed = Probe(*server, probe, t0, 2 * round);
      if (round % 2 == 0) {
        ASSERT_EQ(server->Signal(SIGTERM), 0) << server->output();
      } else {
        server->Kill9();
      }
      server.reset();
      server = std::make_unique<ServerProcess>(dir, kConfig, std::vector<std::string>{}, /*fresh=*/false);
      ++restarts;
      const auto after = Snapshot(*server, w);
      ASSERT_EQ(after.size(), before.size());
      for (const auto& [what, answer] : before) {
        EXPECT_EQ(after.at(what), answer) << what << (round % 2 == 0 ? " after SIGTERM" : " after kill -9");
        ++compared;
      }
      EXPECT_EQ(Probe(*server, probe, t0, 2 * round + 1), probed) << "the strategic index answers differently";
      if (HasFailure()) return;
    }
    total_acked += w.acknowledged;
    total_refused += w.refused;
  }
  std::printf("restart property: %d seeds, %d restarts, %d acknowledged writes (%d refused), %zu answers compared\n",
              seeds, restarts, total_acked, total_refused, compared);
}

}  // namespace
}  // namespace deconflict::testing
