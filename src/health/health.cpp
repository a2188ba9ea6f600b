#include "health/health.hpp"

#include <cstring>

#include "core/json_writer.hpp"

namespace edgestat {
namespace {

void put_percent(FixedString<160>& s, double pct) {
  char tmp[kDoubleChars];
  // Whole percent unless below 1% (where the fraction is the news).
  double shown = pct >= 1 ? static_cast<double>(static_cast<int64_t>(pct)) : static_cast<int64_t>(pct * 10) / 10.0;
  s.append(std::string_view(tmp, format_double(shown, tmp)));
  s.append("%");
}

}  // namespace

std::string_view health_status_name(HealthStatus s) {
  switch (s) {
    case HealthStatus::Healthy: return "healthy";
    case HealthStatus::Degraded: return "degraded";
    case HealthStatus::Unhealthy: return "unhealthy";
    case HealthStatus::Critical: return "critical";
  }
  return "critical";
}

int health_http_status(HealthStatus s) {
  return s == HealthStatus::Healthy || s == HealthStatus::Degraded ? 200 : 503;
}

HealthCheck check_collectors(std::span<const CollectorResult> enabled) {
  HealthCheck c;
  c.name = "collectors";
  size_t ok = 0, unsupported = 0, failed = 0;
  for (const CollectorResult& r : enabled) {
    ok += r.health == CollectorHealth::Ok;
    unsupported += r.health == CollectorHealth::Unsupported;
    failed += r.health == CollectorHealth::Failed;
  }
  if (failed > 0) c.status = ok == 0 ? HealthStatus::Unhealthy : HealthStatus::Degraded;
  char tmp[kIntChars];
  auto num = [&](size_t v) { c.detail.append(std::string_view(tmp, format_u64(v, tmp))); };
  auto names = [&](CollectorHealth h) {
    c.detail.append(" (");
    bool first = true;
    for (const CollectorResult& r : enabled) {
      if (r.health != h) continue;
      // Keep room for the rest of the line; the count says how many.
      if (c.detail.size() + r.name.size() + 8 > c.detail.capacity()) {
        c.detail.append(", ...");
        break;
      }
      if (!first) c.detail.append(", ");
      c.detail.append(r.name);
      first = false;
    }
    c.detail.append(")");
  };
  if (failed > 0) {
    num(failed);
    c.detail.append(" failing");
    names(CollectorHealth::Failed);
    c.detail.append(", ");
  }
  num(ok);
  c.detail.append(" ok");
  if (unsupported > 0) {
    c.detail.append(", ");
    num(unsupported);
    c.detail.append(" unsupported here");
    names(CollectorHealth::Unsupported);
  }
  return c;
}

HealthCheck check_disk_free(const DiskInput& d, const HealthThresholds& t) {
  HealthCheck c;
  c.name = "disk_free";
  if (d.err != 0) {
    c.status = HealthStatus::Degraded;
    c.detail.append(d.path);
    c.detail.append(": ");
    c.detail.append(std::strerror(d.err));
    return c;
  }
  double pct = d.total_bytes ? 100.0 * static_cast<double>(d.avail_bytes) / static_cast<double>(d.total_bytes) : 0;
  if (pct < static_cast<double>(t.disk_free_critical_percent)) {
    c.status = HealthStatus::Critical;
  } else if (pct < static_cast<double>(t.disk_free_degraded_percent)) {
    c.status = HealthStatus::Degraded;
  }
  put_percent(c.detail, pct);
  c.detail.append(" free on ");
  c.detail.append(d.path);
  return c;
}

HealthCheck check_memory(const MemoryInput& m, const HealthThresholds& t) {
  HealthCheck c;
  c.name = "memory_available";
  if (!m.known || m.total_bytes == 0) {
    c.status = HealthStatus::Degraded;
    c.detail.append("MemAvailable/MemTotal not readable");
    return c;
  }
  double pct = 100.0 * static_cast<double>(m.available_bytes) / static_cast<double>(m.total_bytes);
  if (pct < static_cast<double>(t.memory_available_critical_percent)) {
    c.status = HealthStatus::Critical;
  } else if (pct < static_cast<double>(t.memory_available_degraded_percent)) {
    c.status = HealthStatus::Degraded;
  }
  put_percent(c.detail, pct);
  c.detail.append(" of memory available");
  return c;
}

HealthCheck check_loop_lag(double lag_seconds, const HealthThresholds& t) {
  HealthCheck c;
  c.name = "loop_lag";
  double ms = lag_seconds * 1000;
  if (ms > static_cast<double>(t.loop_lag_unhealthy_ms)) {
    c.status = HealthStatus::Unhealthy;
  } else if (ms > static_cast<double>(t.loop_lag_degraded_ms)) {
    c.status = HealthStatus::Degraded;
  }
  char tmp[kDoubleChars];
  // Millisecond resolution is what the thresholds are written in.
  double shown = static_cast<double>(static_cast<int64_t>(lag_seconds * 1000)) / 1000;
  c.detail.append(std::string_view(tmp, format_double(shown, tmp)));
  c.detail.append(" s");
  return c;
}

void HealthReport::add(const HealthCheck& c) {
  if (count == kMaxChecks) return;
  checks[count++] = c;
  if (c.status > overall) overall = c.status;
}

void health_summary(const HealthReport& r, OutBuffer& out) {
  out.put(health_status_name(r.overall));
  out.put(": ");
  if (r.overall == HealthStatus::Healthy) {
    out.put_u64(r.count);
    out.put(r.count == 1 ? " check ok" : " checks ok");
    return;
  }
  bool first = true;
  for (size_t i = 0; i < r.count; ++i) {
    const HealthCheck& c = r.checks[i];
    if (c.status == HealthStatus::Healthy) continue;
    if (!first) out.put("; ");
    out.put(c.name);
    out.put(": ");
    out.put(c.detail.view());
    first = false;
  }
}

void render_health_json(const HealthReport& r, OutBuffer& out) {
  JsonWriter w(out);
  w.begin_object();
  w.field("status", health_status_name(r.overall));
  char buf[1024];
  OutBuffer sb(buf, sizeof buf);
  health_summary(r, sb);
  w.field("summary", sb.view());
  w.key("checks");
  w.begin_array();
  for (size_t i = 0; i < r.count; ++i) {
    const HealthCheck& c = r.checks[i];
    w.begin_object();
    w.field("name", c.name);
    w.field("status", health_status_name(c.status));
    w.field("detail", c.detail.view());
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.put('\n');
}

}  // namespace edgestat
