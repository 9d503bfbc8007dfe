#include "server/event_hub.h"

#include <algorithm>

namespace deconflict::server {

EventHub::EventHub(StreamWindow window) : window_(window) {}

void EventHub::SetArchive(Archive archive) {
  std::lock_guard lock(mu_);
  archive_ = std::move(archive);
}

namespace {
size_t EventBytes(const StreamEvent& e) { return e.type.size() + e.data.size(); }
}  // namespace

void EventHub::Trim(Party& p) {
  const size_t max_events = std::max<size_t>(1, window_.max_events);
  while (p.events.size() > 1 && (p.events.size() > max_events || p.bytes > window_.max_bytes)) {
    const StreamEvent& old = p.events.front();
    p.floor = old.id;
    p.bytes -= EventBytes(old);
    total_bytes_ -= EventBytes(old);
    --total_events_;
    ++trimmed_;
    p.events.pop_front();
  }
}

std::vector<std::function<void()>> EventHub::TakeWaiters(const std::string* party) {
  std::vector<std::function<void()>> wake;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (!party || it->second.party == *party) {
      wake.push_back(std::move(it->second.wake));
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
  return wake;
}

void EventHub::Publish(const std::string& party, std::vector<StreamEvent> events) {
  if (events.empty()) return;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    auto& p = parties_[party];
    for (auto& e : events) {
      p.last_id = e.id;
      p.bytes += EventBytes(e);
      total_bytes_ += EventBytes(e);
      ++total_events_;
      p.events.push_back(std::move(e));
    }
    Trim(p);
    wake = TakeWaiters(&party);
  }
  for (auto& w : wake) w();
}

bool EventHub::InWindow(const std::string& party, uint64_t after_id) const {
  std::lock_guard lock(mu_);
  auto it = parties_.find(party);
  return it == parties_.end() || after_id >= it->second.floor;
}

Result<StreamBatch> EventHub::Read(const std::string& party, uint64_t after_id, size_t max) const {
  max = std::max<size_t>(1, max);
  StreamBatch out;
  out.through = after_id;
  uint64_t floor = 0;
  Archive archive;
  {
    std::lock_guard lock(mu_);
    auto it = parties_.find(party);
    if (it == parties_.end()) return out;
    const Party& p = it->second;
    if (after_id >= p.floor) {
      auto first = std::upper_bound(p.events.begin(), p.events.end(), after_id,
                                    [](uint64_t id, const StreamEvent& e) { return id < e.id; });
      for (; first != p.events.end() && out.events.size() < max; ++first) out.events.push_back(*first);
      if (!out.events.empty()) out.through = out.events.back().id;
      return out;
    }
    floor = p.floor;
    archive = archive_;
    ++archive_reads_;
  }
  if (!archive) return Status::Internal("stream of " + party + ": events after " + std::to_string(after_id) +
                                        " are no longer in memory and no archive is set");
  auto got = archive(party, after_id, floor, max);
  if (!got.ok()) return got.status();
  uint64_t prev = after_id;
  for (const auto& e : *got) {
    if (e.id <= prev || e.id > floor)
      return Status::Internal("stream archive of " + party + ": event " + std::to_string(e.id) +
                              " out of order or outside (" + std::to_string(after_id) + ", " + std::to_string(floor) + "]");
    prev = e.id;
  }
  out.from_archive = true;
  // Fewer than max: the archive had everything up to the floor, so the reader continues from memory.
  out.through = got->size() >= max ? got->back().id : floor;
  out.events = std::move(*got);
  return out;
}

uint64_t EventHub::Wait(const std::string& party, uint64_t after_id, std::function<void()> wake) {
  {
    std::lock_guard lock(mu_);
    auto it = parties_.find(party);
    const bool ready = it != parties_.end() && it->second.last_id > after_id;
    if (!ready) {
      const uint64_t ticket = next_ticket_++;
      waiters_.emplace(ticket, Waiter{party, std::move(wake)});
      return ticket;
    }
  }
  wake();
  return 0;
}

void EventHub::Cancel(uint64_t ticket) {
  std::lock_guard lock(mu_);
  waiters_.erase(ticket);
}

void EventHub::WakeAll() {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    wake = TakeWaiters(nullptr);
  }
  for (auto& w : wake) w();
}

void EventHub::WakeParty(const std::string& party) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    wake = TakeWaiters(&party);
  }
  for (auto& w : wake) w();
}

uint64_t EventHub::LastId(const std::string& party) const {
  std::lock_guard lock(mu_);
  auto it = parties_.find(party);
  return it == parties_.end() ? 0 : it->second.last_id;
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

EventHub::Stats EventHub::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  s.events = total_events_;
  s.bytes = total_bytes_;
  for (const auto& [id, p] : parties_) s.max_party_events = std::max(s.max_party_events, p.events.size());
  s.archive_reads = archive_reads_;
  s.trimmed = trimmed_;
  return s;
}

}  // namespace deconflict::server
