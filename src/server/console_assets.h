// The bundled files of the web console, generated at build time from web/ (web/build.mjs writes
// console_assets.cc; web/console.cmake builds it).
#pragma once

#include <span>
#include <string_view>

namespace deconflict::server {

struct ConsoleAsset {
  std::string_view path;          // "index.html", "console.js", ...
  std::string_view content_type;
  std::string_view body;
};
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace deconflict::server
