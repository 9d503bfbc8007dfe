#include "server/feeds_bridge.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "feeds/feed_manager.h"
#include "server/service.h"

namespace deconflict::server {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// "emergency squawk 7700 (emergency) from TRA89M (48520a)"
std::string DistressText(const feeds::DistressEvent& d) {
  const std::string who = d.callsign.empty() ? d.id : d.callsign + " (" + d.id + ")";
  if (d.kind == feeds::DistressKind::kEmergencyFlag)
    return "emergency flag from " + who + (d.squawk ? ", squawk " + std::to_string(d.squawk) : "");
  return "emergency squawk " + std::to_string(d.squawk) + " (" + feeds::DistressKindName(d.kind) + ") from " + who;
}

}  // namespace

FeedsBridge::FeedsBridge(Service& service, FeedsBridgeOptions options) : service_(service), options_(options) {}

FeedsBridge::~FeedsBridge() { Stop(); }

Status FeedsBridge::Add(const std::string& spec) {
  auto ep = feeds::ParseFeedSpec(spec);
  if (!ep.ok()) return ep.status();
  endpoints_.push_back(std::move(ep).value());
  return Status::Ok();
}

bool FeedsBridge::KnownParty(const std::string& party) {
  if (service_.PartyExists(party)) return true;
  const double now = SteadySeconds();
  std::lock_guard lock(mu_);
  auto [it, first] = unknown_party_logged_.try_emplace(party, now);
  if (first || now - it->second >= 60) {
    it->second = now;
    spdlog::warn("feeds: aircraft of party \"{}\" not ingested: the service has no such party (create it: "
                 "POST /v1/parties)",
                 party);
  }
  return false;
}

void FeedsBridge::OnTrack(const TrackState& t) {
  if (t.party.empty()) return;  // bound to no party: not a party's aircraft
  std::lock_guard lock(mu_);
  pending_[t.party][t.id] = t;
}

void FeedsBridge::OnDistress(const feeds::DistressEvent& d) {
  if (d.party.empty()) {
    spdlog::warn("feeds: {} from an aircraft bound to no party; not declared", DistressText(d));
    return;
  }
  {
    std::lock_guard lock(mu_);
    Wanted& w = distress_[{d.party, d.id}];
    if (d.active && w.active && w.declared)
      spdlog::info("feeds: {} of {} now {}; the declared distress stands", d.id, d.party, DistressText(d));
    w.active = d.active;
    if (d.active) w.text = DistressText(d);
    distress_changed_ = true;
  }
  cv_.notify_all();  // distress does not wait for the next flush interval
}

void FeedsBridge::Start() {
  feeds::FeedCallbacks cb;
  cb.on_track = [this](const TrackState& t) { OnTrack(t); };
  cb.on_distress = [this](const feeds::DistressEvent& d) { OnDistress(d); };
  feeds::FeedManagerOptions fo;
  fo.stale_after_s = options_.stale_after_s;
  fo.reconnect_max_s = options_.reconnect_max_s;
  manager_ = std::make_unique<feeds::FeedManager>(fo, cb);
  for (const auto& ep : endpoints_) {
    manager_->AddFeed(ep);
    spdlog::info("feeds: {} bound to {}{}{}", ep.name, ep.table ? std::to_string(ep.table->size()) + "-entry table" : "",
                 ep.table && !ep.party.empty() ? ", else " : "", ep.party.empty() ? "" : "party " + ep.party);
  }
  {
    std::lock_guard lock(mu_);
    started_ = true;
  }
  manager_->StartThread();
  flusher_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::duration<double>(options_.flush_interval_s),
                   [&] { return stop_ || distress_changed_; });
      if (stop_) break;
      lock.unlock();
      Flush();
      Reconcile();
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
  for (auto& [party, by_id] : batch) {
    if (!KnownParty(party)) continue;
    std::vector<TrackState> tracks;
    tracks.reserve(by_id.size());
    for (auto& [id, t] : by_id) tracks.push_back(std::move(t));
    if (Status s = service_.IngestTracks(party, std::move(tracks), "feed"); !s.ok())
      spdlog::warn("feeds: tracks of {} not ingested: {}", party, s.ToString());
  }
}

void FeedsBridge::Reconcile() {
  std::vector<std::pair<std::pair<std::string, std::string>, Wanted>> todo;
  {
    std::lock_guard lock(mu_);
    distress_changed_ = false;
    for (auto it = distress_.begin(); it != distress_.end();) {
      const Wanted& w = it->second;
      if (!w.active && !w.declared) {
        it = distress_.erase(it);  // left distress before it could be declared, or not ours to cancel
        continue;
      }
      if (w.active != w.declared) todo.emplace_back(it->first, w);
      ++it;
    }
  }
  // Service calls commit durably: made without mu_ held. Only this thread changes `declared`.
  for (auto& [key, w] : todo) {
    const auto& [party, id] = key;
    bool declared = w.declared, done = false, waiting_logged = w.waiting_logged;
    if (w.active) {
      auto notice = service_.DeclareDistress(party, id, w.text);
      if (notice.ok()) {
        spdlog::warn("feeds: distress declared for {} of {}: {} (notice {})", id, party, w.text, *notice);
        declared = true;
      } else if (notice.status().code() == ErrorCode::kConflict) {
        spdlog::info("feeds: {} of {} squawks distress; a distress declared by the party is already active", id,
                     party);
        done = true;  // the party's own declaration: it cancels it
      } else if (notice.status().code() == ErrorCode::kNotFound) {
        if (!waiting_logged)
          spdlog::warn("feeds: {}; declared as soon as the service has the aircraft's position ({})", w.text,
                       notice.status().message());
        waiting_logged = true;  // retried after every flush
      } else {
        spdlog::error("feeds: distress for {} of {} not declared: {}; retrying", id, party, notice.status().ToString());
      }
    } else {
      Status s = service_.CancelDistress(party, id);
      if (s.ok()) spdlog::warn("feeds: distress of {} of {} cancelled: the aircraft left distress", id, party);
      else if (s.code() != ErrorCode::kNotFound)
        spdlog::error("feeds: distress of {} of {} not cancelled: {}; retrying", id, party, s.ToString());
      if (s.ok() || s.code() == ErrorCode::kNotFound) declared = false;
    }
    std::lock_guard lock(mu_);
    auto it = distress_.find(key);
    if (it == distress_.end()) continue;
    if (done) {
      it->second.active = false;  // nothing more to do for this call; forgotten at the next pass
      it->second.declared = false;
    } else {
      it->second.declared = declared;
      it->second.waiting_logged = waiting_logged;
    }
  }
}

void FeedsBridge::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (manager_) manager_->Stop();  // no feed callback runs after this
  if (flusher_.joinable()) flusher_.join();
  Flush();
  Reconcile();
}

}  // namespace deconflict::server
