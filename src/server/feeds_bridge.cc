#include "server/feeds_bridge.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>

#include "feeds/feed_manager.h"
#include "server/service.h"

namespace deconflict::server {

FeedsBridge::FeedsBridge(Service& service, double flush_interval_s)
    : service_(service), flush_interval_s_(flush_interval_s) {}

FeedsBridge::~FeedsBridge() { Stop(); }

Status FeedsBridge::Add(const std::string& spec) {
  auto ep = feeds::ParseFeedSpec(spec);
  if (!ep.ok()) return ep.status();
  if (ep->party.empty()) return Status::Invalid("a service feed needs a party: host:port=party");
  specs_.push_back(spec);
  return Status::Ok();
}

void FeedsBridge::Start() {
  feeds::FeedCallbacks cb;
  cb.on_track = [this](const TrackState& t) {
    if (t.party.empty()) return;  // only parties' aircraft enter the service
    std::lock_guard lock(mu_);
    pending_[t.party][t.id] = t;
  };
  cb.on_distress = [this](const feeds::DistressEvent& d) {
    if (d.party.empty()) return;
    // Flush first so that the aircraft's latest position is known.
    Flush();
    if (d.active) {
      auto id = service_.DeclareDistress(d.party, d.id, "emergency squawk " + std::to_string(d.squawk) + " from " +
                                                            (d.callsign.empty() ? d.id : d.callsign));
      if (!id.ok()) spdlog::warn("feeds: distress of {} not declared: {}", d.id, id.status().ToString());
    } else {
      (void)service_.CancelDistress(d.party, d.id);
    }
  };
  manager_ = std::make_unique<feeds::FeedManager>(feeds::FeedManagerOptions{}, cb);
  for (const auto& spec : specs_) manager_->AddFeed(*feeds::ParseFeedSpec(spec));
  manager_->StartThread();
  flusher_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::duration<double>(flush_interval_s_), [&] { return stop_; });
      lock.unlock();
      Flush();
      lock.lock();
    }
  });
}

void FeedsBridge::Flush() {
  std::map<std::string, std::map<std::string, TrackState>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  for (auto& [party, m] : batch) {
    std::vector<TrackState> tracks;
    for (auto& [id, t] : m) tracks.push_back(std::move(t));
    if (Status s = service_.IngestTracks(party, std::move(tracks), "feed"); !s.ok())
      spdlog::warn("feeds: tracks of {} not ingested: {}", party, s.ToString());
  }
}

void FeedsBridge::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  if (manager_) manager_->Stop();
}

}  // namespace deconflict::server
