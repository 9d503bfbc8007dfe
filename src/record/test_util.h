// Test helpers shared by the record's tests (header only; not part of the library's API).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/status.h"

namespace deconflict::record::test {

// Expects `s` to be an error whose message contains `part`.
inline void ExpectError(const Status& s, const std::string& part) {
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(part), std::string::npos) << "message: " << s.message() << "\nwanted: " << part;
}

}  // namespace deconflict::record::test
