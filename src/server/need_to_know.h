// Need-to-know: the one rule for what of the record a party is shown, whatever the path (stream events, live or
// read back from the store, receipts, answers built from entries).
//
// The rule is structural, so that it can be checked on every entry without knowing what the payload means:
//
//   Every record entry is one view. Everything in it may be shown to each party in its audience and to its actor.
//   Hence an entry names at most two parties (actor and audience together, the server and the administrator
//   aside): one party's own view, or a view shared by two parties who deal with each other (a notice's sender and
//   one recipient, the two parties of an agreement). An event shown to several parties who need not know of each
//   other (a notice to three, a zone binding two, a distress call to everyone) is written as one entry per party,
//   each with that party alone in its audience and in `event_to` (Outbox::Record / RecordViews enforce it).
//
// Entries recorded before this rule (data directories of earlier versions) may name more parties: such a "group"
// entry is shown whole only to its actor. The others get a stream event whose payload is redacted to them (their
// own `event_to`, no `binds` list of another's zone) and no receipt — a receipt carries the whole entry, since the
// hash covers every byte (docs/record.md, "Receipts and need-to-know").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "record/entry.h"

namespace deconflict::server::need_to_know {

// Parties an entry names in its actor and audience: every name but the server's and the administrator's, sorted
// and unique.
std::vector<std::string> PartiesOf(std::string_view actor, const std::vector<std::string>& audience);

// Whether an entry of this actor and audience satisfies the rule above (names at most two parties).
bool IsOneView(std::string_view actor, const std::vector<std::string>& audience);

// Whether party may be shown entry e whole (its bytes in a receipt or a stream event): it is the actor, or it is
// in the audience of an entry that satisfies the rule.
bool MayShowWhole(const record::Entry& e, std::string_view party);

// The stream event data of entry e for party (a party in the payload's event_to): the payload itself when the
// party may see it whole, else the payload redacted to the party (event_to [party]; the bound-party list of a
// zone it does not own removed).
std::string StreamData(const record::Entry& e, std::string_view party);

}  // namespace deconflict::server::need_to_know
