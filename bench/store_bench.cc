// Durable store writes per second (docs/storage.md): record appends, and operation submissions as the
// server makes them (a compare-and-set document write plus its record entry, in one transaction).
// Target: >= 2,000 durable operation submissions per second. Each Write returns only after its commit
// was fsync'ed (WAL, synchronous=FULL); concurrent writers share fsyncs (group commit).
// The data directory is under $DECONFLICT_BENCH_DIR or the system temp directory (must be a real disk
// for the numbers to mean anything; tmpfs makes fsync free).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace {

using namespace deconflict;

std::unique_ptr<store::Store> g_store;
std::string g_dir;
std::atomic<long> g_next{0};

// A realistic operation body: an F3548-style intent with one 4-D volume (about 600 bytes).
const std::string kBody =
    R"({"priority":10,"state":"Accepted","uss_base_url":"https://uss.alpha.example/utm","volumes":[{"volume":)"
    R"({"outline_polygon":{"vertices":[{"lat":47.3976,"lng":8.5451},{"lat":47.3981,"lng":8.5532},)"
    R"({"lat":47.3932,"lng":8.5541},{"lat":47.3927,"lng":8.5460},{"lat":47.3976,"lng":8.5451}]},)"
    R"("altitude_lower":{"value":0,"reference":"W84","units":"M"},"altitude_upper":{"value":120,"reference":"W84",)"
    R"("units":"M"}},"time_start":{"value":"2026-11-21T10:00:00Z","format":"RFC3339"},"time_end":{"value":)"
    R"("2026-11-21T10:30:00Z","format":"RFC3339"}}]})";

void OpenStore(bool durable, std::size_t max_group) {
  std::string base = std::getenv("DECONFLICT_BENCH_DIR") ? std::getenv("DECONFLICT_BENCH_DIR")
                                                          : std::filesystem::temp_directory_path().string();
  std::string tmpl = base + "/dc_store_bench_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  g_dir = tmpl;
  store::SqliteOptions o;
  o.data_dir = g_dir + "/data";
  o.durable = durable;
  o.max_group = max_group;
  auto s = store::OpenSqliteStore(o);
  if (!s.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", s.status().ToString().c_str());
    std::abort();
  }
  g_store = std::move(*s);
  (void)g_store->Write([](store::WriteTx& tx) {
    store::Party p{"alpha", "Alpha", "party", "", 0};
    if (Status c = tx.CreateParty(p); !c.ok()) return c;
    return tx.Append(record::EntryInput{record::kind::kParty, "admin", {"alpha"}, R"({"party":"alpha"})"}).status();
  });
}

void SetupDurable(const benchmark::State&) { OpenStore(true, 256); }
void SetupNoGroupCommit(const benchmark::State&) { OpenStore(true, 1); }
void SetupNotDurable(const benchmark::State&) { OpenStore(false, 256); }
void Teardown(const benchmark::State&) {
  g_store.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}

void ReportCommits(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  const store::StoreStats st = g_store->stats();
  state.counters["writes_per_fsync"] =
      st.commits ? static_cast<double>(st.write_calls) / static_cast<double>(st.commits) : 0.0;
}

void BM_RecordAppend(benchmark::State& state) {
  for (auto _ : state) {
    auto e = g_store->Append(record::EntryInput{record::kind::kInput, "alpha", {"bravo"},
                                                R"({"track_batch":42,"count":100})"});
    if (!e.ok()) state.SkipWithError(e.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  ReportCommits(state);
}

void BM_OperationSubmit(benchmark::State& state) {
  for (auto _ : state) {
    const std::string id = "op-" + std::to_string(g_next.fetch_add(1));
    Status s = g_store->Write([&](store::WriteTx& tx) -> Status {
      store::Document d;
      d.kind = store::DocumentKind::kOperation;
      d.id = id;
      d.owner = "alpha";
      d.state = "accepted";
      d.start_us = 1'790'000'000'000'000;
      d.end_us = 1'790'000'001'800'000;
      d.body = kBody;
      auto put = tx.PutDocument(d, store::kMustNotExist);
      if (!put.ok()) return put.status();
      return tx.Append(record::EntryInput{record::kind::kInput, "alpha", {}, kBody}).status();
    });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  ReportCommits(state);
}

// One submitting thread keeps up to range(0) operation writes in flight with WriteAsync, as an
// asynchronous server with a small thread pool does; each completes only once durable.
void BM_OperationSubmitAsync(benchmark::State& state) {
  const long window = state.range(0);
  std::mutex mu;
  std::condition_variable cv;
  long in_flight = 0;
  long failed = 0;
  for (auto _ : state) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    const std::string id = "op-" + std::to_string(g_next.fetch_add(1));
    g_store->WriteAsync(
        [id](store::WriteTx& tx) -> Status {
          store::Document d;
          d.kind = store::DocumentKind::kOperation;
          d.id = id;
          d.owner = "alpha";
          d.state = "accepted";
          d.body = kBody;
          auto put = tx.PutDocument(d, store::kMustNotExist);
          if (!put.ok()) return put.status();
          return tx.Append(record::EntryInput{record::kind::kInput, "alpha", {}, kBody}).status();
        },
        [&](Status s) {
          std::lock_guard lock(mu);
          --in_flight;
          if (!s.ok()) ++failed;
          cv.notify_all();
        });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });  // the clock still runs: count only durable writes
  if (failed) state.SkipWithError("some writes failed");
  state.SetItemsProcessed(state.iterations());
  lock.unlock();
  ReportCommits(state);
}

void BM_VerifyRecord(benchmark::State& state) {
  for (int i = 0; i < 2000; ++i) {
    (void)g_store->Append(record::EntryInput{record::kind::kInput, "alpha", {"bravo"}, kBody});
  }
  for (auto _ : state) {
    Status s = g_store->VerifyRecord();
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}

BENCHMARK(BM_RecordAppend)->Setup(SetupDurable)->Teardown(Teardown)->ThreadRange(1, 64)->UseRealTime();
BENCHMARK(BM_OperationSubmit)->Setup(SetupDurable)->Teardown(Teardown)->ThreadRange(1, 64)->UseRealTime();
BENCHMARK(BM_OperationSubmit)
    ->Name("BM_OperationSubmit_NoGroupCommit")
    ->Setup(SetupNoGroupCommit)
    ->Teardown(Teardown)
    ->Threads(1)
    ->Threads(16)
    ->UseRealTime();
BENCHMARK(BM_OperationSubmit)
    ->Name("BM_OperationSubmit_NotDurable")
    ->Setup(SetupNotDurable)
    ->Teardown(Teardown)
    ->Threads(16)
    ->UseRealTime();
BENCHMARK(BM_OperationSubmitAsync)->Setup(SetupDurable)->Teardown(Teardown)->Arg(16)->Arg(64)->Arg(256)->UseRealTime();
BENCHMARK(BM_VerifyRecord)->Setup(SetupDurable)->Teardown(Teardown)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
