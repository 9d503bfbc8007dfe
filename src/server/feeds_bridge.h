// Live ADS-B feeds into the service (`deconflict serve --feed host:port=party`): SBS-1 clients
// (feeds::FeedManager) whose track updates are batched per party and ingested every flush interval, and whose
// emergency squawks (7500/7600/7700) or emergency flag declare distress for the owning party's aircraft.
//
// Parties: each feed is bound to a party ("host:port=party"), to an ICAO -> party table
// ("host:port=@table.csv"), or both ("host:port=party@table.csv": the table first, the party for the rest).
// Aircraft bound to no party, or to a party the service does not know (yet), are not ingested: their
// updates are counted and logged (at most once per party and minute), never stored under a party that does
// not exist.
//
// Distress, in order with the tracks: each flush first ingests the pending tracks, then declares the
// pending distress calls (Service::DeclareDistress: a notice to every party at distress priority, then the
// exclusion zone). An aircraft squawking distress before the service has its position is declared as soon
// as its first usable track has been ingested. When the aircraft leaves distress (squawk changed, flag
// cleared), the bridge cancels the distress it declared (Service::CancelDistress); a distress the party
// declared itself (through the API, or before a restart) is left to the party to cancel. A change of kind
// (7700 -> 7600) while declared is logged; the declaration stands.
//
// Thread-safety: Add before Start; Start, Stop and the destructor from one thread.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/track.h"

namespace deconflict::feeds {
class FeedManager;
struct FeedEndpoint;
struct DistressEvent;
}  // namespace deconflict::feeds

namespace deconflict::server {

class Service;

struct FeedsBridgeOptions {
  double flush_interval_s = 0.2;    // tracks are ingested in batches this often (one store commit per party)
  double stale_after_s = 60;        // feed tracks without a position for this long expire (feeds::AssemblerOptions)
  double reconnect_max_s = 30;      // cap of the reconnect backoff (feeds::FeedManagerOptions)
};

class FeedsBridge {
 public:
  explicit FeedsBridge(Service& service, FeedsBridgeOptions options = {});
  ~FeedsBridge();  // Stop()
  FeedsBridge(const FeedsBridge&) = delete;
  FeedsBridge& operator=(const FeedsBridge&) = delete;

  // Adds a feed spec (feeds::ParseFeedSpec: "host:port=party", "host:port=@table.csv",
  // "host:port=party@table.csv"); the table is read now. Errors name the spec, and the table's file, line
  // and field. REQUIRES: before Start.
  Status Add(const std::string& spec);
  // Connects every feed (reconnecting with backoff) and starts the flusher.
  void Start();
  // Stops the feeds, then ingests what is pending. Safe to call twice.
  void Stop();

 private:
  struct Wanted {  // the distress state a feed reports for one aircraft
    bool active = false;
    std::string text;
    bool declared = false;        // this bridge declared it (and so cancels it)
    bool waiting_logged = false;  // "no track yet" logged once
  };
  void OnTrack(const TrackState& t);
  void OnDistress(const feeds::DistressEvent& d);
  void Flush();      // ingests pending tracks; flusher thread only (and Stop)
  void Reconcile();  // declares / cancels distress after Flush; flusher thread only (and Stop)
  bool KnownParty(const std::string& party);

  Service& service_;
  FeedsBridgeOptions options_;
  std::vector<feeds::FeedEndpoint> endpoints_;
  std::unique_ptr<feeds::FeedManager> manager_;

  std::mutex mu_;  // guards everything below
  std::map<std::string, std::map<std::string, TrackState>> pending_;  // party -> id -> latest
  std::map<std::pair<std::string, std::string>, Wanted> distress_;    // (party, id) -> wanted state
  bool distress_changed_ = false;
  std::map<std::string, double> unknown_party_logged_;  // party -> steady time of the last warning
  bool started_ = false, stop_ = false;
  std::condition_variable cv_;
  std::thread flusher_;
};

}  // namespace deconflict::server
