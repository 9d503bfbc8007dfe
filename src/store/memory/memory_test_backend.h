// The memory backend in the store's contract tests (store/contract.h): a fresh, empty store per test.
#pragma once

#include <memory>

#include "store/memory/memory_store.h"

namespace deconflict::store::testing {

struct MemoryBackend {
  static constexpr const char* kName = "memory";
  Result<std::unique_ptr<Store>> Open() { return OpenMemoryStore(); }
};

}  // namespace deconflict::store::testing
