#include "app/health_handler.hpp"

#include <sys/vfs.h>

#include <cerrno>

#include "app/render_cache.hpp"
#include "collect/registry.hpp"
#include "core/log.hpp"

namespace edgestat {
namespace {

HealthThresholds thresholds(const Config& c) {
  HealthThresholds t;
  t.disk_free_degraded_percent = c.health.disk_free_degraded_percent;
  t.disk_free_critical_percent = c.health.disk_free_critical_percent;
  t.memory_available_degraded_percent = c.health.memory_available_degraded_percent;
  t.memory_available_critical_percent = c.health.memory_available_critical_percent;
  t.loop_lag_degraded_ms = c.health.loop_lag_degraded_ms;
  t.loop_lag_unhealthy_ms = c.health.loop_lag_unhealthy_ms;
  return t;
}

// One statfs of the data directory: it may be a directory the filesystem
// collector does not report (or that collector may be off).
DiskInput disk_input(const Config& c) {
  DiskInput d;
  d.path = c.agent.data_dir.view();
  struct statfs sf;
  if (statfs(c.agent.data_dir.c_str(), &sf) != 0) {
    d.err = errno;
    return d;
  }
  uint64_t bs = sf.f_frsize ? static_cast<uint64_t>(sf.f_frsize) : static_cast<uint64_t>(sf.f_bsize);
  d.avail_bytes = static_cast<uint64_t>(sf.f_bavail) * bs;
  d.total_bytes = static_cast<uint64_t>(sf.f_blocks) * bs;
  return d;
}

}  // namespace

MemoryInput memory_from_snapshot(const Snapshot& snap) {
  MemoryInput m;
  double total = 0, avail = 0;
  m.known = snap.value("node_memory_MemTotal_bytes", {}, &total) &&
            snap.value("node_memory_MemAvailable_bytes", {}, &avail) && total > 0;
  if (m.known) {
    m.total_bytes = static_cast<uint64_t>(total);
    m.available_bytes = static_cast<uint64_t>(avail);
  }
  return m;
}

bool HealthHandler::add_check(CheckFn fn, const void* ctx) {
  if (nextra_ == kMaxExtraChecks) return false;
  extra_[nextra_++] = {fn, ctx};
  return true;
}

bool HealthHandler::add_routes(http::Router& router) {
  if (router.add("/health", http::kMethodGet | http::kMethodHead, "health", handle, this) < 0) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

void HealthHandler::build(HealthReport& r) const {
  HealthThresholds t = thresholds(cfg_);
  CollectorResult results[kMaxCollectors];
  size_t n = 0;
  auto descs = collectors();
  for (size_t i = 0; i < descs.size(); ++i) {
    if (!((col_.enabled_mask() >> i) & 1)) continue;
    CollectorOutcome o = collector_outcome(i);
    if (o == CollectorOutcome::NotRun) continue;
    results[n++] = {descs[i].name, o == CollectorOutcome::Ok            ? CollectorHealth::Ok
                                   : o == CollectorOutcome::Unsupported ? CollectorHealth::Unsupported
                                                                        : CollectorHealth::Failed};
  }
  r.add(check_collectors({results, n}));
  r.add(check_disk_free(disk_input(cfg_), t));
  r.add(check_memory(memory_from_snapshot(col_.snapshot()), t));
  r.add(check_loop_lag(lag_s_, t));
  for (size_t i = 0; i < nextra_; ++i) r.add(extra_[i].fn(extra_[i].ctx));
}

void HealthHandler::handle(void* ctx, http::Exchange& ex) {
  auto* h = static_cast<const HealthHandler*>(ctx);
  HealthReport r;
  h->build(r);
  OutBuffer out(ex.small, ex.small_cap);
  render_health_json(r, out);
  ex.reply.status = health_http_status(r.overall);
  ex.reply.content_type = kJsonType;
  ex.reply.body = out.view();
  if (out.overflowed()) {
    ex.reply.status = 500;
    ex.reply.content_type = kTextPlain;
    ex.reply.body = "health report too large\n";
  }
}

}  // namespace edgestat
