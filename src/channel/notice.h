// The channel's words: notices, their priority, and each recipient's delivery state.
// Plain data; the state machine that moves them is channel/channel.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deconflict::channel {

// What a notice is. Names are the wire names ("free_text", ...).
enum class NoticeKind { kFreeText, kAdvisory, kOperationNotice, kAlert, kDistress };

// Delivery priority, lowest first. Distress always goes at kDistress, the highest.
enum class Priority { kRoutine = 0, kPriority = 1, kImmediate = 2, kDistress = 3 };

// Per recipient: queued -> delivered -> acknowledged, or expired when the deadline passes after every
// escalation step was taken without an acknowledgement. Acknowledged and expired are final.
enum class DeliveryState { kQueued, kDelivered, kAcknowledged, kExpired };

// What the channel does when a recipient has not acknowledged by its deadline (the agreement's list, in order).
enum class EscalationStep {
  kRepeat,         // send the notice again to the recipient
  kRaisePriority,  // send it again one priority higher (capped below kDistress for non-distress notices)
  kNotifyContact,  // tell the recipient party's escalation contact
};

const char* NoticeKindName(NoticeKind k);
const char* PriorityName(Priority p);
const char* DeliveryStateName(DeliveryState s);
const char* EscalationStepName(EscalationStep s);
std::optional<NoticeKind> ParseNoticeKind(std::string_view s);
std::optional<Priority> ParsePriority(std::string_view s);
std::optional<EscalationStep> ParseEscalationStep(std::string_view s);

// The rules for notices between a sender and a recipient: from the agreement in force between them.
struct Policy {
  double ack_deadline_s = 120;  // time from queueing (and from each escalation) to the next step; > 0
  std::vector<EscalationStep> steps = {EscalationStep::kRepeat, EscalationStep::kRaisePriority,
                                       EscalationStep::kNotifyContact};
};

struct Recipient {
  std::string party;
  DeliveryState state = DeliveryState::kQueued;
  Priority priority = Priority::kRoutine;  // current priority (raised by escalation)
  double queued_at_s = 0;
  std::optional<double> delivered_at_s;
  std::optional<double> acknowledged_at_s;
  std::optional<double> expired_at_s;
  double deadline_s = 0;     // next escalation (or expiry) time while not acknowledged
  int escalations = 0;       // steps taken so far
  Policy policy;             // in force when the notice was posted
};

// A fresh recipient entry for party (state queued; the channel fills the rest on Post).
inline Recipient RecipientFor(std::string party) {
  Recipient r;
  r.party = std::move(party);
  return r;
}

struct Notice {
  std::string id;           // unique, assigned by the service
  NoticeKind kind = NoticeKind::kFreeText;
  std::string sender;       // party id; "" = the system (alerts, distress relays)
  Priority priority = Priority::kRoutine;
  std::string text;
  std::string operation_id;  // operation notice: linked operation (or zone below)
  std::string zone_id;
  std::string alert_id;      // alert notice: the alert it carries
  std::string aircraft_id;   // distress: the aircraft in distress
  std::optional<double> valid_until_s;  // e.g. "ongoing air support in this area until ..."
  double created_at_s = 0;
  std::vector<Recipient> recipients;

  const Recipient* FindRecipient(std::string_view party) const;
  Recipient* FindRecipient(std::string_view party);
  // Every recipient acknowledged or expired: nothing more can happen to the notice.
  bool Settled() const;
};

}  // namespace deconflict::channel
