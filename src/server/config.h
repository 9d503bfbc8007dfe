// Configuration of `deconflict serve`: a YAML file (every key optional; unknown keys are refused with their
// name), then command-line flags on top. Quantities take units ("5nm", "1000ft", "300s"); docs/service.md
// lists every key with its default.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/service.h"

namespace deconflict::server {

struct ServeConfig {
  HttpOptions http;
  StreamWindow stream;               // per-party in-memory window of the live stream (event_hub.h)
  ApiOptions api;
  ServiceOptions service;
  bool durable = true;               // store: fsync every commit (group commit); false only for experiments
  std::string admin_token;           // plain administrator token; empty = read/create <data-dir>/admin.token
  std::vector<std::string> feeds;    // feed specs "host:port=party[@icao_table.csv]" (feeds::ParseFeedSpec)
  std::string log_level = "info";
};

// Reads a YAML configuration file into config (keeping defaults for absent keys). Errors name the file and key.
Status LoadServeConfig(const std::string& path, ServeConfig* config);

// Write threads accepted by `write_threads:` and `--write-threads`.
inline constexpr int kMinWriteThreads = 1;
inline constexpr int kMaxWriteThreads = 1024;
// OK when n is in [kMinWriteThreads, kMaxWriteThreads]; otherwise kInvalidArgument naming `what` and the range.
Status CheckWriteThreads(const std::string& what, long long n);

// Parses "host:port" (IPv4/name) or "[v6]:port" into the HTTP options.
Status ParseListen(const std::string& text, HttpOptions* http);

// The administrator token: configured, or read from <data_dir>/admin.token, or created there (mode 0600).
Result<std::string> AdminToken(const ServeConfig& config, const std::string& data_dir);

}  // namespace deconflict::server
