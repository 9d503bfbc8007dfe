// The SQLite backend in the store's contract tests (store/contract.h): a fresh data directory per test.
#pragma once

#include <memory>

#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store::testing {

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  Result<std::unique_ptr<Store>> Open() {
    SqliteOptions o = options;
    o.data_dir = data_dir();
    return OpenSqliteStore(o);
  }
  std::string data_dir() const { return dir.Sub("data"); }

  TempDir dir;
  SqliteOptions options;  // what the next Open uses (data_dir aside)
};

}  // namespace deconflict::store::testing
