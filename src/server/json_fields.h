// The server reads every JSON body with the shared strict reader (core/json_fields.h) after a bounded parse
// (core/json.h). These names keep the handlers short.
#pragma once

#include <string>

#include "core/json.h"
#include "core/json_fields.h"

namespace deconflict::server {

using Json = json::Json;
using json::FieldReader;

// Parses a request body as JSON (depth <= json::kMaxDepth, UTF-8, no repeated member, numbers within a double);
// the error names the byte offset or the field.
inline Result<Json> ParseJsonBody(const std::string& text) { return json::Parse(text); }

}  // namespace deconflict::server
