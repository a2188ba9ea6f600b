#pragma once
// [store] ack = durable: POST /api/v1/operations exchanges parked until the
// writer thread has fsynced the batch holding their records.
//
// A parked request remembers the sequence number of its last record
// (RecordWriter::pushed() after its pushes) and asks the writer to persist
// up to it; the writer flushes at once (group commit: every request that
// arrived during the previous fsync shares the next one) and signals a
// uv_async after each batch. The async callback answers, in arrival order,
// every request whose sequence is now durable. Sequences and deadlines
// both grow in arrival order, so the table is a FIFO: completion and
// timeouts look only at its front, and one timer is armed for the front's
// deadline. A request not durable by [store] ack_timeout gets 503 with
// Retry-After (its records may still be written later).
//
// The table holds one entry per connection at most (a parked connection
// reads no further request), so it is sized [web] max_connections and is
// never full in practice; if it were, the request gets 503.
//
// Threads: everything runs on the loop except the hook, which the writer
// thread calls (uv_async_send only). The handles keep the loop alive only
// while requests wait; close() after the writer has stopped.
#include <uv.h>

#include <cstdint>

#include "http/router.hpp"

namespace edgestat {

class IngestPipeline;

class DurableAcks {
 public:
  DurableAcks() = default;
  DurableAcks(const DurableAcks&) = delete;
  DurableAcks& operator=(const DurableAcks&) = delete;
  ~DurableAcks();

  // Reserves the table and sets the writer's hook (before its start).
  bool init(uv_loop_t* loop, IngestPipeline* p, uint32_t capacity, uint64_t timeout_ms);
  bool enabled() const { return table_ != nullptr; }

  enum class Park : uint8_t { Parked, Durable, Full };
  // Parks ex (its 202 reply already built in ex.small) until records up to
  // seq are durable. Durable: they are already (answer now); Full: the
  // table is (answer 503).
  Park park(http::Exchange& ex, uint64_t seq);
  // Answers what is durable now (the async callback; tests call it).
  void complete();
  uint32_t waiting() const { return count_; }
  // After the writer thread stopped: closes the handles.
  void close();

 private:
  struct Entry {
    http::ParkTicket ticket;
    http::Reply reply;
    uint64_t seq = 0;
    uint64_t deadline_ms = 0;  // uv_now()
  };
  static void hook(void* self);
  static void async_cb(uv_async_t* a);
  static void timer_cb(uv_timer_t* t);
  void expire();
  void arm();
  void pop();

  uv_loop_t* loop_ = nullptr;
  IngestPipeline* p_ = nullptr;
  uint64_t timeout_ms_ = 0;
  Entry* table_ = nullptr;
  uint32_t cap_ = 0, head_ = 0, count_ = 0;
  uv_async_t async_{};
  uv_timer_t timer_{};
  bool open_ = false;
};

}  // namespace edgestat
