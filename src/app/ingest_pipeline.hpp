#pragma once
// Where ingested data goes: the operation and StatsD aggregators, the
// history ring, and the records ring feeding the writer thread. The HTTP
// API (ingest_api.hpp) and the StatsD listener (statsd_listener.hpp) hand
// records and datagrams in; /metrics, /health and /api/v1/stats read the
// counters out (ingest_metrics.cpp).
//
// Threads: everything here runs on the loop thread except the writer's
// consumer side (store/record_writer.hpp). The loop never blocks on the
// writer: a push that does not fit is refused (HTTP 503 with Retry-After,
// the records untouched) or dropped and counted (StatsD timers, history
// snapshots) in edgestat_ring_dropped_total{source}. After each HTTP body
// and each StatsD read burst the caller calls notify_writer() once, which
// wakes the writer only when it asked to be woken at this fill level: at
// most once per batch, never per record.
#include <cstdint>
#include <string_view>

#include "app/history_store.hpp"
#include "config/config.hpp"
#include "health/health.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/history.hpp"
#include "ingest/record.hpp"
#include "ingest/statsd.hpp"
#include "metrics/snapshot.hpp"
#include "store/record_writer.hpp"

namespace edgestat {

// Why a POST /api/v1/operations body was refused whole.
enum class RefuseReason : uint8_t { Syntax, Validation, TooLarge, RingFull };
inline constexpr size_t kRefuseReasons = 4;
std::string_view refuse_reason_name(RefuseReason r);

// How a POST answered under [store] ack = durable (app/durable_acks.hpp):
// 202 once durable, 503 at ack_timeout, or the client had left.
enum class AckResult : uint8_t { Durable, Timeout, Gone };
inline constexpr size_t kAckResults = 3;
std::string_view ack_result_name(AckResult r);

// Loop-thread counters behind the ingest families and /api/v1/stats.
struct IngestCounters {
  uint64_t http_records = 0, statsd_records = 0;
  uint64_t http_refused[kRefuseReasons] = {};  // requests
  uint64_t statsd_datagrams = 0, statsd_lines = 0;
  uint64_t statsd_kernel_drops = 0;  // UDP datagrams the kernel dropped (receive buffer full)
  uint64_t statsd_malformed[ingest::kStatsdErrorCount] = {};
  uint64_t recorded = 0;  // records pushed into the ring
  uint64_t dropped_http = 0, dropped_statsd = 0, dropped_history = 0;
  uint64_t acks[kAckResults] = {};
};

class IngestPipeline {
 public:
  IngestPipeline() = default;
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;
  ~IngestPipeline();

  // Reserves everything; false (logged) on a config error or short memory.
  // jobs: blocking file work for the writer thread from other modules (the
  // export spool); the writer then runs even with [store] enabled = false.
  // loop: for the pipeline's own mailbox when [history] persist needs one
  // and jobs is null (none: the history is not saved while running).
  // lxc: the lxc collector runs (the default history charts containers).
  bool init(const Config& c, store::JobMailbox* jobs = nullptr, uv_loop_t* loop = nullptr, bool lxc = false);
  // Stop signal: closes the pipeline's own mailbox handle, if any.
  void close_handles();
  // Starts the writer thread (after init, before uv_run).
  bool start();
  // After uv_run returned (no more pushes): writes out the ring, giving up
  // at deadline_ns (monotonic), and joins the writer.
  void stop(int64_t deadline_ns);

  // ---- HTTP records (two passes: check every record, then accept all) ----
  ingest::OperationRecord& scratch() { return *scratch_; }
  // [ingest] personal_keys, live across reloads.
  const KeyPatterns& personal_keys() const { return cfg_->ingest.personal_keys.patterns; }
  // Whether r serializes within a ring slot.
  bool fits(const ingest::OperationRecord& r, std::string_view ts);
  // Aggregates r and pushes it into the ring (room was checked).
  void accept_http(ingest::OperationRecord& r, int64_t now_us, std::string_view ts);
  void refuse_http(RefuseReason why, uint64_t dropped_records = 0);
  bool store_on() const { return store_on_; }
  // Ring capacity and free slots (0 and 0 with the store off).
  uint32_t ring_capacity();
  uint32_t ring_room();

  // ---- StatsD ----
  // One datagram (possibly cut by the kernel: its last line is dropped).
  void statsd_datagram(std::string_view d, bool truncated, int64_t now_us, std::string_view ts);

  // ---- [store] ack = durable (app/durable_acks.hpp) ----
  // Sequence number of the last record pushed, and of the last persisted.
  uint64_t pushed_seq() const { return writer_.pushed(); }
  uint64_t durable_seq() const { return writer_.durable(); }
  void request_durable(uint64_t seq) { writer_.request_durable(seq); }
  void set_durable_hook(void (*fn)(void*), void* ctx) { writer_.set_durable_hook(fn, ctx); }
  void count_ack(AckResult r) { ++n_.acks[static_cast<size_t>(r)]; }
  // The socket's drop count went up by n (SO_RXQ_OVFL).
  void count_kernel_drops(uint64_t n) { n_.statsd_kernel_drops += n; }

  // After a burst of pushes: push the packed StatsD slot, wake the writer
  // if it asked to be.
  void notify_writer() {
    if (!store_on_) return;
    flush_pack();
    writer_.notify_if_needed();
  }

  // After every snapshot refresh: history, and its record when persisted.
  void on_refresh(const Snapshot& snap);

  // ---- reading out (ingest_metrics.cpp) ----
  void add_metrics(Snapshot& snap) const;
  HealthCheck health() const;
  void render_stats_json(OutBuffer& out) const;
  const ingest::OperationAggregator& operations() const { return ops_; }
  const ingest::History& history() const { return history_; }
  double interval_seconds() const { return cfg_ ? static_cast<double>(cfg_->collect.interval_ms) / 1000 : 0; }
  const IngestCounters& counters() const { return n_; }

 private:
  bool carries_personal_data(const ingest::StatsdLine& l) const;
  void timer_line(const ingest::StatsdLine& l, int64_t now_us, std::string_view ts);
  bool push_record(const ingest::OperationRecord& r, std::string_view ts, uint64_t* dropped);
  bool pack_record(const ingest::StatsdLine& l, std::string_view ts);
  void flush_pack();

  const Config* cfg_ = nullptr;
  ingest::OperationAggregator ops_;
  ingest::StatsdAggregator statsd_;
  ingest::History history_;
  HistoryStore history_store_;
  store::JobMailbox own_jobs_;
  bool own_jobs_on_ = false;
  store::RecordWriter writer_;
  bool store_on_ = false;
  bool writer_on_ = false;  // records, or mailbox jobs only
  bool started_ = false;
  ingest::OperationRecord* scratch_ = nullptr;
  char* rec_buf_ = nullptr;  // one serialized record
  size_t rec_cap_ = 0;
  // StatsD timer records of one read burst, packed one a line into one
  // ring slot (a slot is record_bytes; a timer record is ~150 bytes, so a
  // slot carries about a dozen): a burst of lines costs a dozen times fewer
  // slots and the default ring absorbs 100k lines/s. The writer splits the
  // slot back into records. Pushed when full and at the end of each burst.
  char* pack_buf_ = nullptr;
  size_t pack_len_ = 0;
  uint32_t pack_n_ = 0;
  IngestCounters n_;
};

}  // namespace edgestat
