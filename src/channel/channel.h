// The channel: notices between parties, each with per-recipient delivery and acknowledgement state,
// deadlines and escalation. Pure state machine: time is a parameter, nothing here does I/O or threads.
// Every change is returned as a Transition so that the service can append it to the record and push it
// to the parties concerned; Apply() replays a recorded Transition after a restart.
//
// Not safe for concurrent use; the service serialises calls.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "channel/notice.h"
#include "core/status.h"

namespace deconflict::channel {

struct Transition {
  enum class What {
    kQueued,           // a new notice reached this recipient's queue
    kDelivered,        // written to the recipient's live stream
    kAcknowledged,     // the recipient acknowledged
    kRepeated,         // escalation: sent again
    kPriorityRaised,   // escalation: sent again at a higher priority
    kContactNotified,  // escalation: the recipient's escalation contact was told
    kExpired,          // every step taken, still no acknowledgement
  };
  std::string notice_id;
  std::string party;  // the recipient
  What what = What::kQueued;
  Priority priority = Priority::kRoutine;  // the recipient's priority after the transition
  double at_s = 0;
  double next_deadline_s = 0;  // the recipient's deadline after the transition (0 when final)
};

const char* TransitionName(Transition::What w);
std::optional<Transition::What> ParseTransition(std::string_view s);

class Channel {
 public:
  // Returns the policy between sender and recipient (the agreement in force, or the default).
  using PolicyFn = std::function<Policy(const std::string& sender, const std::string& recipient)>;

  explicit Channel(PolicyFn policy);

  // Adds a notice. REQUIRES: notice.id unique and non-empty, at least one recipient, recipients distinct.
  // Every recipient starts queued at notice.priority with deadline now + policy.ack_deadline_s.
  // Returns one kQueued transition per recipient.
  Result<std::vector<Transition>> Post(Notice notice, double now_s);

  // queued -> delivered. Idempotent: already delivered, acknowledged or expired gives no transition.
  // NotFound when the notice does not exist or the party is not a recipient (the same answer, so that
  // nothing leaks about other parties' notices).
  Result<std::vector<Transition>> MarkDelivered(std::string_view notice_id, std::string_view party, double now_s);

  // queued|delivered -> acknowledged. Idempotent for an acknowledged recipient. Conflict when expired.
  // NotFound as in MarkDelivered.
  Result<std::vector<Transition>> Acknowledge(std::string_view notice_id, std::string_view party, double now_s);

  // Takes the next escalation step (or expires) for every recipient whose deadline is <= now_s.
  std::vector<Transition> Tick(double now_s);

  // Re-applies a transition recorded earlier (restart). The notice must have been re-posted first for kQueued's
  // notice; other transitions need the notice and recipient to exist.
  Status Apply(const Transition& t);

  // Retention: forgets a settled notice (Notice::Settled; the service keeps it in the store and the record).
  // Returns whether it was forgotten; a notice that is not settled, or unknown, stays as it is.
  bool Release(std::string_view notice_id);
  // Forgets every settled notice; returns how many.
  size_t ReleaseSettled();

  const Notice* Find(std::string_view notice_id) const;
  // Notices the party sent or receives, oldest first.
  std::vector<const Notice*> ForParty(std::string_view party) const;
  size_t size() const { return notices_.size(); }

 private:
  Result<Recipient*> RecipientOf(std::string_view notice_id, std::string_view party);

  PolicyFn policy_;
  std::map<std::string, Notice, std::less<>> notices_;
  std::vector<std::string> order_;  // notice ids in posting order
};

}  // namespace deconflict::channel
