// Service load on loopback: the real HTTP server, service, SQLite store (durable: fsync per group commit) and
// detection cycle in this process, driven by keep-alive HTTP clients on other threads.
//   BM_TrackIngest       track updates per second (batches of 1000), detection running at 1 Hz over them
//   BM_OperationSubmit   durable, checked operation submissions per second (64 clients); /0 with serve's
//                        default write threads, /32 with the former default
//   BM_AlertLatency      track update that creates a conflict -> alert on the stream (p50/p99, ms)
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "record/hash.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/service.h"
#include "store/open.h"

namespace {
using namespace deconflict;
using namespace deconflict::server;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// The whole service on a free loopback port with a fresh data directory.
struct Harness {
  std::string dir;
  std::unique_ptr<store::Store> store;
  Metrics metrics;
  EventHub hub;
  std::unique_ptr<Service> service;
  Router router;
  std::unique_ptr<Api> api;
  std::unique_ptr<HttpServer> http;
  std::string blue, red;

  // write_threads 0: the service's default (ServiceOptions::write_threads).
  explicit Harness(double period_s = 1.0, int write_threads = 0) {
    dir = (std::filesystem::temp_directory_path() / ("dc-bench-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    auto opened = store::Open("sqlite:" + dir);
    if (!opened.ok()) std::abort();
    store = std::move(opened.value());
    ServiceOptions o;
    o.detection_period_s = period_s;
    if (write_threads > 0) o.write_threads = write_threads;
    o.admin_token_hash = record::TokenHashHex("admin");
    ApiOptions ao;
    ao.rate.rate_per_s = 0;  // the load client is one party hammering
    ao.body_limit_bytes = 8 << 20;
    o.max_tracks_per_batch = 100000;
    service = std::make_unique<Service>(o, *store, hub, metrics);
    (void)service->Load();
    service->RegisterRoutes(router);
    api = std::make_unique<Api>(ao, router, hub, metrics, service->MakeHooks());
    HttpOptions ho;
    ho.port = 0;
    ho.threads = 2;
    ho.max_connections_per_client = 1024;  // every load client connects from 127.0.0.1
    http = std::make_unique<HttpServer>(ho, *api);
    (void)http->Start();
    service->Start();
    (void)service->CreateParty("blue", "", "");
    (void)service->CreateParty("red", "", "");
    blue = *service->IssueToken("blue", "bench");
    red = *service->IssueToken("red", "bench");
  }
  ~Harness() {
    http->Shutdown();
    service->Stop();
    service.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

// A keep-alive HTTP/1.1 client.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) { stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port)); }
  int Post(const std::string& target, const std::string& token, std::string body, std::string* out = nullptr) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buf_, res);
    if (out) *out = res.body();
    return static_cast<int>(res.result_int());
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
};

// A batch of one party's aircraft spread over 20 x 20 degrees (as busy as a continent's airspace); blue flies
// 5000-8000 m and red 8500-11500 m, so detection runs over everything without an alert storm.
std::string TrackBatch(const std::string& prefix, int first, int n, bool high, double t) {
  std::string s = "{\"tracks\":[";
  for (int i = 0; i < n; ++i) {
    const int k = first + i;
    const double lat = 30.0 + (k % 100) * 0.2 + (high ? 0.1 : 0), lon = 5.0 + (k / 100) * 0.4;
    if (i) s += ',';
    s += "{\"id\":\"" + prefix + std::to_string(k) + "\",\"lat_deg\":" + std::to_string(lat) +
         ",\"lon_deg\":" + std::to_string(lon) + ",\"alt_m\":" + std::to_string((high ? 8500 : 5000) + (k % 30) * 100) +
         ",\"gs_mps\":200,\"trk_deg\":" + std::to_string(std::fmod(k * 37.0 + t, 360.0)) + ",\"vs_mps\":0}";
  }
  return s + "]}";
}

void BM_TrackIngest(benchmark::State& state) {
  Harness h;
  const int clients = 4, batch = 1000, aircraft_per_party = 5000;
  std::atomic<int64_t> tracks{0};
  for (auto _ : state) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    const auto t0 = std::chrono::steady_clock::now();
    for (int c = 0; c < clients; ++c)
      ts.emplace_back([&, c] {
        Client cl(h.http->port());
        const std::string& token = c % 2 ? h.red : h.blue;
        const std::string prefix = c % 2 ? "r" : "b";
        for (int round = 0; !stop; ++round) {
          const int first = ((round * (clients / 2) + c / 2) * batch) % aircraft_per_party;
          if (cl.Post("/v1/tracks", token, TrackBatch(prefix, first, batch, c % 2 == 1, round)) == 200)
            tracks += batch;
        }
      });
    std::this_thread::sleep_for(std::chrono::seconds(5));
    stop = true;
    for (auto& t : ts) t.join();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.SetItemsProcessed(tracks.load());
  state.counters["tracks_per_s"] = benchmark::Counter(static_cast<double>(tracks.load()), benchmark::Counter::kIsRate);
  state.counters["tracks_held"] = static_cast<double>(h.service->track_count());
  state.counters["open_alerts"] = static_cast<double>(h.service->open_alert_count());
}
BENCHMARK(BM_TrackIngest)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

// Argument: write threads (0 = the default of `deconflict serve`).
void BM_OperationSubmit(benchmark::State& state) {
  Harness h(1.0, static_cast<int>(state.range(0)));
  const int clients = 64;
  std::atomic<int64_t> ok{0}, refused{0};
  const double now = static_cast<double>(std::time(nullptr));
  for (auto _ : state) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    const auto t0 = std::chrono::steady_clock::now();
    for (int c = 0; c < clients; ++c)
      ts.emplace_back([&, c] {
        Client cl(h.http->port());
        for (int i = 0; !stop; ++i) {
          // Operations of both parties packed in one area, separated in altitude bands and time so they are
          // checked against each other but accepted.
          const int k = i * clients + c;
          const double lat = 47.0 + (k % 50) * 0.01, lon = 8.0 + ((k / 50) % 50) * 0.01;
          const std::string body =
              "{\"id\":\"op-" + std::to_string(c) + "-" + std::to_string(i) + "\",\"priority\":1,\"volumes\":[{" +
              "\"outline_circle\":{\"center\":{\"lat\":" + std::to_string(lat) + ",\"lng\":" + std::to_string(lon) +
              "},\"radius\":300},\"altitude_lower\":" + std::to_string((k % 40) * 50) + ",\"altitude_upper\":" +
              std::to_string((k % 40) * 50 + 30) + ",\"time_start\":" + std::to_string(now + 600 + (k / 2500) * 4000) +
              ",\"time_end\":" + std::to_string(now + 600 + (k / 2500) * 4000 + 3600) + "}]}";
          const int code = cl.Post("/v1/operations", c % 2 ? h.red : h.blue, body);
          if (code == 201) ++ok;
          else ++refused;
        }
      });
    std::this_thread::sleep_for(std::chrono::seconds(5));
    stop = true;
    for (auto& t : ts) t.join();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.SetItemsProcessed(ok.load());
  state.counters["ops_per_s"] = benchmark::Counter(static_cast<double>(ok.load()), benchmark::Counter::kIsRate);
  state.counters["refused"] = static_cast<double>(refused.load());
  auto st = h.store->stats();
  state.counters["commits"] = static_cast<double>(st.commits);
  state.counters["max_group"] = static_cast<double>(st.max_batch);
}
BENCHMARK(BM_OperationSubmit)->Arg(0)->Arg(32)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

void BM_AlertLatency(benchmark::State& state) {
  Harness h(1.0);
  // Watch blue's stream in process: the hub wakes us when the alert event is published.
  std::vector<double> ms;
  int round = 0;
  for (auto _ : state) {
    ++round;
    const uint64_t before = h.hub.LastId("blue");
    Client cl(h.http->port());
    const std::string bid = "LB" + std::to_string(round), rid = "LR" + std::to_string(round);
    const double lat = 30.0 + round * 0.5;
    const auto t0 = std::chrono::steady_clock::now();
    cl.Post("/v1/tracks", h.red, "{\"tracks\":[{\"id\":\"" + rid + "\",\"lat_deg\":" + std::to_string(lat) +
                                     ",\"lon_deg\":38.3,\"alt_m\":6000,\"gs_mps\":200,\"trk_deg\":270}]}");
    cl.Post("/v1/tracks", h.blue, "{\"tracks\":[{\"id\":\"" + bid + "\",\"lat_deg\":" + std::to_string(lat) +
                                      ",\"lon_deg\":38.0,\"alt_m\":6000,\"gs_mps\":200,\"trk_deg\":90}]}");
    std::mutex mu;
    std::condition_variable cv;
    bool seen = false;
    uint64_t after = before;
    const auto deadline = t0 + std::chrono::seconds(5);
    while (!seen && std::chrono::steady_clock::now() < deadline) {
      auto batch = h.hub.Read("blue", after, 1000);
      if (!batch.ok()) break;
      for (const auto& e : batch->events)
        if (e.type == "alert" && e.data.find(bid) != std::string::npos) seen = true;
      after = batch->through;
      if (seen) break;
      std::unique_lock lock(mu);
      bool woke = false;
      const uint64_t ticket = h.hub.Wait("blue", after, [&] {
        std::lock_guard l(mu);
        woke = true;
        cv.notify_all();
      });
      cv.wait_until(lock, deadline, [&] { return woke; });
      h.hub.Cancel(ticket);
    }
    const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(elapsed / 1000);
    if (seen) ms.push_back(elapsed);
  }
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms.empty() ? -1.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  state.counters["p50_ms"] = q(0.5);
  state.counters["p99_ms"] = q(0.99);
  state.counters["max_ms"] = ms.empty() ? -1.0 : ms.back();
  state.counters["seen"] = static_cast<double>(ms.size());
}
BENCHMARK(BM_AlertLatency)->UseManualTime()->Iterations(30)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
