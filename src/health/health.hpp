#pragma once
// Health classification: pure functions from measured inputs to a status
// per check and an overall status, and the /health JSON. The agent gathers
// the inputs (collector outcomes, statfs of the data directory, MemAvailable
// and MemTotal, loop lag); everything here is testable with plain values.
//
// Statuses, worst last: healthy, degraded (serving, something needs a
// look: 200), unhealthy and critical (503). Overall = worst check.
//   collectors        a real failure degrades; every supported collector
//                     failing is unhealthy; a collector whose file or kernel
//                     feature is absent here (ENOENT: no PSI on a router) is
//                     "unsupported" and never counts against health.
//   disk_free         free% of [agent] data_dir below
//                     disk_free_degraded_percent (10) degraded, below
//                     disk_free_critical_percent (3) critical; a missing
//                     directory is degraded with the reason.
//   memory_available  MemAvailable/MemTotal below
//                     memory_available_degraded_percent (10) degraded, below
//                     memory_available_critical_percent (3) critical.
//   loop_lag          above loop_lag_degraded (1 s) degraded, above
//                     loop_lag_unhealthy (10 s) unhealthy.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/out_buffer.hpp"

namespace edgestat {

enum class HealthStatus : uint8_t { Healthy, Degraded, Unhealthy, Critical };
std::string_view health_status_name(HealthStatus s);
// 200 for healthy and degraded, 503 otherwise.
int health_http_status(HealthStatus s);

struct HealthThresholds {
  uint64_t disk_free_degraded_percent = 10, disk_free_critical_percent = 3;
  uint64_t memory_available_degraded_percent = 10, memory_available_critical_percent = 3;
  uint64_t loop_lag_degraded_ms = 1000, loop_lag_unhealthy_ms = 10000;
};

struct HealthCheck {
  std::string_view name;
  HealthStatus status = HealthStatus::Healthy;
  FixedString<160> detail;
};

enum class CollectorHealth : uint8_t { Ok, Unsupported, Failed };
struct CollectorResult {
  std::string_view name;
  CollectorHealth health;
};
HealthCheck check_collectors(std::span<const CollectorResult> enabled);

struct DiskInput {
  std::string_view path;
  int err = 0;  // errno of statfs; 0 = the numbers are valid
  uint64_t avail_bytes = 0, total_bytes = 0;
};
HealthCheck check_disk_free(const DiskInput& d, const HealthThresholds& t);

struct MemoryInput {
  bool known = false;  // MemAvailable and MemTotal were read
  uint64_t available_bytes = 0, total_bytes = 0;
};
HealthCheck check_memory(const MemoryInput& m, const HealthThresholds& t);

HealthCheck check_loop_lag(double lag_seconds, const HealthThresholds& t);

struct HealthReport {
  // The agent's four checks plus what other parts register (store, TLS,
  // one per export target, the autoscaler).
  static constexpr size_t kMaxChecks = 16;
  HealthCheck checks[kMaxChecks];
  size_t count = 0;
  HealthStatus overall = HealthStatus::Healthy;

  void add(const HealthCheck& c);
};

// {"status":..,"summary":..,"checks":[{"name","status","detail"}..]}. The
// summary is the line `edgestat health` prints: "healthy: 4 checks ok" or
// "degraded: disk_free: 7% free on /var/lib/edgestat" (every check that is
// not healthy, "; "-separated).
void render_health_json(const HealthReport& r, OutBuffer& out);
void health_summary(const HealthReport& r, OutBuffer& out);

}  // namespace edgestat
