#pragma once
// The record writer: the consumer side of the records ring and the one
// thread that does blocking file I/O. The loop thread pushes serialized
// records (each one JSON object) into the ring; this thread drains them into
// batch files (store/batch_format.hpp) written durably
// (store/durable_file.hpp) and keeps the directory within its retention
// (store/retention.hpp).
//
// Records leave the ring only after the batch holding them has been renamed
// into place. A write error (ENOSPC, EROFS, a missing directory...) keeps
// them in the ring and the writer retries with exponential backoff; while
// the ring is full the producer's pushes fail and the loop counts the drops.
// Nothing is lost silently, and the writer recovers by itself once space
// returns.
//
// The ring is drained continuously: whenever the writer is awake it moves
// what the ring holds into the batch being assembled (the batch buffer of
// max_batch x record_bytes) and frees those slots at once, so records keep
// arriving into an empty ring while the previous batch is fsynced. A batch
// is written when it has max_batch ring slots, i.e. its buffer is full
// (an HTTP record takes a slot, the loop packs about a dozen StatsD timer
// records into one),
// flush_interval after its first record, or at once for a durable request;
// under load the next batch takes everything that arrived meanwhile (group
// commit), so files grow instead of fsyncs multiplying. If the write
// fails the batch stays in the batch buffer and is retried as it is (under
// a new name); until a write succeeds the writer does not drain the ring,
// which fills behind the batch, and its drops are counted. pending() (pushed and not yet persisted) is what waits, in the
// ring or in the batch.
//
// Wake-ups are rare by design. The writer sleeps in poll() on an eventfd
// with a timeout, and before sleeping it publishes how many records in the
// ring would make it worth waking (1 when nothing is pending; otherwise
// what completes the batch, or a quarter ring if that comes first; nothing
// while backing off). The producer's notify_if_needed() writes the eventfd
// only when that many are waiting, and only once per sleep: one write when
// a quiet ring gets its first record, one when a batch fills, none per
// record. The timeout flushes a partial batch flush_interval after the
// writer first saw it.
//
// Durable acknowledgements ([store] ack = durable): every record pushed has
// a sequence number (pushed() after its push), and durable() is how many
// records have left the ring after their batch was fsynced and renamed. A
// producer waiting for sequence s calls request_durable(s): the writer then
// flushes at once whatever is in the ring, ignoring the batch threshold and
// flush_interval (group commit: everything that arrived while the previous
// fsync ran shares the next one), and calls the durable hook after each
// batch so the loop can answer its waiting requests. Like notify_if_needed,
// a request costs one atomic exchange and at most one eventfd write per
// writer cycle.
#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/spsc_ring.hpp"
#include "core/status.hpp"
#include "store/batch_format.hpp"
#include "store/durable_file.hpp"
#include "store/job_mailbox.hpp"
#include "store/retention.hpp"
#include "sys/fs.hpp"

