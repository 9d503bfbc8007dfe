#include "channel/notice.h"

#include <array>
#include <utility>

namespace deconflict::channel {
namespace {

template <typename E, std::size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table)
    if (s == name) return e;
  return std::nullopt;
}
template <typename E, std::size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E e) {
  for (const auto& [v, name] : table)
    if (v == e) return name;
  return "unknown";
}

constexpr std::array<std::pair<NoticeKind, const char*>, 5> kKinds{{
    {NoticeKind::kFreeText, "free_text"},
    {NoticeKind::kAdvisory, "advisory"},
    {NoticeKind::kOperationNotice, "operation_notice"},
    {NoticeKind::kAlert, "alert"},
    {NoticeKind::kDistress, "distress"},
}};
constexpr std::array<std::pair<Priority, const char*>, 4> kPriorities{{
    {Priority::kRoutine, "routine"},
    {Priority::kPriority, "priority"},
    {Priority::kImmediate, "immediate"},
    {Priority::kDistress, "distress"},
}};
constexpr std::array<std::pair<DeliveryState, const char*>, 4> kStates{{
    {DeliveryState::kQueued, "queued"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kAcknowledged, "acknowledged"},
    {DeliveryState::kExpired, "expired"},
}};
constexpr std::array<std::pair<EscalationStep, const char*>, 3> kSteps{{
    {EscalationStep::kRepeat, "repeat"},
    {EscalationStep::kRaisePriority, "raise_priority"},
    {EscalationStep::kNotifyContact, "notify_contact"},
}};

}  // namespace

const char* NoticeKindName(NoticeKind k) { return NameOf(kKinds, k); }
const char* PriorityName(Priority p) { return NameOf(kPriorities, p); }
const char* DeliveryStateName(DeliveryState s) { return NameOf(kStates, s); }
const char* EscalationStepName(EscalationStep s) { return NameOf(kSteps, s); }
std::optional<NoticeKind> ParseNoticeKind(std::string_view s) { return Lookup(kKinds, s); }
std::optional<Priority> ParsePriority(std::string_view s) { return Lookup(kPriorities, s); }
std::optional<EscalationStep> ParseEscalationStep(std::string_view s) { return Lookup(kSteps, s); }

const Recipient* Notice::FindRecipient(std::string_view party) const {
  for (const auto& r : recipients)
    if (r.party == party) return &r;
  return nullptr;
}
Recipient* Notice::FindRecipient(std::string_view party) {
  for (auto& r : recipients)
    if (r.party == party) return &r;
  return nullptr;
}

bool Notice::Settled() const {
  for (const auto& r : recipients)
    if (r.state != DeliveryState::kAcknowledged && r.state != DeliveryState::kExpired) return false;
  return true;
}

}  // namespace deconflict::channel
