#include "channel/channel.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace deconflict::channel {
namespace {
using What = Transition::What;

constexpr std::array<std::pair<What, const char*>, 7> kWhatNames{{
    {What::kQueued, "queued"},
    {What::kDelivered, "delivered"},
    {What::kAcknowledged, "acknowledged"},
    {What::kRepeated, "repeated"},
    {What::kPriorityRaised, "priority_raised"},
    {What::kContactNotified, "contact_notified"},
    {What::kExpired, "expired"},
}};

bool Final(DeliveryState s) { return s == DeliveryState::kAcknowledged || s == DeliveryState::kExpired; }

Transition Make(const Notice& n, const Recipient& r, What what, double at) {
  return Transition{n.id, r.party, what, r.priority, at, Final(r.state) ? 0.0 : r.deadline_s};
}

Priority Raised(Priority p, NoticeKind kind) {
  // Only distress notices travel at the distress priority; others stop one below.
  const Priority cap = kind == NoticeKind::kDistress ? Priority::kDistress : Priority::kImmediate;
  const int next = std::min(static_cast<int>(p) + 1, static_cast<int>(cap));
  return static_cast<Priority>(std::max(next, static_cast<int>(p)));
}
}  // namespace

const char* TransitionName(What w) {
  for (const auto& [v, name] : kWhatNames)
    if (v == w) return name;
  return "unknown";
}
std::optional<What> ParseTransition(std::string_view s) {
  for (const auto& [v, name] : kWhatNames)
    if (s == name) return v;
  return std::nullopt;
}

Channel::Channel(PolicyFn policy) : policy_(std::move(policy)) {}

Result<std::vector<Transition>> Channel::Post(Notice notice, double now_s) {
  if (notice.id.empty()) return Status::Invalid("notice id is empty");
  if (notices_.count(notice.id)) return Status(ErrorCode::kAlreadyExists, "notice " + notice.id + " exists");
  if (notice.recipients.empty()) return Status::Invalid("notice " + notice.id + " has no recipients");
  std::set<std::string> seen;
  for (const auto& r : notice.recipients)
    if (!seen.insert(r.party).second) return Status::Invalid("recipient " + r.party + " listed twice");
  notice.created_at_s = now_s;
  std::vector<Transition> out;
  for (auto& r : notice.recipients) {
    r.policy = policy_(notice.sender, r.party);
    if (!(r.policy.ack_deadline_s > 0)) r.policy.ack_deadline_s = Policy{}.ack_deadline_s;
    r.state = DeliveryState::kQueued;
    r.priority = notice.priority;
    r.queued_at_s = now_s;
    r.deadline_s = now_s + r.policy.ack_deadline_s;
    r.escalations = 0;
    out.push_back(Make(notice, r, What::kQueued, now_s));
  }
  order_.push_back(notice.id);
  notices_.emplace(notice.id, std::move(notice));
  return out;
}

Result<Recipient*> Channel::RecipientOf(std::string_view notice_id, std::string_view party) {
  auto it = notices_.find(notice_id);
  Recipient* r = it == notices_.end() ? nullptr : it->second.FindRecipient(party);
  if (!r) return Status::NotFound("no notice " + std::string(notice_id) + " addressed to " + std::string(party));
  return r;
}

Result<std::vector<Transition>> Channel::MarkDelivered(std::string_view notice_id, std::string_view party,
                                                       double now_s) {
  auto r = RecipientOf(notice_id, party);
  if (!r.ok()) return r.status();
  Recipient& rec = **r;
  if (rec.state != DeliveryState::kQueued) return std::vector<Transition>{};
  rec.state = DeliveryState::kDelivered;
  rec.delivered_at_s = now_s;
  return std::vector<Transition>{Make(notices_.find(notice_id)->second, rec, What::kDelivered, now_s)};
}