namespace edgestat::store {

// Why a write failed, as the `reason` label of write_errors.
enum class WriteErrorReason : uint8_t { NoSpace, ReadOnly, NoDirectory, Permission, Io, Other };
inline constexpr size_t kWriteErrorReasons = 6;
// The `reason` label of edgestat_store_write_errors_total: "no_space",
// "read_only", "no_directory", "permission", "io", "other".
std::string_view write_error_reason_name(WriteErrorReason r);
WriteErrorReason classify_errno(int err);

struct RecordWriterConfig {
  // Existing directory for batch files. It is not created: on a missing
  // mount point that would fill the flash underneath.
  const char* directory = nullptr;
  uint32_t ring_slots = 4096;  // power of two
  uint32_t slot_bytes = 1536;  // 4-byte length + largest record
  uint32_t max_batch = 1000;   // ring slots that make a batch due (more under load)
  uint32_t flush_interval_ms = 5000;
  RetentionPolicy retention;
  uint32_t backoff_initial_ms = 1000;
  uint32_t backoff_max_ms = 60000;
};

// A copy of the writer's counters, taken with relaxed loads (each value is
// exact, the set is not one instant).
struct RecordWriterStats {
  uint64_t total_persisted = 0;  // records in renamed batch files
  uint64_t batches_written = 0;
  uint64_t bytes_written = 0;
  uint64_t records_rejected = 0;  // not a JSON object: dropped by the writer
  uint64_t files_removed = 0;     // by retention
  uint64_t wakeups_sent = 0;      // eventfd writes by notify_if_needed()
  uint64_t write_errors[kWriteErrorReasons] = {};
  int64_t last_flush_unix_us = 0;  // batch_timestamp of the last file
  uint64_t last_batch_id = 0;
  int last_errno = 0;  // 0 after a successful write
  WriteStage last_error_stage = WriteStage::None;
  WriteErrorReason last_error_reason = WriteErrorReason::Other;
  uint32_t current_backoff_ms = 0;  // 0 when healthy
  bool running = false;
};

class RecordWriter {
 public:
  // Batches above this are a config error: a million records is minutes of
  // a busy router's traffic in one file.
  static constexpr uint32_t kMaxBatch = 1u << 20;
  // Shortest flush interval accepted; shorter only multiplies files.
  static constexpr uint32_t kMinFlushIntervalMs = 10;
  // When the ring is empty the writer still wakes this often so age-based
  // retention runs on a quiet box.
  static constexpr int64_t kIdleWakeMs = 60000;
  // Retries during stop() ignore the backoff and come this often.
  static constexpr int64_t kStopRetryMs = 100;
  // While backing off after ENOSPC, the directory's free space is checked
  // (one statfs) this often, and the write retried at once when the space
  // has grown enough for the failed batch: a disk freed by a shipper or an
  // operator resumes writing within this, not after a backoff of up to
  // backoff_max.
  static constexpr int64_t kSpaceProbeMs = 250;
  // The thread's stack: DirReader's 8 KiB, retention's 4 KiB heap and a log
  // line, with a wide margin (musl's default is 128 KiB, glibc's 8 MiB).
  static constexpr size_t kStackBytes = 128 * 1024;

  RecordWriter() = default;
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Validates the config and reserves the ring, the batch buffer and the
  // eventfd. Nothing is allocated after this.
  Status init(const RecordWriterConfig& cfg);
  // Starts the writer thread. Start-up work (stale temps, batch id and name
  // recovery, retention) happens on that thread before its first write.
  Status start();
  // Flushes what is in the ring, giving up at deadline (monotonic_ns()),
  // and joins the thread. Returns the records left unwritten (0: all
  // persisted). Call from the producer's thread after its last push.
  uint64_t stop(int64_t deadline_ns);

  // Other blocking file work (the export spool) runs on this thread too,
  // between batches; attach before start(). The mailbox wakes the writer.
  void attach_jobs(JobMailbox* m);

  // ---- producer side (the loop thread) ----

  // Copies one record into the ring; false when full or too large (the
  // caller counts the drop).
  bool push(const void* p, uint32_t n) {
    if (!ring_.try_push(p, n)) return false;
    ++pushed_;
    return true;
  }
  bool push(std::string_view r) { return r.size() <= UINT32_MAX && push(r.data(), static_cast<uint32_t>(r.size())); }
  // Wakes the writer if it asked to be woken at the current fill level.
  // Call after one or more pushes; costs one atomic read-modify-write, and
  // a write(2) at most once per writer sleep.
  void notify_if_needed();
  SpscRing& ring() { return ring_; }
  const SpscRing& ring() const { return ring_; }
  // Records pushed so far: the sequence number of the last one.
  uint64_t pushed() const { return pushed_; }
  // Records pushed and not yet persisted (in the ring or in the batch the
  // writer is assembling or retrying). Producer thread, or after stop().
  uint64_t pending() const { return pushed_ - durable(); }
  // Asks the writer to persist every record up to seq now (not waiting for
  // a full batch or flush_interval).
  void request_durable(uint64_t seq);

