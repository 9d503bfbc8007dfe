#include "plan/agreement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace deconflict::plan {

Status ValidateTerms(const AgreementTerms& t) {
  for (auto [value, name] : {std::pair{t.track_horizontal_m, "track_horizontal"},
                             {t.track_vertical_m, "track_vertical"},
                             {t.track_lookahead_s, "track_lookahead"},
                             {t.buffer_horizontal_m, "buffer_horizontal"},
                             {t.buffer_vertical_m, "buffer_vertical"},
                             {t.ack_deadline_s, "ack_deadline"}}) {
    if (!std::isfinite(value) || value < 0)
      return Status::Invalid(fmt::format("terms.{} = {} must be a finite number >= 0", name, value));
  }
  double last = -1;
  for (size_t i = 0; i < t.escalation.size(); ++i) {
    const auto& step = t.escalation[i];
    if (!std::isfinite(step.after_s) || step.after_s < 0)
      return Status::Invalid(fmt::format("terms.escalation[{}].after must be a finite duration >= 0", i));
    if (step.after_s <= last)
      return Status::Invalid(fmt::format("terms.escalation[{}].after must be later than the step before", i));
    if (step.action.empty()) return Status::Invalid(fmt::format("terms.escalation[{}].action is empty", i));
    last = step.after_s;
  }
  return Status::Ok();
}

std::pair<PartyId, PartyId> AgreementBook::KeyOf(const PartyId& a, const PartyId& b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

Result<Version> AgreementBook::Propose(const PartyId& by, const PartyId& other, const AgreementTerms& terms,
                                       Version latest_seen) {
  if (by.empty() || other.empty()) return Status::Invalid("agreement: both parties must be named");
  if (by == other) return Status::Invalid("agreement: a party cannot make an agreement with itself (" + by + ")");
  Status s = ValidateTerms(terms);
  if (!s.ok()) return s;
  auto key = KeyOf(by, other);
  Agreement& ag = agreements_[key];
  const Version latest = ag.versions.empty() ? 0 : ag.versions.back().number;
  if (latest_seen != latest) {
    if (ag.versions.empty()) agreements_.erase(key);
    return Status::Conflict(fmt::format("agreement {}-{}: the latest version is {}, not {}", key.first, key.second,
                                        latest, latest_seen));
  }
  ag.party_a = key.first;
  ag.party_b = key.second;
  ag.versions.push_back({latest + 1, terms, by, {by}});
  return latest + 1;
}

Status AgreementBook::Accept(const PartyId& by, const PartyId& other, Version version) {
  auto it = agreements_.find(KeyOf(by, other));
  if (it == agreements_.end() || by == other)
    return Status::NotFound("agreement " + by + "-" + other + ": nothing was proposed");
  Agreement& ag = it->second;
  if (version == 0 || version > ag.versions.back().number)
    return Status::NotFound(fmt::format("agreement {}-{}: no version {}", ag.party_a, ag.party_b, version));
  if (version != ag.versions.back().number)
    return Status::Conflict(fmt::format("agreement {}-{}: version {} was superseded by version {}", ag.party_a,
                                        ag.party_b, version, ag.versions.back().number));
  AgreementVersion& v = ag.versions.back();
  if (std::find(v.accepted_by.begin(), v.accepted_by.end(), by) == v.accepted_by.end()) v.accepted_by.push_back(by);
  if (v.accepted_by.size() == 2) ag.in_force = v.number;
  return Status::Ok();
}

const AgreementTerms& AgreementBook::TermsBetween(const PartyId& a, const PartyId& b) const {
  auto it = agreements_.find(KeyOf(a, b));
  if (it == agreements_.end() || it->second.in_force == 0) return default_terms_;
  return it->second.versions[it->second.in_force - 1].terms;
}

Version AgreementBook::InForce(const PartyId& a, const PartyId& b) const {
  auto it = agreements_.find(KeyOf(a, b));
  return it == agreements_.end() ? 0 : it->second.in_force;
}

std::optional<Agreement> AgreementBook::Get(const PartyId& a, const PartyId& b) const {
  auto it = agreements_.find(KeyOf(a, b));
  if (it == agreements_.end()) return std::nullopt;
  return it->second;
}

std::pair<double, double> AgreementBook::MaxBuffersFor(const PartyId& party) const {
  double h = default_terms_.buffer_horizontal_m, v = default_terms_.buffer_vertical_m;
  for (const auto& [key, ag] : agreements_) {
    if (ag.in_force == 0 || (key.first != party && key.second != party)) continue;
    const auto& t = ag.versions[ag.in_force - 1].terms;
    h = std::max(h, t.buffer_horizontal_m);
    v = std::max(v, t.buffer_vertical_m);
  }
  return {h, v};
}

double AgreementBook::MaxLookaheadFor(const PartyId& party) const {
  double l = default_terms_.track_lookahead_s;
  for (const auto& [key, ag] : agreements_) {
    if (ag.in_force == 0 || (key.first != party && key.second != party)) continue;
    l = std::max(l, ag.versions[ag.in_force - 1].terms.track_lookahead_s);
  }
  return l;
}

}  // namespace deconflict::plan
