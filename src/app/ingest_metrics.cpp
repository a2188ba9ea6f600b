// The ingest, ring and store families, the "store" health check and
// /api/v1/stats: read-outs of the pipeline's counters and the writer's.
#include "app/ingest_pipeline.hpp"

#include <cstdio>
#include <cstring>

#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "store/batch_format.hpp"

namespace edgestat {
namespace {

using store::WriteErrorReason;
using store::write_error_reason_name;

// Ring fill at which /health calls the store degraded.
constexpr double kRingDegradedFill = 0.9;

constexpr FamilyDesc kIngestRecords{"edgestat_ingest_records_total",
                                    "Operation records accepted, by source (http: 202 answers, statsd: timers).",
                                    MetricType::Counter};
constexpr FamilyDesc kIngestRefused{
    "edgestat_ingest_requests_refused_total",
    "POST /api/v1/operations bodies refused whole, by reason (syntax 400, validation 422, too_large 413/422, "
    "ring_full 503).",
    MetricType::Counter};
constexpr FamilyDesc kIngestAcks{
    "edgestat_ingest_acks_total",
    "[store] ack = durable: POST requests answered 202 once their records were fsynced (durable), 503 at "
    "ack_timeout (timeout), or whose client left before (gone).",
    MetricType::Counter};
constexpr FamilyDesc kStatsdDatagrams{"edgestat_statsd_datagrams_total", "StatsD datagrams received.",
                                      MetricType::Counter};
constexpr FamilyDesc kStatsdKernelDrops{
    "edgestat_statsd_kernel_drops_total",
    "StatsD UDP datagrams the kernel dropped because the socket's receive buffer was full (SO_RXQ_OVFL); "
    "raise [ingest] statsd_receive_buffer_bytes, and net.core.rmem_max without CAP_NET_ADMIN.",
    MetricType::Counter};
constexpr FamilyDesc kStatsdLines{"edgestat_statsd_lines_total", "Well-formed StatsD lines received.",
                                  MetricType::Counter};
constexpr FamilyDesc kStatsdMalformed{"edgestat_statsd_malformed_total",
                                      "StatsD lines refused, by reason; the rest of their datagram still counts.",
                                      MetricType::Counter};
constexpr FamilyDesc kRingDropped{
    "edgestat_ring_dropped_total",
    "Records that did not enter the records ring because it was full, by source (http records were answered 503).",
    MetricType::Counter};
constexpr FamilyDesc kRingRecords{"edgestat_ring_records",
                                  "Records waiting for the writer thread: in the ring or in the batch it is writing.",
                                  MetricType::Gauge};
constexpr FamilyDesc kRingCapacity{"edgestat_ring_capacity", "Records the ring holds ([store] ring_slots).",
                                   MetricType::Gauge};
constexpr FamilyDesc kStorePersisted{"edgestat_store_records_persisted_total",
                                     "Records written into batch files (renamed into place).", MetricType::Counter};
constexpr FamilyDesc kStoreBatches{"edgestat_store_batches_written_total", "Batch files written.",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreBytes{"edgestat_store_bytes_written_total", "Bytes of batch files written.",
                                 MetricType::Counter};
constexpr FamilyDesc kStoreErrors{"edgestat_store_write_errors_total",
                                  "Failed batch writes, by reason; the records stay in the ring and are retried.",
                                  MetricType::Counter};
constexpr FamilyDesc kStoreRemoved{"edgestat_store_files_removed_total", "Batch files removed by retention.",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreLastFlush{"edgestat_store_last_flush_timestamp_seconds",
                                     "Time of the last batch file written (0: none yet).", MetricType::Gauge};
constexpr FamilyDesc kStoreWakeups{"edgestat_store_writer_wakeups_total",
                                   "Times the loop woke the writer thread (at most once per batch).",
                                   MetricType::Counter};
constexpr FamilyDesc kStoreBackoff{"edgestat_store_backoff_seconds",
                                   "Current retry delay after a failed write (0 when writing works).",
                                   MetricType::Gauge};

std::string_view reason_label(size_t i) { return write_error_reason_name(static_cast<WriteErrorReason>(i)); }

}  // namespace

void IngestPipeline::add_metrics(Snapshot& snap) const {
  int64_t now = realtime_ns() / 1000;
  ops_.add_metrics(snap, now);
  statsd_.add_metrics(snap);
  Label src{"source", "http"};
  snap.add(kIngestRecords, static_cast<double>(n_.http_records), &src, 1);
  src.value = "statsd";
  snap.add(kIngestRecords, static_cast<double>(n_.statsd_records), &src, 1);
  for (size_t i = 0; i < kRefuseReasons; ++i) {
    Label l{"reason", refuse_reason_name(static_cast<RefuseReason>(i))};
    snap.add(kIngestRefused, static_cast<double>(n_.http_refused[i]), &l, 1);
  }
  if (store_on_ && cfg_->store.ack == static_cast<uint8_t>(StoreAck::Durable)) {
    for (size_t i = 0; i < kAckResults; ++i) {
      Label l{"result", ack_result_name(static_cast<AckResult>(i))};
      snap.add(kIngestAcks, static_cast<double>(n_.acks[i]), &l, 1);
    }
  }
  snap.add(kStatsdDatagrams, static_cast<double>(n_.statsd_datagrams));
  snap.add(kStatsdKernelDrops, static_cast<double>(n_.statsd_kernel_drops));
  snap.add(kStatsdLines, static_cast<double>(n_.statsd_lines));
  for (size_t i = 1; i < ingest::kStatsdErrorCount; ++i) {
    Label l{"reason", ingest::statsd_error_name(static_cast<ingest::StatsdError>(i))};
    snap.add(kStatsdMalformed, static_cast<double>(n_.statsd_malformed[i]), &l, 1);
  }
  Label d{"source", "http"};
  snap.add(kRingDropped, static_cast<double>(n_.dropped_http), &d, 1);
  d.value = "statsd";
  snap.add(kRingDropped, static_cast<double>(n_.dropped_statsd), &d, 1);
  d.value = "history";
  snap.add(kRingDropped, static_cast<double>(n_.dropped_history), &d, 1);
  if (!store_on_) return;
  snap.add(kRingRecords, static_cast<double>(writer_.pending()));
  snap.add(kRingCapacity, writer_.ring().capacity());
  store::RecordWriterStats s = writer_.stats();
  snap.add(kStorePersisted, static_cast<double>(s.total_persisted));
  snap.add(kStoreBatches, static_cast<double>(s.batches_written));
  snap.add(kStoreBytes, static_cast<double>(s.bytes_written));
  for (size_t i = 0; i < store::kWriteErrorReasons; ++i) {
    Label l{"reason", reason_label(i)};
    snap.add(kStoreErrors, static_cast<double>(s.write_errors[i]), &l, 1);
  }
  snap.add(kStoreRemoved, static_cast<double>(s.files_removed));
  snap.add(kStoreLastFlush, static_cast<double>(s.last_flush_unix_us) / 1e6);
  snap.add(kStoreWakeups, static_cast<double>(s.wakeups_sent));
  snap.add(kStoreBackoff, static_cast<double>(s.current_backoff_ms) / 1000);
}

HealthCheck IngestPipeline::health() const {
  HealthCheck h;
  h.name = "store";
  if (!store_on_) {
    h.detail.assign("records store disabled");
    return h;
  }
  store::RecordWriterStats s = writer_.stats();
  // The ring is the writer's too; size() is a consistent-enough estimate.
  uint32_t fill = writer_.ring().size(), cap = writer_.ring().capacity();
  unsigned long long waiting = writer_.pending();
  char buf[160];
  if (s.current_backoff_ms || s.last_errno) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "writes failing (%s: %s), %llu records waiting, retry in %u ms",
                  reason_label(static_cast<size_t>(s.last_error_reason)).data(), std::strerror(s.last_errno),
                  waiting, s.current_backoff_ms);
  } else if (static_cast<double>(fill) >= kRingDegradedFill * static_cast<double>(cap)) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "records ring %u of %u full", fill, cap);
  } else if (!s.running && started_) {
    h.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "records writer is not running");
  } else {
    std::snprintf(buf, sizeof buf, "%llu records persisted, %llu waiting",
                  static_cast<unsigned long long>(s.total_persisted), waiting);
  }
  h.detail.assign(buf);
  return h;
}

