// Pagination of list routes (GET /v1/notices, /v1/alerts, /v1/operations, ...): `?limit=` (default
// kDefaultPageLimit, at most kMaxPageLimit) and `?cursor=` (the `next` of the previous page). A cursor is opaque to
// clients: it names the last item of the page in the list's own order (an insertion position or an id), so that
// the pages that follow never repeat nor skip an item that was there, whatever is inserted meanwhile. Items
// inserted while a client pages appear on a later page (insertion order) or where their id falls (id order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "server/router.h"

namespace deconflict::server {

inline constexpr std::size_t kDefaultPageLimit = 100;
inline constexpr std::size_t kMaxPageLimit = 1000;

struct PageRequest {
  std::size_t limit = kDefaultPageLimit;
  std::optional<std::string> after;  // the key after which the page starts (decoded cursor); none: from the start
};

// Reads ?limit= and ?cursor= for the list `list` (a cursor of another list is refused). Errors (kInvalidArgument)
// name the parameter and what is allowed.
Result<PageRequest> ReadPage(const Request& req, const std::string& list);
// The cursor that continues `list` after the item with this key.
std::string EncodeCursor(const std::string& list, const std::string& key);
// Insertion positions as keys (store lists).
std::string PositionKey(std::int64_t position);
Result<std::int64_t> PositionOf(const PageRequest& page);

// One page of an in-memory list, in the order of the string field key_field of its items:
// {"<list>": [...], "next": cursor or null}.
Response PagedAnswer(const Request& req, const std::string& list, Json items, const std::string& key_field);
// {"<list>": page, "next": EncodeCursor(list, next_key) or null when there is no more.
Json PageJson(const std::string& list, Json page, const std::optional<std::string>& next_key);

}  // namespace deconflict::server
