// Checks every backend applies before writing, so that bad input is refused the same way by each
// (SQLite now, PostgreSQL next). Errors are kInvalidArgument naming the field and the value's owner.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/track.h"
#include "store/types.h"

namespace deconflict::store {

// 1..128 bytes of [A-Za-z0-9_.:@-].
Status ValidateId(std::string_view id, std::string_view field);
// True when `text` parses as JSON.
bool IsJson(std::string_view text);
// id, owner, counterparty ids; body JSON; end_us >= start_us.
Status ValidateDocument(const Document& d);
// Track `index` of a batch: id set, finite numbers, latitude in range.
Status ValidateTrack(const TrackState& t, std::size_t index);
// id, kind, sender, body JSON, at least one recipient, recipient ids.
Status ValidateNotice(const Notice& n, std::span<const std::string> recipients);

}  // namespace deconflict::store
