// The writes of a store, queued and run in order on one writer thread, several at a time: a backend commits each
// group together (SQLite: one fsync for the group, docs/storage.md "Group commit"). Shared by every backend.
//
// Thread-safe. REQUIRES: run (given at construction) calls no method of this queue; it returns one status per job
// of the group, which the queue hands to the jobs' `done` (on the writer thread).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace deconflict::store {

class WriteQueue {
 public:
  struct Job {
    std::function<Status(WriteTx&)> fn;
    std::function<void(Status)> done;
  };
  // Runs a group of at most max_group jobs, in queue order; returns their statuses in the same order.
  using RunGroup = std::function<std::vector<Status>(const std::vector<Job*>& group)>;

  // Starts the writer thread. REQUIRES: max_group >= 1.
  WriteQueue(std::size_t max_group, RunGroup run);
  // Close().
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Store::Write: queues fn and waits for its group to finish. kInternal when called on the writer thread (from
  // inside a write function or a `done`), kIo once closed.
  Status Write(const std::function<Status(WriteTx&)>& fn);
  // Store::WriteAsync: queues fn; done(status) is called once, on the writer thread (at once with kIo if closed).
  void WriteAsync(std::function<Status(WriteTx&)> fn, std::function<void(Status)> done);
  // Runs what is queued, then stops the writer thread; later writes get kIo ("store is closed").
  void Close();
  bool OnWriterThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  // Queues a job; gives it back when the queue is closed.
  std::unique_ptr<Job> Enqueue(std::unique_ptr<Job> job);
  void Loop();

  const std::size_t max_group_;
  const RunGroup run_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace deconflict::store
