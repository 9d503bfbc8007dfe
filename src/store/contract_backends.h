// Every backend the store's contract tests run over (contract_test.cc, contract_rules_test.cc). A new backend adds
// its factory (store/contract.h) to this list — one line — and passes the same tests.
#pragma once

#include <gtest/gtest.h>

#include "store/memory/memory_test_backend.h"
#include "store/sqlite/sqlite_test_backend.h"

namespace deconflict::store::testing {

using Backends = ::testing::Types<SqliteBackend, MemoryBackend>;

}  // namespace deconflict::store::testing