Result<std::vector<Transition>> Channel::Acknowledge(std::string_view notice_id, std::string_view party,
                                                     double now_s) {
  auto r = RecipientOf(notice_id, party);
  if (!r.ok()) return r.status();
  Recipient& rec = **r;
  if (rec.state == DeliveryState::kAcknowledged) return std::vector<Transition>{};
  if (rec.state == DeliveryState::kExpired)
    return Status::Conflict("notice " + std::string(notice_id) + " expired for " + std::string(party) +
                            " before it was acknowledged");
  if (!rec.delivered_at_s) rec.delivered_at_s = now_s;
  rec.state = DeliveryState::kAcknowledged;
  rec.acknowledged_at_s = now_s;
  return std::vector<Transition>{Make(notices_.find(notice_id)->second, rec, What::kAcknowledged, now_s)};
}

std::vector<Transition> Channel::Tick(double now_s) {
  std::vector<Transition> out;
  for (const auto& id : order_) {
    Notice& n = notices_.find(id)->second;
    for (auto& r : n.recipients) {
      if (Final(r.state) || r.deadline_s > now_s) continue;
      if (r.escalations >= static_cast<int>(r.policy.steps.size())) {
        r.state = DeliveryState::kExpired;
        r.expired_at_s = now_s;
        out.push_back(Make(n, r, What::kExpired, now_s));
        continue;
      }
      const EscalationStep step = r.policy.steps[r.escalations++];
      r.deadline_s = now_s + r.policy.ack_deadline_s;
      What what = What::kRepeated;
      if (step == EscalationStep::kRaisePriority) {
        r.priority = Raised(r.priority, n.kind);
        what = What::kPriorityRaised;
      } else if (step == EscalationStep::kNotifyContact) {
        what = What::kContactNotified;
      }
      out.push_back(Make(n, r, what, now_s));
    }
  }
  return out;
}

Status Channel::Apply(const Transition& t) {
  auto r = RecipientOf(t.notice_id, t.party);
  if (!r.ok()) return r.status();
  Recipient& rec = **r;
  rec.priority = t.priority;
  switch (t.what) {
    case What::kQueued:
      rec.state = DeliveryState::kQueued;
      rec.queued_at_s = t.at_s;
      break;
    case What::kDelivered:
      rec.state = DeliveryState::kDelivered;
      rec.delivered_at_s = t.at_s;
      break;
    case What::kAcknowledged:
      if (!rec.delivered_at_s) rec.delivered_at_s = t.at_s;
      rec.state = DeliveryState::kAcknowledged;
      rec.acknowledged_at_s = t.at_s;
      break;
    case What::kRepeated:
    case What::kPriorityRaised:
    case What::kContactNotified:
      ++rec.escalations;
      break;
    case What::kExpired:
      rec.state = DeliveryState::kExpired;
      rec.expired_at_s = t.at_s;
      break;
  }
  if (t.next_deadline_s > 0) rec.deadline_s = t.next_deadline_s;
  return Status::Ok();
}

bool Channel::Release(std::string_view notice_id) {
  auto it = notices_.find(notice_id);
  if (it == notices_.end() || !it->second.Settled()) return false;
  order_.erase(std::find(order_.begin(), order_.end(), it->first));
  notices_.erase(it);
  return true;
}

size_t Channel::ReleaseSettled() {
  std::vector<std::string> settled;
  for (const auto& [id, n] : notices_)
    if (n.Settled()) settled.push_back(id);
  for (const auto& id : settled) Release(id);
  return settled.size();
}

const Notice* Channel::Find(std::string_view notice_id) const {
  auto it = notices_.find(notice_id);
  return it == notices_.end() ? nullptr : &it->second;
}

std::vector<const Notice*> Channel::ForParty(std::string_view party) const {
  std::vector<const Notice*> out;
  for (const auto& id : order_) {
    const Notice& n = notices_.find(id)->second;
    if (n.sender == party || n.FindRecipient(party)) out.push_back(&n);
  }
  return out;
}

}  // namespace deconflict::channel
