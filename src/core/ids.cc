#include "core/ids.h"

#include <string>

namespace deconflict {
namespace {

bool IdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '@' || c == '-';
}

}  // namespace

bool IsValidId(std::string_view id, size_t max_bytes) { return CheckId(id, "id", max_bytes).ok(); }

Status CheckId(std::string_view id, std::string_view field, size_t max_bytes) {
  const std::string f(field);
  if (id.empty()) return Status::Invalid(f + ": is empty");
  if (id.size() > max_bytes)
    return Status::Invalid(f + ": is " + std::to_string(id.size()) + " bytes long; the limit is " +
                           std::to_string(max_bytes) + " bytes");
  for (size_t i = 0; i < id.size(); ++i)
    if (!IdChar(id[i]))
      return Status::Invalid(f + ": has a character outside " + kIdCharacters + " at byte " + std::to_string(i));
  return Status::Ok();
}

}  // namespace deconflict
