#include "store/record_writer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/checked.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "core/thread.hpp"
#include "store/batch_format.hpp"

namespace edgestat::store {
namespace {

constexpr int64_t kNsPerMs = 1000000;
// A batch file's batch_id sits in its last ~60 bytes; read a little more.
constexpr size_t kTailProbeBytes = 128;
// Room beyond a batch's bytes before a retry after ENOSPC: the temp
// file's inode and directory entry, and a block of rounding.
constexpr uint64_t kSpaceSlackBytes = 8192;
// Name collisions are bumped by one microsecond; this many in a row means
// something other than a collision (a stat that keeps failing).
constexpr int kMaxNameBumps = 1000;
// After a retention pass that failed (EROFS, EACCES) wait this long before
// scanning again, instead of rescanning after every batch.
constexpr int64_t kRetentionErrorPauseNs = 10000 * kNsPerMs;
// Batch names follow the newest name by at least a microsecond, so a small
// clock step back (an NTP correction) keeps name order = write order. A
// larger step is taken as the clock being fixed (a router that booted with
// a bad RTC): names follow the real time again rather than staying ahead.
constexpr int64_t kMaxClockStepBackUs = 10 * 1000000LL;

// The timestamp for the next batch name.
int64_t next_name_us(int64_t now_us, int64_t last_us) {
  if (now_us + kMaxClockStepBackUs < last_us) return now_us;
  return std::max(now_us, last_us + 1);
}

int64_t realtime_us() { return realtime_ns() / 1000; }

}  // namespace

std::string_view write_error_reason_name(WriteErrorReason r) {
  switch (r) {
    case WriteErrorReason::NoSpace: return "no_space";
    case WriteErrorReason::ReadOnly: return "read_only";
    case WriteErrorReason::NoDirectory: return "no_directory";
    case WriteErrorReason::Permission: return "permission";
    case WriteErrorReason::Io: return "io";
    case WriteErrorReason::Other: return "other";
  }
  return "other";
}

WriteErrorReason classify_errno(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return WriteErrorReason::NoSpace;
    case EROFS: return WriteErrorReason::ReadOnly;
    case ENOENT:
    case ENOTDIR: return WriteErrorReason::NoDirectory;
    case EACCES:
    case EPERM: return WriteErrorReason::Permission;
    case EIO: return WriteErrorReason::Io;
    default: return WriteErrorReason::Other;
  }
}

RecordWriter::~RecordWriter() {
  if (started_) stop(monotonic_ns());
  if (event_fd_ >= 0) ::close(event_fd_);
  release_array(batch_buf_, batch_cap_);
}

