// `deconflict serve`: the multi-party service (HTTP/JSON API, live stream, channel, record) on one address.
// SIGTERM or SIGINT stops it gracefully: no new connections, requests in flight finish, the store closes.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "server/api.h"
#include "server/config.h"
#include "server/console.h"
#include "server/demo.h"
#include "server/feeds_bridge.h"
#include "server/http_server.h"
#include "server/service.h"
#include "server/tokens.h"
#include "store/open.h"

namespace deconflict::cli {
namespace {

struct ServeArgs {
  std::string config;
  std::string data_dir = "data";
  std::string store;  // store URL (store/open.h); empty: the SQLite store in data_dir
  std::string listen;
  bool demo = false;
  std::vector<std::string> feeds;
  int threads = 0;
  std::optional<long long> write_threads;
  std::string tls_cert, tls_key;
  bool verify_full = false;
  bool guidance = false;
};

// data_dir: the SQLite store's directory, or empty for another store (store_url), whose admin token is not saved.
void PrintBanner(const server::HttpServer& http, const std::string& address, const std::string& admin_token,
                 const std::vector<server::DemoParty>& demo, const std::string& data_dir,
                 const std::string& store_url) {
  const std::string scheme = http.tls() ? "https" : "http";
  const std::string base = scheme + "://" + (address.find(':') != std::string::npos ? "[" + address + "]" : address) +
                           ":" + std::to_string(http.port());
  const std::string k = http.tls() ? "-k " : "";
  if (data_dir.empty()) {
    std::printf("deconflict serve: listening on %s (store %s)\n", base.c_str(), store_url.c_str());
  } else {
    std::printf("deconflict serve: listening on %s (data directory %s)\n", base.c_str(), data_dir.c_str());
  }
  std::printf("  console:  %s/   (sign in with a party token)\n", base.c_str());
  std::printf("  health:   curl %s%s/healthz\n", k.c_str(), base.c_str());
  std::printf("  metrics:  curl %s%s/metrics\n", k.c_str(), base.c_str());
  if (data_dir.empty()) {
    std::printf("  admin token (not saved; set admin_token in the configuration to keep one):\n");
  } else {
    std::printf("  admin token in %s/admin.token:\n", data_dir.c_str());
  }
  std::printf("    curl %s-H 'Authorization: Bearer %s' -d '{\"id\":\"green\"}' %s/v1/parties\n", k.c_str(),
              admin_token.c_str(), base.c_str());
  for (const auto& p : demo) {
    std::printf("  demo party %s:\n", p.id.c_str());
    std::printf("    export %s=%s\n", p.id == "blue" ? "BLUE" : "RED", p.token.c_str());
    const std::string var = p.id == "blue" ? "$BLUE" : "$RED";
    std::printf("    curl -N %s-H \"Authorization: Bearer %s\" %s/v1/stream      # live stream (alerts, notices)\n",
                k.c_str(), var.c_str(), base.c_str());
    std::printf("    curl %s-H \"Authorization: Bearer %s\" %s/v1/alerts\n", k.c_str(), var.c_str(), base.c_str());
    std::printf("    curl %s-H \"Authorization: Bearer %s\" %s/v1/notices\n", k.c_str(), var.c_str(), base.c_str());
  }
  if (!demo.empty())
    std::printf("  acknowledge an alert notice:  curl -X POST -H \"Authorization: Bearer $BLUE\" "
                "%s/v1/notices/<notice_id>/ack\n",
                base.c_str());
  std::printf("  stop with Ctrl-C (SIGINT) or SIGTERM.\n");
  std::fflush(stdout);
}

// The store --store or --data-dir names, opened and verified (integrity at rest: the record and the stored state are
// what the server wrote, or nothing is served), and the admin token, kept in the SQLite store's data directory; a
// store without one (memory:) keeps none. Returns kExitOk, or the exit code after saying why on stderr.
struct OpenedStore {
  std::unique_ptr<store::Store> store;
  std::string data_dir;  // the SQLite store's data directory; empty for a store without one
  std::string where;     // how messages name the store
  std::string admin_token;
};

int OpenStore(const ServeArgs& args, const server::ServeConfig& cfg, OpenedStore* out) {
  // --data-dir DIR is the SQLite store in DIR; --store URL names any store (store/open.h).
  auto url = args.store.empty() ? Result<store::StoreUrl>(store::StoreUrl{"sqlite", args.data_dir})
                                : store::ParseStoreUrl(args.store);
  if (!url.ok()) {
    std::fprintf(stderr, "deconflict serve: --store: %s\n", url.status().message().c_str());
    return kExitUsage;
  }
  out->data_dir = url->scheme == "sqlite" ? url->location : "";
  out->where = out->data_dir.empty() ? "store " + args.store : out->data_dir;
  auto admin = out->data_dir.empty()
                   ? Result<std::string>(cfg.admin_token.empty() ? server::NewToken() : cfg.admin_token)
                   : server::AdminToken(cfg, out->data_dir);
  if (!admin.ok()) {
    std::fprintf(stderr, "deconflict serve: %s\n", admin.status().message().c_str());
    return kExitFailure;
  }
  out->admin_token = *admin;
  store::OpenOptions so;
  so.durable = cfg.durable;
  auto store = store::Open(*url, so);
  if (!store.ok()) {
    std::fprintf(stderr, "deconflict serve: store in %s: %s\n", out->where.c_str(), store.status().ToString().c_str());
    return kExitFailure;
  }
  out->store = std::move(*store);
  for (const auto& note : out->store->open_notes()) spdlog::warn("store: {}", note);
  auto integrity = out->store->VerifyIntegrity(args.verify_full);
  if (!integrity.ok()) {
    std::fprintf(stderr, "deconflict serve: the data in %s does not verify: %s\n", out->where.c_str(),
                 integrity.status().message().c_str());
    return kExitVerifyFailed;
  }
  spdlog::info("store verified ({}): record entries {}..{} ({} checked), {} rows, {} row commits, {:.3f} s",
               integrity->from_seq == 0 ? "full" : "from the verified head", integrity->from_seq + 1, integrity->head_seq,
               integrity->entries_verified, integrity->rows_verified, integrity->commits_checked, integrity->seconds);
  return kExitOk;
}

int RunServe(const ServeArgs& args) {
  server::ServeConfig cfg;
  if (!args.config.empty()) {
    if (Status s = server::LoadServeConfig(args.config, &cfg); !s.ok()) {
      std::fprintf(stderr, "deconflict serve: %s\n", s.message().c_str());
      return kExitBadInput;
    }
  }
  if (!args.listen.empty()) {
    if (Status s = server::ParseListen(args.listen, &cfg.http); !s.ok()) {
      std::fprintf(stderr, "deconflict serve: --listen: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  if (args.threads > 0) cfg.http.threads = args.threads;
  if (args.write_threads) {
    if (Status s = server::CheckWriteThreads("--write-threads", *args.write_threads); !s.ok()) {
      std::fprintf(stderr, "deconflict serve: %s\n", s.message().c_str());
      return kExitUsage;
    }
    cfg.service.write_threads = static_cast<int>(*args.write_threads);
  }
  if (!args.tls_cert.empty()) cfg.http.tls_cert_file = args.tls_cert;
  if (!args.tls_key.empty()) cfg.http.tls_key_file = args.tls_key;
  if (args.guidance) cfg.service.guidance.enabled = true;
  for (const auto& f : args.feeds) cfg.feeds.push_back(f);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  // Signals are taken by sigwait below; every thread started from here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  OpenedStore opened;
  if (const int code = OpenStore(args, cfg, &opened); code != kExitOk) return code;
  cfg.service.admin_token_hash = record::TokenHashHex(opened.admin_token);

  server::Metrics metrics;
  server::EventHub hub(cfg.stream);
  auto service = std::make_unique<server::Service>(cfg.service, *opened.store, hub, metrics);
  if (Status s = service->Load(); !s.ok()) {
    std::fprintf(stderr, "deconflict serve: loading %s: %s\n", opened.where.c_str(), s.ToString().c_str());
    return kExitFailure;
  }
  server::Router router;
  service->RegisterRoutes(router);
  auto hooks = service->MakeHooks();
  server::Console console({}, hooks, !cfg.http.tls_cert_file.empty());  // the web console at / (web/)
  console.RegisterRoutes(router);
  hooks.session = console.SessionHook();
  server::Api api(cfg.api, router, hub, metrics, hooks);
  server::HttpServer http(cfg.http, api);
  if (Status s = http.Start(); !s.ok()) {
    std::fprintf(stderr, "deconflict serve: %s\n", s.message().c_str());
    return s.code() == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailure;
  }
  service->Start();

  std::vector<server::DemoParty> demo_parties;
  std::unique_ptr<server::Demo> demo;
  if (args.demo) {
    demo = std::make_unique<server::Demo>(*service);
    auto parties = demo->Setup();
    if (!parties.ok()) {
      std::fprintf(stderr, "deconflict serve: demo: %s\n", parties.status().ToString().c_str());
      return kExitFailure;
    }
    demo_parties = *parties;
  }
  std::unique_ptr<server::FeedsBridge> feeds;
  if (!cfg.feeds.empty()) {
    feeds = std::make_unique<server::FeedsBridge>(*service);
    for (const auto& spec : cfg.feeds)
      if (Status s = feeds->Add(spec); !s.ok()) {
        std::fprintf(stderr, "deconflict serve: %s\n", s.message().c_str());  // names the feed, table file and line
        return kExitUsage;
      }
    feeds->Start();
  }
  PrintBanner(http, cfg.http.address, opened.admin_token, demo_parties, opened.data_dir, args.store);
  spdlog::info("serve listening address={} port={} tls={} threads={}", cfg.http.address, http.port(), http.tls(),
               cfg.http.threads);
  if (demo) demo->Start();

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("serve stopping signal={}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  if (demo) demo->Stop();
  if (feeds) feeds->Stop();
  http.Shutdown();   // in-flight requests finish and are answered
  spdlog::info("serve http closed");
  service->Stop();   // the cycle stops, queued writes commit
  spdlog::info("serve service stopped");
  service.reset();
  opened.store.reset();  // waits for queued commits, closes
  spdlog::info("serve stopped");
  return kExitOk;
}

const RegisterCommand kRegister([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "run the multi-party service (HTTP/JSON API, live stream, channel, record)");
  cmd->add_option("--config", args->config, "YAML configuration file (docs/service.md)")->check(CLI::ExistingFile);
  auto* data_dir = cmd->add_option("--data-dir", args->data_dir,
                                   "data directory (SQLite store, record keys, admin token; short for --store "
                                   "sqlite:DIR); created if missing")
                        ->capture_default_str();
  cmd->add_option("--store", args->store,
                  "store URL: sqlite:DIR (default: the data directory) or memory: (nothing kept); docs/storage.md")
      ->excludes(data_dir);
  cmd->add_option("--listen", args->listen, "address:port to listen on (default 127.0.0.1:8080)");
  cmd->add_flag("--guidance", args->guidance,
                "resolution guidance (DAIDALUS bands) in separation alerts, as guidance.enabled (docs/detection.md)");
  cmd->add_flag("--demo", args->demo, "run the built-in two-party demo (parties blue and red, simulated traffic)");
  cmd->add_option("--feed", args->feeds,
                  "SBS-1 feed (dump1090/readsb port 30003): host:port=party, host:port=@icao_table.csv "
                  "(HEXIDENT,party lines) or host:port=party@icao_table.csv; ASTERIX CAT021/CAT062 over UDP: "
                  "asterix+udp://ADDRESS:PORT=party, =@sources.csv (SAC/SIC,party[,CAT=EDITION] lines), "
                  "asterix+udp://IFACE@GROUP:PORT=party for multicast; repeatable (docs/feeds.md)");
  cmd->add_option("--threads", args->threads, "I/O threads (default 2)");
  cmd->add_option("--write-threads", args->write_threads, "threads waiting on durable commits, 1..1024 (default 128)");
  cmd->add_option("--tls-cert", args->tls_cert, "PEM certificate chain (HTTPS)");
  cmd->add_option("--tls-key", args->tls_key, "PEM private key (HTTPS)");
  cmd->add_flag("--verify-full", args->verify_full,
                "verify the whole record and state at start, not only what came after the last verified start");
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
});

}  // namespace
}  // namespace deconflict::cli
