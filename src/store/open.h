// Opening a store by URL, so that `serve`, `audit` and the benchmarks pick the backend from one option
// (`--store URL`) and the next backend plugs in here (docs/storage.md, "Choosing the backend").
//
//   sqlite:DIR         the embedded SQLite store in data directory DIR (store/sqlite/sqlite_store.h);
//   sqlite:///ABS/DIR  the same with an absolute directory, URL style;
//   memory:            an in-memory store (store/memory/memory_store.h): nothing is kept when it closes;
//   DIR                a bare path (no "scheme:" before the first '/') means sqlite:DIR, so the default data
//                      directory "data" is the SQLite store in ./data. A relative directory whose name has a
//                      colon is written ./NAME.
// Any other scheme is refused with kInvalidArgument naming it and the schemes this build knows.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace deconflict::store {

// What every backend understands; a backend maps them onto its own options.
struct OpenOptions {
  // true: a write is acknowledged only once it survives power loss (SQLite: synchronous=FULL). false: it may be
  // lost on power failure (never on a process kill); for benchmarks comparing the cost only.
  bool durable = true;
  // Reads only, for auditing a store another process may be writing: Write returns kPermissionDenied, nothing is
  // created, no lock is taken, and the record is not checked at open (call VerifyRecord / VerifyIntegrity).
  bool read_only = false;
};

// A store URL taken apart: scheme ("sqlite", ...) and what follows the colon (for sqlite, the directory).
struct StoreUrl {
  std::string scheme;
  std::string location;
};

// kInvalidArgument for an empty URL, an unknown scheme, or a location the scheme does not accept.
Result<StoreUrl> ParseStoreUrl(std::string_view url);

// Opens the store `url` names (see the top of this file), with the errors of that backend's opener.
Result<std::unique_ptr<Store>> Open(std::string_view url, const OpenOptions& options = {});
Result<std::unique_ptr<Store>> Open(const StoreUrl& url, const OpenOptions& options = {});

}  // namespace deconflict::store
