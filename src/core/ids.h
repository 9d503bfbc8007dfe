// Identifiers of parties, operations, zones, tracks and notices: one rule everywhere (the store, the HTTP API,
// plan files), so that an id accepted at the edge is one every store backend can keep.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace deconflict {

// An id is 1..kMaxIdBytes bytes of [A-Za-z0-9_.:@-] (ASCII only: URL path segments and SQL keys need no escaping).
inline constexpr size_t kMaxIdBytes = 128;
inline constexpr const char* kIdCharacters = "[A-Za-z0-9_.:@-]";

bool IsValidId(std::string_view id, size_t max_bytes = kMaxIdBytes);

// OK, or kInvalidArgument "<field>: is empty" / "<field>: is 300 bytes long; the limit is 128 bytes" /
// "<field>: has a character outside [A-Za-z0-9_.:@-] at byte 3". Never echoes the id (it may not be text).
Status CheckId(std::string_view id, std::string_view field, size_t max_bytes = kMaxIdBytes);

}  // namespace deconflict
