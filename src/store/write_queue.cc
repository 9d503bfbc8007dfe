#include "store/write_queue.h"

#include <future>

namespace deconflict::store {

WriteQueue::WriteQueue(std::size_t max_group, RunGroup run) : max_group_(max_group), run_(std::move(run)) {
  thread_ = std::thread([this] { Loop(); });
}

WriteQueue::~WriteQueue() { Close(); }

void WriteQueue::Close() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && !OnWriterThread()) thread_.join();  // runs what is queued first
}

std::unique_ptr<WriteQueue::Job> WriteQueue::Enqueue(std::unique_ptr<Job> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return job;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return nullptr;
}

void WriteQueue::WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done) {
  if (auto refused = Enqueue(std::make_unique<Job>(Job{std::move(fn), std::move(done)}))) {
    refused->done(Status::Io("store is closed"));
  }
}

Status WriteQueue::Write(const std::function<Status(WriteTx&)>& fn) {
  if (OnWriterThread()) {
    return Status::Internal("Store::Write called from inside a write function; use its WriteTx instead");
  }
  std::promise<Status> promise;
  std::future<Status> result = promise.get_future();
  // fn is borrowed: Write does not return before the job is finished with it.
  auto job = std::make_unique<Job>(Job{[&fn](WriteTx& tx) { return fn(tx); },
                                       [&promise](Status s) { promise.set_value(std::move(s)); }});
  if (Enqueue(std::move(job))) return Status::Io("store is closed");
  return result.get();
}

void WriteQueue::Loop() {
  for (;;) {
    std::vector<std::unique_ptr<Job>> group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      while (!queue_.empty() && group.size() < max_group_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Job*> jobs;
    for (auto& j : group) jobs.push_back(j.get());
    std::vector<Status> results = run_(jobs);
    results.resize(group.size(), Status::Internal("write was not run"));
    for (std::size_t i = 0; i < group.size(); ++i) {
      try {
        group[i]->done(results[i]);
      } catch (...) {
        // A completion callback must not throw; the write's outcome stands regardless.
      }
    }
  }
}

}  // namespace deconflict::store
