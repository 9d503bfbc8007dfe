// Agreements between two parties: propose, counter, accept, in force.
//
// A party proposes terms (version n+1) and thereby accepts them; the other party accepts that
// version or counters with its own proposal (version n+2, accepted by the counter-proposer only).
// A version is in force when both parties accepted it; a later proposal does not displace the version
// in force until it is accepted too. With nothing in force, the engine uses the default terms.
// Every change names the latest version its author has seen; a stale change is refused (kConflict),
// so nobody accepts terms that were already replaced.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "core/status.h"
#include "plan/model.h"

namespace deconflict::plan {

class AgreementBook {
 public:
  explicit AgreementBook(AgreementTerms default_terms = {}) : default_terms_(std::move(default_terms)) {}

  // Proposes (or counters with) `terms` from `by` to `other`. `latest_seen` is the latest version
  // number `by` has seen (0 when there is none). Returns the new version number.
  // Errors: kInvalidArgument for same or empty parties and bad terms (negative or non-finite numbers,
  // naming the field); kConflict when latest_seen is stale.
  Result<Version> Propose(const PartyId& by, const PartyId& other, const AgreementTerms& terms, Version latest_seen);

  // `by` accepts `version` of the agreement with `other`. It must be the latest proposal (kConflict
  // when superseded, kNotFound when unknown). When both parties accepted it, it comes into force.
  Status Accept(const PartyId& by, const PartyId& other, Version version);

  // The terms in force between a and b (order does not matter), else the default terms.
  const AgreementTerms& TermsBetween(const PartyId& a, const PartyId& b) const;
  // The version in force (0: none).
  Version InForce(const PartyId& a, const PartyId& b) const;
  std::optional<Agreement> Get(const PartyId& a, const PartyId& b) const;

  // Largest horizontal / vertical operation buffer that applies to `party` with anyone.
  std::pair<double, double> MaxBuffersFor(const PartyId& party) const;
  // Longest track look-ahead that applies to `party` with anyone.
  double MaxLookaheadFor(const PartyId& party) const;
  const AgreementTerms& default_terms() const { return default_terms_; }

 private:
  static std::pair<PartyId, PartyId> KeyOf(const PartyId& a, const PartyId& b);
  AgreementTerms default_terms_;
  std::map<std::pair<PartyId, PartyId>, Agreement> agreements_;
};

// Checks terms: finite, non-negative numbers; escalation steps in increasing time. Errors name the field.
Status ValidateTerms(const AgreementTerms& terms);

}  // namespace deconflict::plan
