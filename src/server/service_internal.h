// Internals shared by the service's translation units (not part of the public API).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "channel/channel.h"
#include "plan/registry.h"
#include "server/pagination.h"
#include "server/service.h"

namespace deconflict::server {

// Collects what one store transaction did: its record entries and the stream events they make.
struct Service::Outbox {
  explicit Outbox(store::WriteTx& t) : tx(t) {}
  store::WriteTx& tx;
  std::vector<uint64_t> seqs;
  std::vector<std::pair<std::string, StreamEvent>> events;

  // Appends a record entry. With event_type, the entry is also a stream event for the parties in event_to
  // (default: the audience); they are added to the audience, so that each can fetch a receipt for what it
  // was shown. The payload gets "event" and "event_to" fields so that a restart rebuilds the streams.
  Result<uint64_t> Record(const std::string& kind, const std::string& actor, std::vector<std::string> audience,
                          Json payload, const std::string& event_type = {}, std::vector<std::string> event_to = {});
  // Need-to-know (need_to_know.h): an entry names at most two parties. An event for more (audience and event_to
  // together, with the actor) is written by Record as one entry per party, each alone in its audience and
  // event_to (the returned seq is the last); a non-event entry that would name more is refused (kInternal).
  // RecordViews writes one entry per viewer with its own view of the event (e.g. a zone without the list of
  // whom else it binds).
  Status RecordViews(const std::string& kind, const std::string& actor, const std::vector<std::string>& viewers,
                     const std::string& event_type, const std::function<Json(const std::string&)>& view);
};

// One alert: a predicted loss of separation between aircraft of two parties (or a zone intrusion).
struct Service::AlertState {
  std::string id;
  std::string kind = "separation";  // "separation" | "distress_zone" | "zone_entry"
  std::string party_a, party_b;     // parties concerned (party_b is "" for zone alerts of party_a's aircraft a)
  TrackState a, b;                  // latest states of the two aircraft (b unused for zone alerts)
  Json zone;                        // zone alerts: the zone as the party may see it
  std::string level = "caution";    // "caution" | "warning"
  bool open = true;
  double began_s = 0, updated_s = 0;
  double t_in_s = 0, t_cpa_s = 0, d_cpa_m = 0;
  bool los = false;
  std::map<std::string, std::string> notice_of;  // party -> the alert notice sent to it
  std::vector<detect::LevelChange> history;      // separation alerts: the episode's levels (ends and resumes too)
  // "nonconforming" alerts: party_a owns aircraft a and the operation; detail is the owner's view of the
  // conformance. observers: other parties whose operations or zones the off-nominal aircraft meets, each with
  // only what it needs (the operation's id and owner, the off-nominal volume, the overlap with its own object).
  Json detail;
  std::map<std::string, Json> observers;
  // Separation alerts with guidance on: party -> the resolution guidance for its own aircraft (alert_guidance.h).
  std::map<std::string, Json> guidance;

