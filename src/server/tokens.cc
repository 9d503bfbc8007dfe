#include "server/tokens.h"

#include <sodium.h>

#include <vector>

namespace deconflict::server {
namespace {
std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}
}  // namespace

std::string NewToken() {
  if (sodium_init() < 0) return {};
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  return "dct_" + Hex(raw, sizeof raw);
}

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.substr(0, kPrefix.size()) != kPrefix) return {};
  auto t = authorization.substr(kPrefix.size());
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return std::string(t);
}

}  // namespace deconflict::server
