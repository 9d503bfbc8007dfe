#include "server/event_hub.h"

#include <algorithm>

namespace deconflict::server {

void EventHub::Publish(const std::string& party, std::vector<StreamEvent> events) {
  if (events.empty()) return;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    auto& q = events_[party];
    for (auto& e : events) q.push_back(std::move(e));
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.party == party) {
        wake.push_back(std::move(it->second.wake));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : wake) w();
}

std::vector<StreamEvent> EventHub::Read(const std::string& party, uint64_t after_id, size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<StreamEvent> out;
  auto it = events_.find(party);
  if (it == events_.end()) return out;
  const auto& q = it->second;
  auto first = std::upper_bound(q.begin(), q.end(), after_id,
                                [](uint64_t id, const StreamEvent& e) { return id < e.id; });
  for (; first != q.end() && out.size() < max; ++first) out.push_back(*first);
  return out;
}

uint64_t EventHub::Wait(const std::string& party, uint64_t after_id, std::function<void()> wake) {
  {
    std::lock_guard lock(mu_);
    auto it = events_.find(party);
    const bool ready = it != events_.end() && !it->second.empty() && it->second.back().id > after_id;
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
    for (auto& [t, w] : waiters_) wake.push_back(std::move(w.wake));
    waiters_.clear();
  }
  for (auto& w : wake) w();
}

uint64_t EventHub::LastId(const std::string& party) const {
  std::lock_guard lock(mu_);
  auto it = events_.find(party);
  return it == events_.end() || it->second.empty() ? 0 : it->second.back().id;
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace deconflict::server
