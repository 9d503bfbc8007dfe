// API tokens: random secrets handed to a party once; only their hash (record::TokenHashHex, BLAKE2b-256) is
// kept. Tokens carry 256 bits from libsodium's CSPRNG, so a fast unsalted hash is enough: there is nothing
// to brute-force that a slow password hash would protect.
#pragma once

#include <string>
#include <string_view>

namespace deconflict::server {

// "dct_" + 64 hex characters. REQUIRES: sodium_init() succeeded (NewToken calls it).
std::string NewToken();

// The token from an "Authorization: Bearer <token>" header value; empty when absent or malformed.
std::string BearerToken(std::string_view authorization);

}  // namespace deconflict::server
