#include "store/open.h"

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace deconflict::store {
namespace {

constexpr std::string_view kKnownSchemes = "sqlite:, memory:";

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool IsScheme(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string Quoted(std::string_view url) { return "store URL \"" + std::string(url) + "\""; }

Result<std::string> SqliteDirectory(std::string_view url, std::string_view location) {
  if (location.substr(0, 2) == "//") {  // URL style: sqlite:///abs/dir (empty authority)
    if (location.size() < 3 || location[2] != '/') {
      return Status::Invalid(Quoted(url) + ": a sqlite store has no host; write sqlite:DIR or sqlite:///ABSOLUTE/DIR");
    }
    location.remove_prefix(2);
  }
  if (location.empty()) return Status::Invalid(Quoted(url) + " names no directory (sqlite:DIR)");
  return std::string(location);
}

}  // namespace

Result<StoreUrl> ParseStoreUrl(std::string_view url) {
  if (url.empty()) return Status::Invalid("store URL is empty (sqlite:DIR, or a directory)");
  const auto colon = url.find(':');
  const auto slash = url.find('/');
  const bool has_scheme = colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash) &&
                          IsScheme(url.substr(0, colon));
  if (!has_scheme) return StoreUrl{"sqlite", std::string(url)};  // a bare path
  std::string scheme(url.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const std::string_view location = url.substr(colon + 1);
  if (scheme == "sqlite") {
    auto dir = SqliteDirectory(url, location);
    if (!dir.ok()) return dir.status();
    return StoreUrl{scheme, std::move(*dir)};
  }
  if (scheme == "memory") {
    if (!location.empty()) return Status::Invalid(Quoted(url) + ": a memory store has no location (memory:)");
    return StoreUrl{scheme, ""};
  }
  return Status::Invalid(Quoted(url) + ": unknown scheme \"" + scheme + "\" (this build knows " +
                         std::string(kKnownSchemes) + ")");
}

Result<std::unique_ptr<Store>> Open(std::string_view url, const OpenOptions& options) {
  auto parsed = ParseStoreUrl(url);
  if (!parsed.ok()) return parsed.status();
  return Open(*parsed, options);
}

Result<std::unique_ptr<Store>> Open(const StoreUrl& url, const OpenOptions& options) {
  if (url.scheme == "memory") {
    if (options.read_only) {
      return Status::Invalid("a memory: store keeps nothing between processes: there is nothing to open read-only");
    }
    return OpenMemoryStore();
  }
  if (url.scheme != "sqlite") {
    return Status::Invalid("store scheme \"" + url.scheme + "\" is unknown (this build knows " +
                           std::string(kKnownSchemes) + ")");
  }
  SqliteOptions o;
  o.data_dir = url.location;
  o.durable = options.durable;
  o.read_only = options.read_only;
  if (options.read_only) o.reader_connections = 1;  // an audit reads with one connection
  return OpenSqliteStore(o);
}

}  // namespace deconflict::store
