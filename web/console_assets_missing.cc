// Stands in for the console bundle when the build had no Node.js/npm (web/console.cmake).
#include "server/console_assets.h"

namespace deconflict::server {

std::span<const ConsoleAsset> ConsoleAssets() {
  static const ConsoleAsset kAssets[] = {
      {"index.html", "text/html; charset=utf-8",
       "<!doctype html><meta charset=utf-8><title>deconflict</title><p>The web console was not built: it needs "
       "Node.js 20 or later and npm (scripts/install-deps.sh installs them). The API is at /v1/.</p>\n"},
  };
  return kAssets;
}

}  // namespace deconflict::server
