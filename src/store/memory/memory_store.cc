// The in-memory store: one State under a shared mutex, writes on the WriteQueue's thread, undone when they fail.
#include "store/memory/memory_store.h"

#include <sodium.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include "record/verify.h"
#include "store/memory/memory_rows.h"
#include "store/write_queue.h"

namespace deconflict::store {
namespace memory {
namespace {

class MemoryStore final : public Store {
 public:
  MemoryStore() : signer_(record::Signer::Generate()) {
    state_key_.resize(32);
    randombytes_buf(state_key_.data(), state_key_.size());
    queue_.emplace(kMaxGroup, [this](const std::vector<WriteQueue::Job*>& group) { return RunGroup(group); });
  }
  ~MemoryStore() override { queue_.reset(); }  // runs what is queued first

  Status Write(const std::function<Status(WriteTx&)>& fn) override { return queue_->Write(fn); }
  void WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done) override {
    queue_->WriteAsync(std::move(fn), std::move(done));
  }
  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  const record::PublicKey& public_key() const override { return signer_.public_key(); }
  Result<record::Receipt> IssueReceipt(std::string_view party, std::uint64_t seq) override {
    return store::IssueReceipt(*this, signer_, party, seq);
  }
  Status VerifyRecord() override { return store::VerifyRecord(*this, signer_.public_key()); }
  Result<IntegrityReport> VerifyIntegrity(bool full) override;
  StoreStats stats() const override {
    std::lock_guard lock(stats_mu_);
    return stats_;
  }
  std::vector<std::string> open_notes() const override { return {}; }

 private:
  static constexpr std::size_t kMaxGroup = 64;

  std::vector<Status> RunGroup(const std::vector<WriteQueue::Job*>& group);
  Status RunOne(WriteQueue::Job& job, std::uint64_t* appended);

  record::Signer signer_;
  std::string state_key_;
  std::shared_mutex mu_;  // exclusive while a write runs; shared for reads
  bool writing_ = false;  // the writer thread is inside a write function (read and written by that thread only)
  State state_;
  ChainHead head_;
  mutable std::mutex stats_mu_;
  StoreStats stats_;
  std::optional<WriteQueue> queue_;  // last: its thread stops before the state goes
};

// One write: its rows under the rules, undone when it fails.
Status MemoryStore::RunOne(WriteQueue::Job& job, std::uint64_t* appended) {
  std::vector<std::function<void()>> undo;
  const ChainHead saved = head_;
  MemRows rows(state_, &undo);
  RulesTx tx(rows, head_, signer_, state_key_);
  Status s = RunWriteFunction(job.fn, tx);
  if (s.ok()) {
    *appended += tx.appended();
    return s;
  }
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
  head_ = saved;
  return s;
}

std::vector<Status> MemoryStore::RunGroup(const std::vector<WriteQueue::Job*>& group) {
  std::vector<Status> results;
  std::uint64_t appended = 0;
  {
    std::unique_lock lock(mu_);
    writing_ = true;
    for (WriteQueue::Job* job : group) results.push_back(RunOne(*job, &appended));
    writing_ = false;
  }
  std::uint64_t ok = 0;
  for (const Status& r : results) ok += r.ok() ? 1 : 0;
  std::lock_guard lock(stats_mu_);
  ++stats_.commits;
  stats_.write_calls += ok;
  stats_.write_failures += group.size() - ok;
  stats_.record_entries += appended;
  stats_.max_batch = std::max<std::uint64_t>(stats_.max_batch, group.size());
  return results;
}

Status MemoryStore::Read(const std::function<Status(ReadTx&)>& fn) {
  if (queue_->OnWriterThread() && writing_) {  // inside a write function, which holds the lock
    return Status::Internal("Store::Read called from inside a write function; use its WriteTx instead");
  }
  std::shared_lock lock(mu_);
  MemRows rows(state_, nullptr);
  try {
    return fn(rows);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("read function threw: ") + e.what());
  } catch (...) {
    return Status::Internal("read function threw a non-standard exception");
  }
}

Result<IntegrityReport> MemoryStore::VerifyIntegrity(bool full) {
  const auto t0 = std::chrono::steady_clock::now();
  IntegrityReport report;
  report.full = full;
  record::ChainVerifier verifier(signer_.public_key());
  Status s = Read([&](ReadTx& tx) {
    return tx.ScanEntries(1, [&](const record::Entry& e) -> Status {
      if (!verifier.Add(e)) return Status::Corruption(record::Describe(*verifier.failure()));
      ++report.entries_verified;
      report.head_seq = e.seq;
      return Status::Ok();
    });
  });
  if (!s.ok()) return s;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace
}  // namespace memory

Result<std::unique_ptr<Store>> OpenMemoryStore() {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  return std::unique_ptr<Store>(std::make_unique<memory::MemoryStore>());
}

}  // namespace deconflict::store
