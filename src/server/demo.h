// The built-in two-party demo: parties "blue" and "red" share airspace. Simulated traffic of both, a
// routine advisory, a conflict that develops within the first minute (red's R3 turns onto a converging course with
// blue's B3 at t = 20 s, then turns and climbs away at t = 100 s), a distress call (blue's B4, its exclusion zone follows it; red's R2 passes
// near), and red's duty officer acknowledging notices after a few seconds, except alerts, which are left for
// you to acknowledge (watch them escalate). The scenario repeats every period.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "server/service.h"

namespace deconflict::server {

struct DemoOptions {
  double center_lat_deg = 35.0;  // the shared airspace
  double center_lon_deg = 38.0;
  double period_s = 300;         // the scenario repeats
  double step_s = 1.0;           // track updates
};

struct DemoParty {
  std::string id;
  std::string token;
};

class Demo {
 public:
  Demo(Service& service, DemoOptions options = {});
  ~Demo();
  // Creates the parties (if missing) and issues them fresh tokens.
  Result<std::vector<DemoParty>> Setup();
  void Start();
  void Stop();

  // The tracks of the scenario at t seconds after its start (exposed for tests).
  std::vector<TrackState> TracksAt(double t, double now_s) const;

 private:
  void Run();
  Service& service_;
  DemoOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace deconflict::server
