// The in-memory backend of store::Store: the same contract as every backend (store/contract_test.cc), the same rules
// (store/rules.h), and nothing kept when it closes — for fast tests and trials (store::Open("memory:")).
//
// Thread-safe: writes run one at a time on a writer thread (WriteQueue) under an exclusive lock, reads under a
// shared lock, so a Read sees the last committed state. A write function that fails is undone before the lock is
// released. VerifyRecord and VerifyIntegrity verify the record (there is no state at rest to check).
#pragma once

#include <memory>

#include "core/status.h"
#include "store/store.h"

namespace deconflict::store {

// A fresh, empty store with a fresh random signing key.
Result<std::unique_ptr<Store>> OpenMemoryStore();

}  // namespace deconflict::store
