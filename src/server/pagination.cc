#include "server/pagination.h"

#include <algorithm>

#include "record/hash.h"

namespace deconflict::server {
namespace {
constexpr std::size_t kMaxCursorBytes = 512;

std::optional<std::string> FromHexText(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (std::size_t k = i; k < i + 2; ++k) {
      const char c = hex[k];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    out.push_back(static_cast<char>(v));
  }
  return out;
}
}  // namespace

std::string EncodeCursor(const std::string& list, const std::string& key) {
  return record::ToHex(list + ":" + key);
}

Result<PageRequest> ReadPage(const Request& req, const std::string& list) {
  PageRequest page;
  if (auto it = req.query.find("limit"); it != req.query.end()) {
    auto limit = ParseDecimal("limit", it->second, kMaxPageLimit);
    if (!limit.ok() || *limit == 0)
      return Status::Invalid("limit: expected an integer 1.." + std::to_string(kMaxPageLimit) + " (default " +
                             std::to_string(kDefaultPageLimit) + ")");
    page.limit = static_cast<std::size_t>(*limit);
  }
  if (auto it = req.query.find("cursor"); it != req.query.end()) {
    const std::string prefix = list + ":";
    auto raw = it->second.size() <= kMaxCursorBytes ? FromHexText(it->second) : std::nullopt;
    if (!raw || raw->rfind(prefix, 0) != 0)
      return Status::Invalid("cursor: not a cursor of " + list + " (pass the \"next\" of the previous page as is)");
    page.after = raw->substr(prefix.size());
  }
  return page;
}

std::string PositionKey(std::int64_t position) { return std::to_string(position); }

Result<std::int64_t> PositionOf(const PageRequest& page) {
  if (!page.after) return 0;
  auto position = ParseDecimal("cursor", *page.after, INT64_MAX);
  if (!position.ok()) return Status::Invalid("cursor: not a cursor this server issued");
  return static_cast<std::int64_t>(*position);
}

Json PageJson(const std::string& list, Json page, const std::optional<std::string>& next_key) {
  return Json{{list, std::move(page)}, {"next", next_key ? Json(EncodeCursor(list, *next_key)) : Json(nullptr)}};
}

Response PagedAnswer(const Request& req, const std::string& list, Json items, const std::string& key_field) {
  auto page = ReadPage(req, list);
  if (!page.ok()) return ErrorResponse(page.status());
  auto key = [&](const Json& j) { return j.contains(key_field) && j[key_field].is_string() ? j[key_field].get<std::string>() : ""; };
  std::vector<Json> sorted(items.begin(), items.end());
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Json& a, const Json& b) { return key(a) < key(b); });
  Json out = Json::array();
  std::optional<std::string> next;
  for (const auto& j : sorted) {
    if (page->after && key(j) <= *page->after) continue;
    if (out.size() == page->limit) {
      next = key(out.back());
      break;
    }
    out.push_back(j);
  }
  Response r;
  r.body = PageJson(list, std::move(out), next);
  return r;
}

}  // namespace deconflict::server
