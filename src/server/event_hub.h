// The per-party live stream: every event shown to a party, in the order of its id (the record sequence
// number of the entry that recorded it), so that a client that reconnects with the last id it saw gets
// everything after it, without loss. Readers wait without polling: Wait() registers a one-shot waker.
//
// Memory is bounded: per party only the newest events are kept (StreamWindow: at most max_events and
// max_bytes of event data, whichever is reached first; the newest event is always kept). Every event is
// published only after its record entry is durable, so what falls out of the window can be read back from
// the store: a reader behind the window is served by the archive (SetArchive), oldest first, without gaps
// or duplicates, then from memory again.
//
// Safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace deconflict::server {

struct StreamEvent {
  uint64_t id = 0;        // record sequence number; strictly increasing per party
  std::string type;       // SSE event name: "alert", "notice", "notice_state", "distress", "zone", ...
  std::string data;       // one line of JSON
  std::string notice_id;  // when the event carries a notice to this party: writing it marks it delivered
};

// The in-memory window of each party's stream. Memory held by the hub is about
// parties × min(max_events × event size, max_bytes) (an event is typically 0.3–1 KB).
struct StreamWindow {
  size_t max_events = 4096;     // newest events kept per party; >= 1
  size_t max_bytes = 4u << 20;  // bytes of event data (type + data) kept per party (4 MiB); >= 1024
};

// What a read returns: events oldest first, and the id the reader has now covered (read on after it). When
// the archive was consulted, `through` may be beyond the last event (the party had no event in between).
struct StreamBatch {
  std::vector<StreamEvent> events;
  uint64_t through = 0;
  bool from_archive = false;
};

class EventHub {
 public:
  // The party's events with after_id < id <= through_id, oldest first, at most max, read from durable storage.
  using Archive = std::function<Result<std::vector<StreamEvent>>(const std::string& party, uint64_t after_id,
                                                                 uint64_t through_id, size_t max)>;

  explicit EventHub(StreamWindow window = {});

  // Where events that fell out of the window are read back from. Without an archive, a reader behind the
  // window gets kInternal. Set it before readers start.
  void SetArchive(Archive archive);

  // Appends events for a party and trims its window. REQUIRES: ids greater than every id published to that
  // party before.
  void Publish(const std::string& party, std::vector<StreamEvent> events);

  // True when every event of party with id > after_id is still in memory (Read will not touch the archive).
  bool InWindow(const std::string& party, uint64_t after_id) const;

  // Events for party with id > after_id, oldest first, at most max (>= 1). From memory when InWindow,
  // otherwise from the archive (blocking: call it off latency-sensitive threads). Errors are the archive's.
  Result<StreamBatch> Read(const std::string& party, uint64_t after_id, size_t max) const;

  // Calls wake (once, from the publishing thread or at once) when party has an event with id > after_id.
  // Returns a ticket for Cancel.
  uint64_t Wait(const std::string& party, uint64_t after_id, std::function<void()> wake);
  void Cancel(uint64_t ticket);
  // Wakes every waiter (shutdown).
  void WakeAll();
  // Wakes every waiter of one party (its credentials changed: streams re-check their token).
  void WakeParty(const std::string& party);

  // The newest event id ever published to party (also when it fell out of the window); 0 if none.
  uint64_t LastId(const std::string& party) const;
  size_t subscribers() const;

  // Memory accounting (for /metrics and tests).
  struct Stats {
    size_t events = 0;            // events held, all parties
    size_t bytes = 0;             // their type + data bytes
    size_t max_party_events = 0;  // most events held for one party
    uint64_t archive_reads = 0;   // reads served from the archive
    uint64_t trimmed = 0;         // events dropped from memory since start
  };
  Stats stats() const;
  const StreamWindow& window() const { return window_; }

 private:
  struct Party {
    std::deque<StreamEvent> events;
    size_t bytes = 0;
    uint64_t floor = 0;    // every event with id <= floor may be missing from memory (trimmed)
    uint64_t last_id = 0;  // newest id published
  };
  struct Waiter {
    std::string party;
    std::function<void()> wake;
  };
  void Trim(Party& p);  // REQUIRES: mu_ held
  std::vector<std::function<void()>> TakeWaiters(const std::string* party);  // REQUIRES: mu_ held

  const StreamWindow window_;
  Archive archive_;
  mutable std::mutex mu_;
  std::map<std::string, Party> parties_;
  std::map<uint64_t, Waiter> waiters_;
  uint64_t next_ticket_ = 1;
  size_t total_events_ = 0, total_bytes_ = 0;
  uint64_t trimmed_ = 0;
  mutable uint64_t archive_reads_ = 0;
};

}  // namespace deconflict::server
