// Internal: libsodium must be initialised once before use (sodium_init is thread-safe and idempotent).
#pragma once

namespace deconflict::record {
void EnsureSodium();
}  // namespace deconflict::record
