#pragma once
// A one-slot mailbox that gives blocking file work from the loop thread to
// the writer thread (store/record_writer.hpp), which owns blocking file
// I/O: the exporter's disk spool posts its writes, reads and unlinks here
// so the loop never waits on a disk. One job runs at a time; the loop side
// keeps the others in an intrusive FIFO (each job object is embedded in its
// owner, so nothing is allocated), and learns of completions through a
// uv_async handle (async-signal-safe, no allocation).
//
//   loop:    submit(job) ... done(job) runs on the loop after run(job)
//   writer:  run_pending() between its own work, woken by wake_fn
#include <uv.h>

#include <atomic>

namespace edgestat::store {

class JobMailbox {
 public:
  struct Job {
    void (*run)(Job*) = nullptr;   // on the writer thread: blocking work
    void (*done)(Job*) = nullptr;  // on the loop thread, after run
    Job* next = nullptr;
  };

  JobMailbox() = default;
  JobMailbox(const JobMailbox&) = delete;
  JobMailbox& operator=(const JobMailbox&) = delete;

  // wake(ctx) tells the worker a job is waiting (the writer's eventfd).
  bool init(uv_loop_t* loop, void (*wake)(void*), void* wake_ctx);
  void set_wake(void (*wake)(void*), void* wake_ctx) {
    wake_ = wake;
    wake_ctx_ = wake_ctx;
  }
  // Loop thread. A job may be submitted again only after its done().
  void submit(Job* j);
  bool idle() const { return !in_flight_ && !head_; }
  // Stops delivering completions (shutdown); the worker may still run the
  // job in flight.
  void close();

  // Worker thread: runs the posted job, if any. True if one ran.
  bool run_pending();

 private:
  static void async_cb(uv_async_t* a);
  void post_next();

  std::atomic<Job*> slot_{nullptr};  // posted to the worker
  std::atomic<Job*> ran_{nullptr};   // run, completion not yet delivered
  Job* in_flight_ = nullptr;         // loop: posted and not yet done
  Job* head_ = nullptr;              // loop: waiting FIFO
  Job* tail_ = nullptr;
  uv_async_t async_{};
  bool open_ = false;
  void (*wake_)(void*) = nullptr;
  void* wake_ctx_ = nullptr;
};

}  // namespace edgestat::store