void IngestPipeline::render_stats_json(OutBuffer& out) const {
  store::RecordWriterStats s;
  if (store_on_) s = writer_.stats();
  uint64_t errors = 0;
  for (uint64_t e : s.write_errors) errors += e;
  JsonWriter j(out);
  j.begin_object();
  j.field("store_enabled", store_on_);
  j.field_u64("total_recorded", n_.recorded);
  j.field_u64("total_persisted", s.total_persisted);
  j.field_u64("total_dropped", n_.dropped_http + n_.dropped_statsd + n_.dropped_history);
  j.field_u64("queue_size", store_on_ ? writer_.pending() : 0);
  j.field_u64("queue_capacity", store_on_ ? writer_.ring().capacity() : 0);
  j.field_u64("batches_written", s.batches_written);
  j.key("last_flush_timestamp");
  if (s.last_flush_unix_us) {
    char ts[store::kRfc3339Len];
    j.value(std::string_view(ts, store::format_rfc3339_us(s.last_flush_unix_us, ts)));
  } else {
    j.null();
  }
  j.field_double("avg_batch_size", s.batches_written ? static_cast<double>(s.total_persisted) /
                                                           static_cast<double>(s.batches_written)
                                                     : 0);
  j.field_u64("write_errors", errors);
  j.key("write_errors_by_reason");
  j.begin_object();
  for (size_t i = 0; i < store::kWriteErrorReasons; ++i) j.field_u64(reason_label(i), s.write_errors[i]);
  j.end_object();
  j.key("last_error");
  if (s.last_errno) j.value(std::strerror(s.last_errno));
  else j.null();
  j.field_u64("backoff_ms", s.current_backoff_ms);
  j.field("is_running", s.running);
  j.key("dropped");
  j.begin_object();
  j.field_u64("http", n_.dropped_http);
  j.field_u64("statsd", n_.dropped_statsd);
  j.field_u64("history", n_.dropped_history);
  j.end_object();
  j.field_u64("bytes_written", s.bytes_written);
  j.field_u64("files_removed", s.files_removed);
  j.field_u64("http_records_accepted", n_.http_records);
  j.field_u64("statsd_records_accepted", n_.statsd_records);
  j.field_u64("statsd_lines", n_.statsd_lines);
  uint64_t malformed = 0;
  for (uint64_t m : n_.statsd_malformed) malformed += m;
  j.field_u64("statsd_malformed", malformed);
  j.end_object();
  out.put('\n');
}

}  // namespace edgestat