Status RecordWriter::init(const RecordWriterConfig& cfg) {
  if (batch_buf_) return Status::error("records writer: init called twice");
  if (!cfg.directory || !*cfg.directory) return Status::error("records writer: no directory configured");
  if (!dir_.assign(cfg.directory)) return Status::error("records directory is longer than %zu bytes", kMaxPath);
  if (cfg.max_batch == 0 || cfg.max_batch > kMaxBatch)
    return Status::error("records max_batch %u is outside [1, %u]", cfg.max_batch, kMaxBatch);
  if (cfg.flush_interval_ms < kMinFlushIntervalMs)
    return Status::error("records flush_interval %u ms is below %u ms", cfg.flush_interval_ms, kMinFlushIntervalMs);
  if (cfg.backoff_initial_ms == 0 || cfg.backoff_max_ms < cfg.backoff_initial_ms)
    return Status::error("records backoff: need 0 < initial (%u ms) <= max (%u ms)", cfg.backoff_initial_ms,
                         cfg.backoff_max_ms);
  if (!ring_.init(cfg.ring_slots, cfg.slot_bytes))
    return Status::error(
        "records ring: %u slots of %u bytes refused (slots: a power of two up to %u; slot bytes: %u..%u; or out of "
        "memory)",
        cfg.ring_slots, cfg.slot_bytes, SpscRing::kMaxSlots, SpscRing::kLengthBytes + 1, SpscRing::kMaxSlotBytes);
  uint64_t cap = 0;
  if (!checked_mul_add<uint64_t>(cfg.max_batch, uint64_t{ring_.max_payload()} + 1, BatchBuilder::kOverheadBytes, &cap,
                                 kMaxObjectBytes))
    return Status::error("records batch buffer of [store] max_batch x record_bytes is too large for this build");
  if (cfg.retention.max_bytes && cfg.retention.max_bytes < cap)
    return Status::error("records retention max_bytes %llu is smaller than one batch (%llu bytes)",
                         (unsigned long long)cfg.retention.max_bytes, (unsigned long long)cap);
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) return Status::error("records writer: eventfd: %s", std::strerror(errno));
  batch_buf_ = reserve_array<char>(static_cast<size_t>(cap));
  if (!batch_buf_) return Status::error("records batch buffer: out of memory (%llu bytes)", (unsigned long long)cap);
  batch_cap_ = static_cast<size_t>(cap);
  cfg_ = cfg;
  cfg_.directory = dir_.c_str();
  drain_at_ = std::max<uint32_t>(1, ring_.capacity() / 4);
  batch_.reset(batch_buf_, batch_cap_);
  backoff_next_ms_ = cfg.backoff_initial_ms;
  // batch_id: a counter seeded with the start time in microseconds and
  // raised past the newest batch found on disk (prepare()). Within a run
  // ids are consecutive, so a gap means a lost or removed file; across
  // restarts they keep increasing even when the directory was emptied by a
  // shipper, as long as the clock does not go back. The values stay below
  // 2^53, exact in JavaScript and every JSON parser, until the year 2255.
  next_batch_id_ = static_cast<uint64_t>(realtime_us());
  return Status::ok();
}

Status RecordWriter::start() {
  if (!batch_buf_) return Status::error("records writer: start before init");
  if (started_) return Status::error("records writer: already started");
  stop_.store(false, std::memory_order_relaxed);
  running_.store(true, std::memory_order_relaxed);
  int rc = start_thread(&thread_, &RecordWriter::thread_main, this, kStackBytes, false, "edgestat-writer");
  if (rc != 0) {
    running_.store(false, std::memory_order_relaxed);
    return Status::error("records writer: pthread_create: %s", std::strerror(rc));
  }
  started_ = true;
  return Status::ok();
}

uint64_t RecordWriter::stop(int64_t deadline_ns) {
  if (started_) {
    stop_deadline_ns_.store(deadline_ns, std::memory_order_relaxed);
    stop_.store(true, std::memory_order_release);
    // Unconditional: the eventfd counter keeps it even if the writer is
    // not yet in poll(), so the wake cannot be lost.
    uint64_t one = 1;
    ssize_t r = ::write(event_fd_, &one, sizeof one);
    (void)r;
    pthread_join(thread_, nullptr);
    started_ = false;
  }
  return pending();
}

