// The per-party live stream's memory: every event shown to a party, in the order of its id (the record
// sequence number of the entry that recorded it), so that a client that reconnects with the last id it saw
// gets everything after it, without loss. Readers wait without polling: Wait() registers a one-shot waker.
// Safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace deconflict::server {

struct StreamEvent {
  uint64_t id = 0;        // record sequence number; strictly increasing per party
  std::string type;       // SSE event name: "alert", "notice", "notice_state", "distress", "zone", ...
  std::string data;       // one line of JSON
  std::string notice_id;  // when the event carries a notice to this party: writing it marks it delivered
};

class EventHub {
 public:
  // Appends events for a party. REQUIRES: ids greater than every id published to that party before.
  void Publish(const std::string& party, std::vector<StreamEvent> events);

  // Events for party with id > after_id, oldest first, at most max.
  std::vector<StreamEvent> Read(const std::string& party, uint64_t after_id, size_t max) const;

  // Calls wake (once, from the publishing thread or at once) when party has an event with id > after_id.
  // Returns a ticket for Cancel.
  uint64_t Wait(const std::string& party, uint64_t after_id, std::function<void()> wake);
  void Cancel(uint64_t ticket);
  // Wakes every waiter (shutdown).
  void WakeAll();

  uint64_t LastId(const std::string& party) const;
  size_t subscribers() const;

 private:
  struct Waiter {
    std::string party;
    std::function<void()> wake;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::deque<StreamEvent>> events_;
  std::map<uint64_t, Waiter> waiters_;
  uint64_t next_ticket_ = 1;
};

}  // namespace deconflict::server