  // Every party concerned: party_a, party_b (if any), observers.
  std::vector<std::string> Parties() const {
    std::vector<std::string> out{party_a};
    if (!party_b.empty()) out.push_back(party_b);
    for (const auto& [p, v] : observers) out.push_back(p);
    return out;
  }
  bool Concerns(const std::string& p) const { return p == party_a || (!party_b.empty() && p == party_b) || observers.count(p); }
};

// One alert's change in a detection cycle. notify: the parties that get a notice for it now (every concerned
// party when created; parties newly concerned when updated); the others get a stream event only.
struct Service::AlertChange {
  std::shared_ptr<AlertState> alert;
  std::string what;  // "created" | "updated" | "resolved"
  std::set<std::string> notify;
};

// A track bound to an operation, as last reported (not dead-reckoned: conformance is about what was seen).
struct Service::BoundTrack {
  std::string key;  // "party/id"
  std::string operation_id;
  TrackState reported;  // id unqualified, party set
  bool fresh = false;   // reported within track_stale_s
};

// A change of an operation's state made by the server: marked nonconforming when one of its aircraft is, and
// back to the state it had once none is (F3548-21 Nonconforming). Staged in the cycle's transaction.
struct Service::OperationStateWrite {
  plan::Operation before, after;
  int64_t expected_version = 0, stored_version = 0;
  std::string reason;
};

// Strategic engine state (service_plan.cc, service_conformance.cc). mu guards everything but `watch`.
struct Service::PlanState {
  std::mutex mu;
  plan::Registry registry;
  std::map<std::string, int64_t> op_version, zone_version;  // store versions (the clients' tokens)
  std::set<std::string> in_flight;                           // "op:<id>" / "zone:<id>" being written
  // Operations the server marked nonconforming -> the state to restore (rebuilt from the record on restart).
  std::map<std::string, plan::OperationState> marked;
  // Conformance hysteresis per bound track ("party/id"); only the cycle thread touches it.
  struct Watch {
    std::string operation_id;
    bool checked = false;    // checked at least once (a fresh report was seen)
    bool conforming = true;  // the last check
    double since_s = 0;      // since when the checks gave that answer without a break
    std::string alert_id;    // the open nonconforming alert ("" = none)
    bool mark_pending = false;  // its operation is still to be marked nonconforming (once per alert)
  };
  std::map<std::string, Watch> watch;
  explicit PlanState(plan::RegistryOptions o) : registry(std::move(o)) {}
};

// A declared distress and its exclusion zone.
struct Service::DistressState {
  std::string party, aircraft_id, notice_id, zone_id;
  double lat_deg = 0, lon_deg = 0, alt_m = 0, radius_m = 0;
  double declared_s = 0;
};

// Publishes stream events in record order: a transaction's events wait until every lower sequence number
// has been committed and reported (transactions commit concurrently in groups).
class Service::Sequencer {
 public:
  Sequencer(EventHub& hub, uint64_t head) : hub_(hub), next_(head + 1) {}
  void Done(const Outbox& out) {
    std::lock_guard lock(mu_);
    for (uint64_t s : out.seqs) ready_[s];
    for (const auto& [party, ev] : out.events) ready_[ev.id].emplace_back(party, ev);
    while (!ready_.empty() && ready_.begin()->first <= next_) {
      auto node = ready_.extract(ready_.begin());
      std::map<std::string, std::vector<StreamEvent>> by_party;
      for (auto& [party, ev] : node.mapped()) by_party[party].push_back(std::move(ev));
      for (auto& [party, evs] : by_party) hub_.Publish(party, std::move(evs));
      next_ = std::max(next_, node.key() + 1);
    }
  }

 private:
  EventHub& hub_;
  std::mutex mu_;
  uint64_t next_;
  std::map<uint64_t, std::vector<std::pair<std::string, StreamEvent>>> ready_;
};

// A bounded pool of threads that run writes (which block until their commit is durable), so that the I/O
// threads never wait for fsync.
class Service::WritePool {
 public:
  explicit WritePool(int n) {
    for (int i = 0; i < std::max(1, n); ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WritePool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void Submit(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stop_ and drained: queued writes always finish
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// JSON answers and request bodies shared by the handlers (service_api.cc).
Response Ok(Json body, int status = 200);
// The body as a JSON object (errors name the reason); allow_empty: an empty body is {}.
Result<Json> ObjectBody(const Request& req, bool allow_empty = false);
// A create (POST) or replace (PUT) body of a versioned object. For a replace, the body's integer "version"
// (the token it replaces) is taken out into expected_version, and "id" is set from the path parameter
// id_param (an "id" in the body that differs is refused). For a create, expected_version is 0.
struct VersionedBody {
  Json body;
  int64_t expected_version = 0;
};
Result<VersionedBody> ReadVersionedBody(const Request& req, bool create, const std::string& id_param);

Json TrackToJson(const TrackState& t);
// Decoders of what the store holds (service_plan.cc): an operation's or zone's document body, an agreement
// version's terms. Errors name the field.
Result<plan::Operation> StoredOperation(const store::Document& d);
Result<plan::Zone> StoredZone(const store::Document& d);
Result<plan::AgreementTerms> StoredTerms(const Json& terms, const plan::AgreementTerms& base);
// The channel notice stored in a store::Notice body (without recipients).
Result<channel::Notice> NoticeFromStore(const store::Notice& n);
// The transitions that bring a freshly posted recipient to the stored delivery state.
std::vector<channel::Transition> TransitionsFromDelivery(const store::Delivery& d);
int64_t ToMicros(double s);

}  // namespace deconflict::server