  // ---- any thread ----
  // Records persisted and removed from the ring (in push order): every
  // sequence number <= durable() is in a renamed, fsynced batch file.
  uint64_t durable() const { return durable_.load(std::memory_order_seq_cst); }
  // Called on the writer thread after a batch was persisted while a
  // request_durable() waited (uv_async_send, for the loop). Set before start().
  void set_durable_hook(void (*fn)(void*), void* ctx) {
    durable_hook_ = fn;
    durable_hook_ctx_ = ctx;
  }

  RecordWriterStats stats() const;
  uint32_t max_record_bytes() const { return ring_.max_payload(); }

 private:
  static void* thread_main(void* self);
  static void wake(void* self);
  void run();
  void prepare();
  void stage(uint32_t available);
  bool flush();
  void sleep(uint32_t want, int64_t timeout_ns);
  void run_retention(int64_t now_us);
  bool retention_due(int64_t now_us) const;
  void note_error(const WriteOutcome& w);
  void persisted(uint32_t k);
  bool free_bytes(uint64_t* out) const;
  bool space_returned() const;

  // Shared with the producer.
  SpscRing ring_;
  // 0: writer awake or backing off; k > 0: wake it once k records wait.
  alignas(SpscRing::kCacheLine) std::atomic<uint32_t> wake_threshold_{0};
  std::atomic<bool> stop_{false};
  // Durable acknowledgements: the highest sequence a producer waits for,
  // whether its wake is already sent this cycle, and what is persisted.
  alignas(SpscRing::kCacheLine) std::atomic<uint64_t> durable_want_{0};
  std::atomic<bool> durable_wake_sent_{false};
  alignas(SpscRing::kCacheLine) std::atomic<uint64_t> durable_{0};
  void (*durable_hook_)(void*) = nullptr;
  void* durable_hook_ctx_ = nullptr;
  uint64_t pushed_ = 0;  // producer only
  std::atomic<int64_t> stop_deadline_ns_{0};
  int event_fd_ = -1;
  JobMailbox* jobs_ = nullptr;

  // Counters: written by the writer thread (the producer owns wakeups_sent_),
  // read anywhere with relaxed loads.
  std::atomic<uint64_t> total_persisted_{0}, batches_written_{0}, bytes_written_{0}, records_rejected_{0};
  std::atomic<uint64_t> files_removed_{0}, wakeups_sent_{0}, last_batch_id_{0};
  std::atomic<uint64_t> write_errors_[kWriteErrorReasons] = {};
  std::atomic<int64_t> last_flush_unix_us_{0};
  std::atomic<int> last_errno_{0};
  std::atomic<uint8_t> last_error_stage_{0}, last_error_reason_{0};
  std::atomic<uint32_t> backoff_ms_{0};
  std::atomic<bool> running_{false};

  // Writer thread only.
  RecordWriterConfig cfg_;
  PathBuf dir_;
  char* batch_buf_ = nullptr;
  size_t batch_cap_ = 0;
  // Wake when this many slots wait in the ring and the batch has room: a
  // quarter of the ring, so the writer's wake-up latency on a busy box and
  // the previous batch's fsync have the other three quarters to fill.
  uint32_t drain_at_ = 0;
  // The batch being assembled in batch_buf_: staged_ records taken from the
  // ring (valid or rejected), their slots already freed.
  BatchBuilder batch_;
  uint32_t staged_ = 0, staged_rejected_ = 0;
  bool batch_full_ = false;  // the buffer refused a record: write before staging more
  bool prepared_ = false;
  uint64_t next_batch_id_ = 0;
  int64_t last_name_us_ = 0;
  uint32_t backoff_next_ms_ = 0;
  // After an ENOSPC: the size of the batch that did not fit and the free
  // space then (space_returned() compares with both).
  bool space_probe_ = false;
  uint64_t failed_bytes_ = 0, free_at_failure_ = 0;
  // Retention bookkeeping from the last scan plus what was written since,
  // so the directory is scanned only when a limit may be crossed.
  uint64_t tracked_files_ = 0, tracked_bytes_ = 0;
  int64_t tracked_oldest_us_ = 0;
  int64_t retention_pause_until_ns_ = 0;  // after a failed pass, no rescan before this

  pthread_t thread_{};
  bool started_ = false;
};

}  // namespace edgestat::store
