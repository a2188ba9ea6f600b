#include "export/exporter.hpp"

#include <unistd.h>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/out_buffer.hpp"
#include "core/reserve.hpp"

namespace edgestat::exporter {
namespace {

constexpr FamilyDesc kSent{"edgestat_export_samples_sent_total", "Samples the push target's receiver accepted.",
                           MetricType::Counter};
constexpr FamilyDesc kFailed{"edgestat_export_samples_failed_total",
                             "Samples in requests that failed and will be retried (a sample can count more than once).",
                             MetricType::Counter};
constexpr FamilyDesc kDropped{"edgestat_export_samples_dropped_total",
                              "Samples given up, by reason: rejected (4xx), queue_full, spool_full, too_large, "
                              "corrupt (spool file), spool_error.",
                              MetricType::Counter};
constexpr FamilyDesc kSpooled{"edgestat_export_samples_spooled_total", "Samples written to the disk spool.",
                              MetricType::Counter};
constexpr FamilyDesc kRequests{"edgestat_export_requests_total", "Push requests by result.", MetricType::Counter};
constexpr FamilyDesc kBytes{"edgestat_export_sent_bytes_total", "Request body bytes the receiver accepted.",
                            MetricType::Counter};
constexpr FamilyDesc kLatency{"edgestat_export_request_duration_seconds",
                              "Time from sending a batch to its response (or failure).", MetricType::Summary};
constexpr FamilyDesc kBreaker{"edgestat_export_breaker_state", "1 for the circuit breaker's current state.",
                              MetricType::Gauge};
constexpr FamilyDesc kOpened{"edgestat_export_breaker_opened_total", "Times the circuit breaker opened.",
                             MetricType::Counter};
constexpr FamilyDesc kSpoolBytes{"edgestat_export_spool_bytes", "Bytes of batches in the disk spool.",
                                 MetricType::Gauge};
constexpr FamilyDesc kSpoolFiles{"edgestat_export_spool_batches", "Batches in the disk spool.", MetricType::Gauge};
constexpr FamilyDesc kQueueBytes{"edgestat_export_queue_bytes", "Bytes of batches waiting in memory.",
                                 MetricType::Gauge};

}  // namespace

Exporter::~Exporter() {
  release_storage(slots_, n_, n_);
  release_array(scratch_, scratch_cap_);
}

bool Exporter::needs_jobs() const {
  for (size_t i = 0; i < n_; ++i)
    if (slots_[i].cfg.spool_bytes > 0) return true;
  return false;
}

bool Exporter::init(const Config& c, uv_loop_t* loop, store::JobMailbox* jobs, FindCollector find) {
  const auto& targets = c.exporter.targets;
  if (targets.empty()) return true;
  start_ms_ = realtime_ns() / 1000000;
  if (gethostname(hostname_, sizeof hostname_ - 1) != 0) std::memcpy(hostname_, "unknown", 8);
  slots_ = reserve_storage<Slot>(targets.size());
  if (!slots_ || !index_.init(static_cast<uint32_t>(c.limits.max_samples))) return false;
  for (const ExportTargetConfig& t : targets) {
    Slot* s = new (&slots_[n_]) Slot();
    ++n_;
    s->cfg = t;
    // 0s: push after every collection, i.e. every [collect] interval (a
    // scrape that refreshes the snapshot in between does not push again).
    if (!s->cfg.interval_ms) s->cfg.interval_ms = c.collect.interval_ms;
    const ExportTargetConfig& tc = s->cfg;
    if (tc.max_batch_bytes > scratch_cap_) scratch_cap_ = tc.max_batch_bytes;
    // Filter: collect[]/exclude[] style by collector, names by regex.
    if (!tc.collect.empty()) {
      s->filter.collector_mask = 0;
      for (const ConfigString& n : tc.collect)
        if (int id = find(n.view()); id >= 0) s->filter.collector_mask |= uint64_t{1} << id;
    }
    for (const ConfigString& n : tc.exclude)
      if (int id = find(n.view()); id >= 0) s->filter.collector_mask &= ~(uint64_t{1} << id);
    if (!tc.drop_metrics.source.empty()) s->filter.drop_metrics = &tc.drop_metrics.re;
    // External labels (remote write) / resource attributes (OTLP).
    const bool otlp = tc.kind == ExportKind::Otlp;
    std::string_view instance = tc.instance.empty() ? std::string_view(hostname_) : tc.instance.view();
    s->external[s->nexternal++] = {otlp ? "service.name" : "job", tc.job.view()};
    s->external[s->nexternal++] = {otlp ? "host.name" : "instance", instance};
    if (!tc.site.empty()) s->external[s->nexternal++] = {"site", tc.site.view()};
    for (const ConfigString& l : tc.external_labels) {
      size_t eq = l.view().find('=');
      s->external[s->nexternal++] = {l.view().substr(0, eq), l.view().substr(eq + 1)};
    }
    if (!s->target.init(tc, loop, jobs, c.agent.data_dir.c_str(), static_cast<uint32_t>(n_ - 1))) return false;
    log_info("export: push target ready", {{"target", tc.name.view()}, {"kind", s->target.kind_name()},
                                           {"url", tc.url.view()}, {"spool_bytes", tc.spool_bytes}});
  }
  scratch_ = reserve_array<uint8_t>(scratch_cap_);
  return scratch_ != nullptr;
}

void Exporter::on_snapshot(const Snapshot& snap) {
  int64_t now = monotonic_ns() / 1000000;
  for (size_t i = 0; i < n_; ++i) {
    Slot& s = slots_[i];
    if (!s.target.due(now)) continue;
    index_.build(snap, s.filter);
    EncodeContext ctx{&index_, snap.timestamp_ms, start_ms_, {s.external, s.nexternal}, EDGESTAT_VERSION};
    s.target.produce(ctx, scratch_, scratch_cap_);
  }
}

void Exporter::add_metrics(Snapshot& snap) const {
  for (size_t i = 0; i < n_; ++i) {
    const Slot& s = slots_[i];
    const Target& t = s.target;
    const TargetStats& st = t.stats();
    Label base[] = {{"kind", t.kind_name()}, {"target", s.cfg.name.view()}};
    snap.add(kSent, static_cast<double>(st.samples_sent), base, 2);
    snap.add(kFailed, static_cast<double>(st.samples_failed), base, 2);
    snap.add(kSpooled, static_cast<double>(st.samples_spooled), base, 2);
    snap.add(kBytes, static_cast<double>(st.bytes_sent), base, 2);
    snap.add(kOpened, static_cast<double>(t.breaker_opened()), base, 2);
    snap.add(kSpoolBytes, static_cast<double>(t.spool_bytes()), base, 2);
    snap.add(kSpoolFiles, static_cast<double>(t.spool_files()), base, 2);
    snap.add(kQueueBytes, static_cast<double>(t.queue_bytes()), base, 2);
    snap.add(kLatency, SampleKind::Sum, 0, st.request_seconds_sum, base, 2);
    snap.add(kLatency, SampleKind::Count, 0, static_cast<double>(st.request_count), base, 2);
    for (size_t r = 0; r < kDropReasons; ++r) {
      Label l[] = {base[0], {"reason", drop_reason_name(static_cast<DropReason>(r))}, base[1]};
      snap.add(kDropped, static_cast<double>(st.samples_dropped[r]), l, 3);
    }
    for (size_t r = 0; r < kRequestResults; ++r) {
      Label l[] = {base[0], {"result", request_result_name(static_cast<RequestResult>(r))}, base[1]};
      snap.add(kRequests, static_cast<double>(st.requests[r]), l, 3);
    }
    for (BreakerState b : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen}) {
      Label l[] = {base[0], {"state", breaker_state_name(b)}, base[1]};
      snap.add(kBreaker, t.breaker_state() == b ? 1 : 0, l, 3);
    }
  }
}

HealthCheck Exporter::health() const {
  HealthCheck h;
  h.name = "export";
  char buf[160];
  OutBuffer o(buf, sizeof buf);
  size_t open = 0;
  for (size_t i = 0; i < n_; ++i) {
    const Slot& s = slots_[i];
    if (s.target.breaker_state() == BreakerState::Closed) continue;
    o.put(open++ ? ", " : "circuit breaker not closed: ");
    o.put(s.cfg.name.view());
    o.put(" (");
    o.put(breaker_state_name(s.target.breaker_state()));
    o.put(", ");
    o.put_u64(s.target.spool_files());
    o.put(" batches spooled)");
  }
  if (open) {
    h.status = HealthStatus::Degraded;
  } else {
    o.put_u64(n_);
    o.put(n_ == 1 ? " push target delivering" : " push targets delivering");
  }
  h.detail.assign(o.view());
  return h;
}

void Exporter::stop() {
  for (size_t i = 0; i < n_; ++i) slots_[i].target.stop();
}

}  // namespace edgestat::exporter
