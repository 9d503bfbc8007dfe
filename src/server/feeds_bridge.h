// Live ADS-B feeds into the service: SBS-1 clients (feeds::FeedManager) whose track updates are batched per
// party and ingested every flush interval, and whose emergency squawks (7500/7600/7700, emergency flag)
// declare distress for the owning party's aircraft (and cancel it when the aircraft leaves distress).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <condition_variable>
#include <vector>

#include "core/status.h"
#include "core/track.h"

namespace deconflict::feeds {
class FeedManager;
}

namespace deconflict::server {

class Service;

class FeedsBridge {
 public:
  explicit FeedsBridge(Service& service, double flush_interval_s = 0.2);
  ~FeedsBridge();
  // Adds a feed "host:port=party" (feeds::ParseFeedSpec). REQUIRES: before Start. The party must exist.
  Status Add(const std::string& spec);
  void Start();
  void Stop();

 private:
  void Flush();
  Service& service_;
  double flush_interval_s_;
  std::unique_ptr<feeds::FeedManager> manager_;
  std::vector<std::string> specs_;
  std::mutex mu_;
  std::map<std::string, std::map<std::string, TrackState>> pending_;  // party -> id -> latest
  std::thread flusher_;
  bool stop_ = false;
  std::condition_variable cv_;
};

}  // namespace deconflict::server
