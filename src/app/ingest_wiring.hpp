#pragma once
// The ingest path wired into the Agent's loop: POST /api/v1/operations,
// StatsD over UDP and a unix datagram socket, the aggregators, the history
// ring, and the records ring feeding the writer thread, plus the read
// endpoints (/api/v1/operations, /api/v1/stats, /api/v1/history), the
// /metrics families and the "store" /health check.
//
// Threads: everything here runs on the loop thread except the writer's
// consumer side (store/record_writer.hpp). The loop never blocks on the
// writer: a push that does not fit is refused (HTTP 503 with Retry-After,
// the records untouched) or dropped and counted (StatsD timers, history
// snapshots) in edgestat_ring_dropped_total{source}. After each HTTP body
// and each StatsD read burst the loop calls notify_if_needed() once, which
// wakes the writer only when it asked to be woken at this fill level: at
// most once per batch, never per record.
#include <uv.h>

#include <cstdint>

#include "config/config.hpp"
#include "health/health.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/history.hpp"
#include "ingest/record.hpp"
#include "ingest/statsd.hpp"
#include "metrics/snapshot.hpp"
#include "store/record_writer.hpp"

namespace edgestat {

class IngestWiring {
 public:
  // Datagrams read per recvmmsg(2) call, and the buffer for each: StatsD
  // clients keep datagrams under 1.5 KiB (or 8 KiB on loopback); a longer
  // one is cut by the kernel and its cut last line is counted "truncated".
  static constexpr unsigned kRecvBatch = 32;
  static constexpr size_t kMaxDatagram = 8192;
  // recvmmsg calls per readable event before yielding to the rest of the
  // loop (HTTP must not starve under a StatsD flood): 32 x 32 datagrams.
  static constexpr int kRecvRounds = 32;

  IngestWiring() = default;
  IngestWiring(const IngestWiring&) = delete;
  IngestWiring& operator=(const IngestWiring&) = delete;
  ~IngestWiring();

  // Reserves everything, binds the StatsD sockets and adds the routes.
  // False (logged) on a config error, a bind failure or short memory.
  bool init(const Config& c, uv_loop_t* loop, http::Router& router, http::BodyPool& pool);
  // Starts the writer thread (after init, before uv_run).
  bool start();
  // Stop signal: closes the StatsD handles so the loop can end.
  void close_handles();
  // After uv_run returned (no more pushes): writes out the ring, giving up
  // at deadline_ns (monotonic), and joins the writer.
  void stop(int64_t deadline_ns);

  // After every snapshot refresh: history, and its record when persisted.
  void on_refresh(const Snapshot& snap);
  // Adds the ingest, ring and store families to the snapshot.
  void add_metrics(Snapshot& snap) const;
  HealthCheck health() const;

  // Internal, for the callbacks in ingest_wiring.cpp.
  struct Impl;
  friend struct Impl;

 private:
  struct DgramSocket {
    uv_poll_t poll;
    int fd = -1;
    bool open = false;
    IngestWiring* owner = nullptr;
  };

  const Config* cfg_ = nullptr;
  http::BodyPool* pool_ = nullptr;
  ingest::OperationAggregator ops_;
  ingest::StatsdAggregator statsd_;
  ingest::History history_;
  store::RecordWriter writer_;
  bool store_on_ = false;
  bool started_ = false;
  ingest::OperationRecord* scratch_ = nullptr;
  char* rec_buf_ = nullptr;  // one serialized record
  size_t rec_cap_ = 0;
  char* dgram_bufs_ = nullptr;  // kRecvBatch x kMaxDatagram
  DgramSocket udp_, unix_;
  FixedString<255> unix_path_;

  // Loop-thread counters.
  uint64_t http_records_ = 0, statsd_records_ = 0;
  uint64_t http_refused_[4] = {};  // syntax, validation, too_large, ring_full (requests)
  uint64_t statsd_datagrams_ = 0, statsd_lines_ = 0;
  uint64_t statsd_malformed_[ingest::kStatsdErrorCount] = {};
  uint64_t recorded_ = 0;  // records pushed into the ring
  uint64_t dropped_http_ = 0, dropped_statsd_ = 0, dropped_history_ = 0;
};

}  // namespace edgestat
