#include "server/demo.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "core/units.h"

namespace deconflict::server {
namespace {

constexpr double kEarthRadiusM = 6371008.8;

struct Aircraft {
  std::string id, party, callsign;
  double lat, lon, alt, gs, trk, vs;
};

// Moves a point dist metres along a true bearing (spherical; short distances).
void Move(double* lat, double* lon, double bearing_deg, double dist_m) {
  const double b = bearing_deg * units::kDegToRad;
  *lat += dist_m * std::cos(b) / kEarthRadiusM * units::kRadToDeg;
  *lon += dist_m * std::sin(b) / (kEarthRadiusM * std::cos(*lat * units::kDegToRad)) * units::kRadToDeg;
}

// An orbit (racetrack reduced to a circle) around an offset from the centre.
Aircraft Orbit(const DemoOptions& o, std::string id, std::string party, double east_m, double north_m, double radius_m,
               double alt, double gs, double t, bool clockwise) {
  double lat = o.center_lat_deg, lon = o.center_lon_deg;
  Move(&lat, &lon, 90, east_m);
  Move(&lat, &lon, 0, north_m);
  const double w = gs / radius_m * (clockwise ? 1 : -1);
  const double ang = w * t;  // bearing from the orbit centre
  Move(&lat, &lon, ang * units::kRadToDeg, radius_m);
  double trk = ang * units::kRadToDeg + (clockwise ? 90 : -90);
  trk = std::fmod(std::fmod(trk, 360) + 360, 360);
  return Aircraft{id, party, id, lat, lon, alt, gs, trk, 0};
}

}  // namespace

Demo::Demo(Service& service, DemoOptions options) : service_(service), options_(options) {}
Demo::~Demo() { Stop(); }

Result<std::vector<DemoParty>> Demo::Setup() {
  std::vector<DemoParty> out;
  for (auto [id, name, contact] : {std::tuple{"blue", "Blue coalition air operations", "blue duty officer +1 555 0100"},
                                   std::tuple{"red", "Red air group", "red liaison officer +1 555 0199"}}) {
    Status s = service_.CreateParty(id, name, contact);
    if (!s.ok() && s.code() != ErrorCode::kAlreadyExists) return s;
    auto token = service_.IssueToken(id, "demo");
    if (!token.ok()) return token.status();
    out.push_back(DemoParty{id, *token});
  }
  return out;
}

std::vector<TrackState> Demo::TracksAt(double t, double now_s) const {
  const auto& o = options_;
  std::vector<Aircraft> ac;
  // Routine traffic: orbits well apart (blue west, red east) at different levels.
  ac.push_back(Orbit(o, "B1", "blue", -60e3, 20e3, 12e3, 7000, 180, t, true));
  ac.push_back(Orbit(o, "B2", "blue", -50e3, -30e3, 10e3, 8500, 160, t + 40, false));
  ac.push_back(Orbit(o, "R1", "red", 60e3, 25e3, 12e3, 7600, 190, t, false));
  // The developing conflict. B3 flies east at 6000 m; R3 flies west at the same level on a parallel track
  // 15 km north (no conflict). At t = 20 s R3 turns 25 degrees left onto a converging course: a predicted loss
  // with B3 about 2 minutes ahead (caution at once, warning near t = 90 s). At t = 100 s R3 turns north and
  // climbs away: the alert resolves.
  auto at = [&](double east_m, double north_m, double* lat, double* lon) {
    *lat = o.center_lat_deg - 0.05;
    *lon = o.center_lon_deg;
    Move(lat, lon, 90, east_m);
    Move(lat, lon, 0, north_m);
  };
  {
    double lat, lon;
    at(-30000 + 200 * t, 0, &lat, &lon);
    ac.push_back(Aircraft{"B3", "blue", "BLU3", lat, lon, 6000, 200, 90, 0});
  }
  {
    const double vx = -200 * std::cos(25 * units::kDegToRad), vy = -200 * std::sin(25 * units::kDegToRad);
    double x, y, alt = 6000, trk = 270, vs = 0;
    if (t < 20) {
      x = 35000 - 200 * t;
      y = 15000;
    } else if (t < 100) {
      x = 31000 + vx * (t - 20);
      y = 15000 + vy * (t - 20);
      trk = 245;
    } else {
      x = 31000 + vx * 80;
      y = 15000 + vy * 80 + 200 * (t - 100);
      trk = 0;
      alt = std::min(9000.0, 6000 + 20 * (t - 100));
      vs = alt < 9000 ? 20.0 : 0.0;
    }
    double lat, lon;
    at(x, y, &lat, &lon);
    ac.push_back(Aircraft{"R3", "red", "RED3", lat, lon, alt, 200, trk, vs});
  }
  // B4 (in distress from t = 130 s) flies north slowly; R2 flies west across its path.
  {
    double lat = o.center_lat_deg + 0.2, lon = o.center_lon_deg - 0.1;
    Move(&lat, &lon, 0, 90 * t);
    ac.push_back(Aircraft{"B4", "blue", "BLU4", lat, lon, 5000, 90, 0, 0});
  }
  {
    double lat = o.center_lat_deg + 0.2, lon = o.center_lon_deg;
    Move(&lat, &lon, 0, 90 * 170);  // where B4 is at t = 170 s
    Move(&lat, &lon, 90, 150 * (170 - t));
    ac.push_back(Aircraft{"R2", "red", "RED2", lat, lon, 3500, 150, 270, 0});
  }
  std::vector<TrackState> out;
  for (const auto& a : ac) {
    TrackState s;
    s.id = a.id;
    s.party = a.party;
    s.callsign = a.callsign;
    s.time_s = now_s;
    s.lat_deg = a.lat;
    s.lon_deg = a.lon;
    s.alt_m = a.alt;
    s.gs_mps = a.gs;
    s.trk_deg = a.trk;
    s.vs_mps = a.vs;
    out.push_back(s);
  }
  return out;
}

void Demo::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Demo::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Demo::Run() {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  int last_phase = -1;
  bool advisory_sent = false, distress_on = false;
  for (int step = 0;; ++step) {
    {
      std::unique_lock lock(mu_);
      const auto next = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(step * options_.step_s));
      if (cv_.wait_until(lock, next, [&] { return stop_; })) return;
    }
    const double elapsed = step * options_.step_s;
    const int phase = static_cast<int>(elapsed / options_.period_s);
    const double t = elapsed - phase * options_.period_s;
    if (phase != last_phase) {
      last_phase = phase;
      advisory_sent = false;
      spdlog::info("demo: scenario starts (round {})", phase + 1);
    }
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::map<std::string, std::vector<TrackState>> by_party;
    for (auto& s : TracksAt(t, now)) by_party[s.party].push_back(s);
    for (auto& [party, tracks] : by_party)
      if (Status s = service_.IngestTracks(party, std::move(tracks), "demo"); !s.ok())
        spdlog::warn("demo: tracks of {} refused: {}", party, s.ToString());
    if (!advisory_sent && t >= 5) {
      advisory_sent = true;
      auto id = service_.SendNotice("blue", {"red"}, "advisory",
                                    "Blue: air operations in the western sector (orbits B1, B2) for the next hour; "
                                    "please keep clear.");
      if (!id.ok()) spdlog::warn("demo: advisory not sent: {}", id.status().ToString());
    }
    if (!distress_on && t >= 130 && t < 230) {
      auto id = service_.DeclareDistress("blue", "B4", "MAYDAY BLU4 engine failure, descending, request clear airspace");
      distress_on = id.ok();
      if (!id.ok()) spdlog::warn("demo: distress not declared: {}", id.status().ToString());
    }
    if (distress_on && t >= 230) {
      if (Status s = service_.CancelDistress("blue", "B4"); !s.ok()) spdlog::warn("demo: {}", s.ToString());
      distress_on = false;
    }
    // Red's duty officer acknowledges blue's advisories and distress calls after a few seconds.
    service_.AcknowledgeOlderThan("red", 8, {"advisory", "distress", "free_text", "operation_notice"});
  }
}

}  // namespace deconflict::server
