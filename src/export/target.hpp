#pragma once
// One push target ([export.remote_write.NAME] or [export.otlp.NAME]): its
// queue of encoded batches, its disk spool, its HTTP client, its retry
// timing and circuit breaker, and its counters. Runs on the loop thread;
// the spool's file work runs on the writer thread through the mailbox.
//
// Order: the spool holds the oldest batches, the memory queue the newer
// ones; a batch moves from the queue's head to the spool's tail, and the
// sender always takes the oldest of all. One request is in flight at a
// time, so every sample reaches the receiver in the order it was taken.
// A batch leaves the spool (unlink) only after the receiver answered 2xx
// or refused it for good (4xx): across a kill -9 nothing is lost, and only
// a batch acknowledged in the instant before the kill could be sent twice.
//
// When batches go to disk: while the breaker is not closed, while the last
// request failed, and whenever the queue is more than half full; otherwise
// they are sent from memory and never touch the disk.
#include <uv.h>

#include <cstdint>

#include "config/export_config.hpp"
#include "core/fixed_string.hpp"
#include "export/backoff.hpp"
#include "export/batch_queue.hpp"
#include "export/breaker.hpp"
#include "export/encode.hpp"
#include "export/http_client.hpp"
#include "export/snappy.hpp"
#include "export/spool.hpp"
#include "export/tls_client.hpp"
#include "core/url.hpp"
#include "metrics/snapshot.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat::exporter {

// Request head: the request line, Host, our headers and up to 8 configured
// ones of 255 bytes.
inline constexpr size_t kRequestHeadBytes = 4096;
// A bearer token or password read from a file (bearer_token_file,
// basic_auth_password_file) is at most this long; a longer file is refused
// at start and by check-config.
inline constexpr size_t kMaxSecretBytes = 256;
// Spool removals waiting for the writer (batches acknowledged in a row).
inline constexpr size_t kPendingRemovals = 16;

enum class DropReason : uint8_t { Rejected, QueueFull, SpoolFull, TooLarge, Corrupt, SpoolError };
inline constexpr size_t kDropReasons = 6;
std::string_view drop_reason_name(DropReason r);

enum class RequestResult : uint8_t { Success, Rejected, Throttled, ServerError, Network, Timeout, Tls, BadResponse };
inline constexpr size_t kRequestResults = 8;
std::string_view request_result_name(RequestResult r);

struct TargetStats {
  uint64_t samples_sent = 0, samples_failed = 0, samples_spooled = 0, batches_sent = 0;
  uint64_t samples_dropped[kDropReasons] = {};
  uint64_t requests[kRequestResults] = {};
  uint64_t bytes_sent = 0;
  double request_seconds_sum = 0;
  uint64_t request_count = 0;
};

class Target {
 public:
  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  // Reserves the queue and buffers, loads TLS and credentials, resolves
  // the host (before `started`), and queues the spool scan. False with a
  // logged reason.
  bool init(const ExportTargetConfig& c, uv_loop_t* loop, store::JobMailbox* jobs, const char* data_dir,
            uint32_t index);
  // Encodes the snapshot (indexed with this target's filter) into batches.
  // scratch: max_batch_bytes at least (the uncompressed remote write body).
  void produce(const EncodeContext& ctx, uint8_t* scratch, size_t scratch_cap);
  // Due when an interval has passed, less a tenth for timer jitter.
  bool due(int64_t now_ms) const {
    return now_ms - last_produce_ms_ >= static_cast<int64_t>(cfg_->interval_ms - cfg_->interval_ms / 10);
  }
  void stop();

  const ExportTargetConfig& config() const { return *cfg_; }
  const TargetStats& stats() const { return stats_; }
  BreakerState breaker_state() const { return breaker_.state(); }
  uint64_t breaker_opened() const { return breaker_.opened_total(); }
  uint64_t spool_bytes() const { return spool_bytes_; }
  uint64_t spool_files() const { return spool_next_ - spool_first_; }
  size_t queue_bytes() const { return queue_.used(); }
  size_t queue_batches() const { return queue_.count(); }
  std::string_view kind_name() const;

 private:
  enum class Op : uint8_t { None, Scan, Write, Read, Remove, Resolve };
  struct SpoolJob {
    store::JobMailbox::Job job;  // first: the mailbox hands this pointer back
    Target* t = nullptr;
    Op op = Op::None;
    uint64_t seq = 0;
    SpoolHeader header;
    const uint8_t* body = nullptr;
    bool drop = false;  // Remove: the batch was dropped (spool full), not delivered
    // Results.
    SpoolStatus status = SpoolStatus::Ok;
    SpoolScan scan;
    uint64_t bytes = 0;
    int err = 0;
    sockaddr_storage addr{};  // Resolve
  };

  static void job_run(store::JobMailbox::Job* j);
  static void job_done(store::JobMailbox::Job* j);
  static void http_done(void* ctx, const HttpResult& r);
  static void timer_cb(uv_timer_t* t);

  void pump();
  bool spool_pump();
  void send_pump(int64_t now);
  void send(const uint8_t* body, uint32_t len, uint32_t samples, bool from_spool);
  void build_head(uint32_t body_len);
  void drop(DropReason r, uint64_t samples) { stats_.samples_dropped[static_cast<size_t>(r)] += samples; }
  void post(Op op);
  void arm(int64_t at_ms, int64_t now);
  static int resolve(const Url& u, sockaddr_storage* out);
  bool resolving_ = false;
  int64_t resolve_after_ms_ = 0;

  const ExportTargetConfig* cfg_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  WireFormat format_ = WireFormat::RemoteWrite;
  Url url_;
  TlsClientConfig tls_;
  HttpClient client_;
  uv_timer_t timer_{};
  Breaker breaker_;
  Backoff backoff_;
  uint32_t rng_ = 1;
  BatchQueue queue_;
  SnappyTable* snappy_ = nullptr;
  FixedString<600> auth_;  // "Authorization: ...\r\n" or empty
  char head_[kRequestHeadBytes];
  size_t head_len_ = 0;
  int64_t last_produce_ms_ = -1000000000;
  int64_t retry_at_ms_ = 0;
  bool stopping_ = false;

  // The request in flight.
  bool in_flight_ = false, flight_from_spool_ = false;
  uint32_t flight_samples_ = 0;
  int64_t flight_start_ns_ = 0;
  uint64_t flight_seq_ = 0;

  // Spool (loop-side bookkeeping).
  store::JobMailbox* jobs_ = nullptr;
  SpoolDir spool_;
  SpoolJob job_;
  bool spool_on_ = false, spool_ready_ = false, job_busy_ = false;
  uint64_t spool_first_ = 0, spool_next_ = 0, spool_bytes_ = 0;
  uint8_t* read_buf_ = nullptr;
  size_t read_cap_ = 0;
  bool read_valid_ = false;
  uint64_t read_seq_ = 0;
  SpoolHeader read_header_;
  uint64_t removals_[kPendingRemovals];
  bool removal_drop_[kPendingRemovals];
  size_t nremovals_ = 0;

  TargetStats stats_;
};

}  // namespace edgestat::exporter