void RecordWriter::notify_if_needed() {
  // Store-buffering handshake with sleep(): the writer publishes its
  // threshold then reads head; this thread has published head (the push)
  // and now reads the threshold. Every change to wake_threshold_ is a
  // read-modify-write with acq_rel, so the two sides' operations on it are
  // totally ordered and one of them synchronizes with the other: either this
  // read sees the writer's threshold, or the writer's exchange comes later,
  // reads from this one and then sees this thread's pushes (so it does not
  // go to sleep). An idempotent RMW instead of a seq_cst fence because
  // ThreadSanitizer models RMWs, not fences.
  uint32_t want = wake_threshold_.fetch_or(0, std::memory_order_acq_rel);
  if (want == 0 || ring_.size() < want) return;
  // One write per sleep: whoever clears the threshold first sends the wake.
  if (!wake_threshold_.compare_exchange_strong(want, 0, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  ssize_t r = ::write(event_fd_, &one, sizeof one);
  (void)r;  // EAGAIN only if the counter is at 2^64-2: a wake is pending anyway.
  wakeups_sent_.store(wakeups_sent_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

RecordWriterStats RecordWriter::stats() const {
  constexpr auto r = std::memory_order_relaxed;
  RecordWriterStats s;
  s.total_persisted = total_persisted_.load(r);
  s.batches_written = batches_written_.load(r);
  s.bytes_written = bytes_written_.load(r);
  s.records_rejected = records_rejected_.load(r);
  s.files_removed = files_removed_.load(r);
  s.wakeups_sent = wakeups_sent_.load(r);
  for (size_t i = 0; i < kWriteErrorReasons; ++i) s.write_errors[i] = write_errors_[i].load(r);
  s.last_flush_unix_us = last_flush_unix_us_.load(r);
  s.last_batch_id = last_batch_id_.load(r);
  s.last_errno = last_errno_.load(r);
  s.last_error_stage = static_cast<WriteStage>(last_error_stage_.load(r));
  s.last_error_reason = static_cast<WriteErrorReason>(last_error_reason_.load(r));
  s.current_backoff_ms = backoff_ms_.load(r);
  s.running = running_.load(r);
  return s;
}

void RecordWriter::attach_jobs(JobMailbox* m) {
  jobs_ = m;
  m->set_wake(&RecordWriter::wake, this);
}

void RecordWriter::wake(void* self) {
  uint64_t one = 1;
  ssize_t r = ::write(static_cast<RecordWriter*>(self)->event_fd_, &one, sizeof one);
  (void)r;  // EAGAIN: a wake is pending anyway
}

void* RecordWriter::thread_main(void* self) {
  static_cast<RecordWriter*>(self)->run();
  return nullptr;
}

// Start-up work, on the writer thread so a slow or missing directory never
// delays the loop. Repeated before each write until the directory exists.
void RecordWriter::prepare() {
  int removed = remove_stale_temps(dir_.c_str());
  if (removed < 0) return;
  if (removed > 0) log_info("removed stale temp files", {{"dir", dir_.view()}, {"count", removed}});
  int dir_fd = open_dir(dir_.c_str());
  if (dir_fd < 0) return;
  int64_t newest = 0;
  {
    DirReader dir(dir_.c_str());
    std::string_view name;
    while (dir.next(&name))
      if (auto us = parse_batch_name(name)) newest = std::max(newest, *us);
  }
  if (newest) {
    // Names keep increasing across a restart too (see next_name_us).
    last_name_us_ = std::max(last_name_us_, newest);
    char name[kBatchNameLen + 1];
    format_batch_name(newest, name);
    int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && ::fstat(fd, &st) == 0) {
      char tail[kTailProbeBytes];
      off_t off = st.st_size > static_cast<off_t>(sizeof tail) ? st.st_size - static_cast<off_t>(sizeof tail) : 0;
      ssize_t n = ::pread(fd, tail, sizeof tail, off);
      if (n > 0) {
        if (auto id = find_batch_id(std::string_view(tail, static_cast<size_t>(n))))
          next_batch_id_ = std::max(next_batch_id_, *id + 1);
      }
    }
    if (fd >= 0) ::close(fd);
  }
  ::close(dir_fd);
  run_retention(realtime_us());
  prepared_ = true;
}

bool RecordWriter::retention_due(int64_t now_us) const {
  const RetentionPolicy& p = cfg_.retention;
  if (!retention_enabled(p)) return false;
  if (retention_pause_until_ns_ && monotonic_ns() < retention_pause_until_ns_) return false;
  return (p.max_files && tracked_files_ > p.max_files) || (p.max_bytes && tracked_bytes_ > p.max_bytes) ||
         (p.max_age_us && tracked_oldest_us_ && now_us - tracked_oldest_us_ > p.max_age_us);
}

void RecordWriter::run_retention(int64_t now_us) {
  if (!retention_enabled(cfg_.retention)) return;
  RetentionResult r = apply_retention(dir_.c_str(), cfg_.retention, now_us);
  tracked_files_ = r.files;
  tracked_bytes_ = r.bytes;
  tracked_oldest_us_ = r.oldest_us;
  if (r.removed)
    files_removed_.store(files_removed_.load(std::memory_order_relaxed) + r.removed, std::memory_order_relaxed);
  retention_pause_until_ns_ = 0;
  if (r.err) {
    retention_pause_until_ns_ = monotonic_ns() + kRetentionErrorPauseNs;
    log_warn("records retention failed", {{"dir", dir_.view()}, {"error", std::strerror(r.err)}});
  }
}

void RecordWriter::note_error(const WriteOutcome& w) {
  constexpr auto r = std::memory_order_relaxed;
  WriteErrorReason reason = classify_errno(w.err);
  auto& c = write_errors_[static_cast<size_t>(reason)];
  c.store(c.load(r) + 1, r);
  last_errno_.store(w.err, r);
  last_error_stage_.store(static_cast<uint8_t>(w.stage), r);
  last_error_reason_.store(static_cast<uint8_t>(reason), r);
}

// Free bytes in the directory's filesystem for this process: root may use
// the blocks reserved for it (f_bfree), others only f_bavail.
bool RecordWriter::free_bytes(uint64_t* out) const {
  struct statvfs sv;
  if (::statvfs(dir_.c_str(), &sv) != 0) return false;
  uint64_t blocks = ::geteuid() == 0 ? sv.f_bfree : sv.f_bavail;
  *out = blocks * sv.f_frsize;
  return true;
}

// Space has come back: enough for the batch that failed (and its temp
// file's metadata), and more than when it failed, so a full quota or a
// file size limit (where statfs shows room all along) keeps its backoff.
bool RecordWriter::space_returned() const {
  uint64_t now = 0;
  if (!free_bytes(&now)) return false;
  return now > free_at_failure_ && now >= failed_bytes_ + kSpaceSlackBytes;
}

void RecordWriter::persisted(uint32_t k) {
  uint64_t before = durable_.load(std::memory_order_relaxed);
  // seq_cst with request_durable's store and the producer's durable() load:
  // a producer that asked after this store sees it, one that asked before
  // is seen here and gets the hook.
  durable_.store(before + k, std::memory_order_seq_cst);
  if (durable_hook_ && durable_want_.load(std::memory_order_seq_cst) > before) durable_hook_(durable_hook_ctx_);
}

void RecordWriter::request_durable(uint64_t seq) {
  if (seq <= durable_want_.load(std::memory_order_relaxed)) return;  // asked already (only this thread raises it)
  durable_want_.store(seq, std::memory_order_seq_cst);
  // The same handshake as notify_if_needed: the writer clears the flag with
  // an exchange before it reads durable_want_, so either it sees this seq or
  // this exchange sees the flag cleared and wakes it.
  if (durable_wake_sent_.exchange(true, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  ssize_t r = ::write(event_fd_, &one, sizeof one);
  (void)r;  // EAGAIN: a wake is pending anyway
}

// Moves up to `available` records from the ring into the batch and frees
// their slots: the ring is empty again before the batch's fsync starts.
// max_batch slots make a batch due, but the batch takes whatever the
// ring holds while its buffer (max_batch x record_bytes) has room: under
// load everything that arrived during the previous write goes into the next
// file (group commit), so the writer keeps up with any rate its disk allows
// at a bounded number of fsyncs a second, instead of max_batch per fsync.
void RecordWriter::stage(uint32_t available) {
  uint32_t k = 0;
  for (; k < available; ++k) {
    uint32_t n = 0;
    const uint8_t* p = ring_.peek(k, &n);
    std::string_view slot(reinterpret_cast<const char*>(p), n);
    // A slot is never split across batches (it leaves the ring whole).
    if (batch_.count() && slot.size() + 1 > batch_.room()) {
      batch_full_ = true;  // stays in the ring for the next batch
      break;
    }
    // One record, or several one a line (the loop packs StatsD timer
    // records); room was checked for the whole slot.
    staged_rejected_ += batch_.add_lines(slot);
  }
  ring_.pop_n(k);
  staged_ += k;
}

// Writes the staged batch; false (batch kept for the retry) on an error.
bool RecordWriter::flush() {
  constexpr auto r = std::memory_order_relaxed;
  if (!prepared_) prepare();
  const uint32_t k = staged_, rejected = staged_rejected_;
  auto done = [&] {
    batch_.reset(batch_buf_, batch_cap_);
    staged_ = staged_rejected_ = 0;
    batch_full_ = false;
    if (rejected) records_rejected_.store(records_rejected_.load(r) + rejected, r);
    persisted(k);
  };
  if (batch_.count() == 0) {
    done();
    return true;
  }

  int dir_fd = open_dir(dir_.c_str());
  if (dir_fd < 0) {
    note_error({errno, WriteStage::OpenDir, false});
    return false;
  }
  // Names increase (next_name_us), so name order is write order for
  // retention; an existing name (a restored file, a big clock step back) is
  // bumped, never replaced.
  int64_t ts = next_name_us(realtime_us(), last_name_us_);
  char name[kBatchNameLen + 1], temp[kTempNameLen + 1];
  for (int i = 0; i < kMaxNameBumps; ++i, ++ts) {
    format_batch_name(ts, name);
    if (!name_exists(dir_fd, name)) break;
  }
  format_temp_name(ts, temp);
  std::string_view doc = batch_.finish(ts, next_batch_id_);
  WriteOutcome w = write_file_durable(dir_fd, name, temp, doc.data(), doc.size());
  ::close(dir_fd);
  if (!w.renamed) {
    note_error(w);
    failed_bytes_ = doc.size();
    batch_.reopen();
    return false;
  }

  // The batch is in place: only now are its records durable.
  const uint32_t written = batch_.count();
  done();
  last_name_us_ = ts;
  total_persisted_.store(total_persisted_.load(r) + written, r);
  batches_written_.store(batches_written_.load(r) + 1, r);
  bytes_written_.store(bytes_written_.load(r) + doc.size(), r);
  last_flush_unix_us_.store(ts, r);
  last_batch_id_.store(next_batch_id_, r);
  ++next_batch_id_;
  ++tracked_files_;
  tracked_bytes_ += doc.size();
  if (!tracked_oldest_us_) tracked_oldest_us_ = ts;
  if (w.err) {
    // Only the directory fsync failed: counted and reported, but the file
    // is there, and writing the records again would duplicate them.
    note_error(w);
  } else {
    last_errno_.store(0, r);
  }
  if (retention_due(ts)) run_retention(ts);
  return true;
}

void RecordWriter::sleep(uint32_t want, int64_t timeout_ns) {
  if (want) {
    // Publish, then look again (see notify_if_needed()).
    wake_threshold_.exchange(want, std::memory_order_acq_rel);
    if (ring_.readable() >= want) {
      wake_threshold_.exchange(0, std::memory_order_acq_rel);
      return;
    }
  }
  int64_t ms = timeout_ns <= 0 ? 0 : (timeout_ns + kNsPerMs - 1) / kNsPerMs;
  pollfd pfd{event_fd_, POLLIN, 0};
  int rc = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(ms, INT_MAX)));
  if (want) wake_threshold_.exchange(0, std::memory_order_acq_rel);
  if (rc > 0 && (pfd.revents & POLLIN)) {
    uint64_t v;
    ssize_t n = ::read(event_fd_, &v, sizeof v);
    (void)n;
  }
}

void RecordWriter::run() {
  prepare();
  const int64_t interval_ns = static_cast<int64_t>(cfg_.flush_interval_ms) * kNsPerMs;
  int64_t first_seen_ns = 0;  // when the writer first saw the oldest unflushed records
  int64_t retry_at_ns = 0;    // while backing off: the next attempt
  while (!stop_.load(std::memory_order_acquire)) {
    // Mailbox work first: the loop is waiting for it, records are not.
    if (jobs_ && jobs_->run_pending()) continue;
    int64_t now = monotonic_ns();
    durable_wake_sent_.exchange(false, std::memory_order_acq_rel);
    // A producer waits for records to be durable: flush now (group commit).
    bool urgent = durable_want_.load(std::memory_order_acquire) > durable_.load(std::memory_order_relaxed);
    bool backing_off = retry_at_ns && now < retry_at_ns;
    if (backing_off && space_probe_ && space_returned()) {
      log_info("records directory has space again, retrying now", {{"dir", dir_.view()}});
      backing_off = false;
    }
    // Drain the ring into the batch: its slots are free for the producer
    // again before the fsync. Not after a failed write until a write
    // succeeds: the failed batch is retried as it is, the ring fills behind
    // it and its drops are counted (503 for HTTP), as without the batch.
    if (uint32_t avail = ring_.readable(); avail && !batch_full_ && !retry_at_ns) stage(avail);
    const bool pending = staged_ || ring_.readable();
    if (!pending)
      first_seen_ns = 0;
    else if (!first_seen_ns)
      first_seen_ns = now;
    if (!backing_off && staged_ &&
        (urgent || staged_ >= cfg_.max_batch || batch_full_ || now - first_seen_ns >= interval_ns)) {
      uint32_t tried = staged_;
      if (flush()) {
        if (retry_at_ns) {
          log_info("records writing recovered", {{"dir", dir_.view()}, {"pending", ring_.size()}});
          retry_at_ns = 0;
        }
        space_probe_ = false;
        backoff_next_ms_ = cfg_.backoff_initial_ms;
        backoff_ms_.store(0, std::memory_order_relaxed);
        first_seen_ns = ring_.readable() ? monotonic_ns() : 0;
      } else {
        uint32_t b = backoff_next_ms_;
        retry_at_ns = monotonic_ns() + static_cast<int64_t>(b) * kNsPerMs;
        backoff_ms_.store(b, std::memory_order_relaxed);
        backoff_next_ms_ = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{b} * 2, cfg_.backoff_max_ms));
        int err = last_errno_.load(std::memory_order_relaxed);
        space_probe_ = classify_errno(err) == WriteErrorReason::NoSpace && free_bytes(&free_at_failure_);
        log_warn(
            "records write failed, keeping the batch for a retry",
            {{"dir", dir_.view()},
             {"stage", write_stage_name(static_cast<WriteStage>(last_error_stage_.load(std::memory_order_relaxed)))},
             {"error", std::strerror(err)},
             {"pending", tried + ring_.size()},
             {"retry_ms", b}});
      }
      continue;
    }
    if (retention_due(realtime_us())) run_retention(realtime_us());
    if (backing_off)
      sleep(0, space_probe_ ? std::min(retry_at_ns - now, kSpaceProbeMs * kNsPerMs) : retry_at_ns - now);
    else if (!pending)
      sleep(1, retention_enabled(cfg_.retention) && cfg_.retention.max_age_us ? kIdleWakeMs * kNsPerMs
                                                                              : INT_MAX * kNsPerMs);
    else
      // Wake for what completes the batch, or a quarter ring if that comes
      // first (the batch's records left the ring: three quarters of it are
      // left for the time a busy box takes to schedule the writer).
      sleep(std::min(drain_at_, staged_ < cfg_.max_batch ? cfg_.max_batch - staged_ : 1),
            first_seen_ns + interval_ns - now);
  }

  // A job posted just before the stop still runs (its owner waits for it).
  if (jobs_) jobs_->run_pending();
  // Stopping: write out everything, ignoring the backoff, until the deadline.
  const int64_t deadline = stop_deadline_ns_.load(std::memory_order_relaxed);
  for (;;) {
    if (uint32_t avail = ring_.readable(); avail && !batch_full_) stage(avail);
    int64_t now = monotonic_ns();
    if (staged_ == 0 || now >= deadline) break;
    if (!flush()) sleep(0, std::min(kStopRetryMs * kNsPerMs, deadline - now));
  }
  if (uint64_t left = staged_ + uint64_t{ring_.readable()})
    log_error("records writer stopped with records unwritten", {{"dir", dir_.view()}, {"records", left}});
  running_.store(false, std::memory_order_relaxed);
}

}  // namespace edgestat::store
