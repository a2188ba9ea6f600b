// app/health_handler: /health from the snapshot and registered checks.
#include <doctest/doctest.h>

#include <string>

#include "app/health_handler.hpp"
#include "app_harness.hpp"
#include "collector_harness.hpp"

using namespace edgestat;

namespace {

constexpr FamilyDesc kTotal{"node_memory_MemTotal_bytes", "t", MetricType::Gauge};
constexpr FamilyDesc kAvail{"node_memory_MemAvailable_bytes", "a", MetricType::Gauge};

Config g_cfg;

HealthCheck degraded_check(const void* ctx) {
  HealthCheck h;
  h.name = "extra";
  h.status = HealthStatus::Degraded;
  h.detail.assign(static_cast<const char*>(ctx));
  return h;
}

}  // namespace

TEST_CASE("host memory comes from the meminfo samples of the snapshot") {
  Snapshot s;
  SnapshotLimits lim;
  lim.max_families = 16;
  lim.max_samples = 16;
  lim.arena_bytes = 4096;
  REQUIRE(s.init(lim));
  s.clear();
  s.finish();
  CHECK_FALSE(memory_from_snapshot(s).known);  // meminfo off or failed
  s.clear();
  s.add(kTotal, 1000);
  s.add(kAvail, 50);
  s.finish();
  MemoryInput m = memory_from_snapshot(s);
  REQUIRE(m.known);
  CHECK(m.total_bytes == 1000);
  CHECK(m.available_bytes == 50);
  HealthThresholds t;
  CHECK(check_memory(m, t).status == HealthStatus::Degraded);  // 5% < 10%
}

TEST_CASE("/health: the agent's checks plus registered ones; the worst decides") {
  test::TempTree t;
  test::load_test_config(g_cfg, {{"agent.data-dir", t.root}, {"path.procfs", test::fixture("vm/proc")},
                                 {"path.sysfs", test::fixture("vm/sys")}, {"collector.disable-defaults", "true"},
                                 {"collector.meminfo", "true"}});
  static Collection col;
  REQUIRE(col.init(g_cfg));
  col.refresh(g_cfg);
  double lag = 0;
  HealthHandler h(g_cfg, col, lag);
  HealthReport r;
  h.build(r);
  REQUIRE(r.count == 4);
  CHECK(r.checks[2].name == "memory_available");
  CHECK(r.checks[2].detail.view().find("unknown") == std::string_view::npos);
  CHECK(r.overall == HealthStatus::Healthy);
  for (size_t i = 0; i < HealthHandler::kMaxExtraChecks; ++i) CHECK(h.add_check(degraded_check, "why"));
  CHECK_FALSE(h.add_check(degraded_check, "one too many"));
  HealthReport r2;
  h.build(r2);
  CHECK(r2.overall == HealthStatus::Degraded);
  CHECK(r2.count == 4 + HealthHandler::kMaxExtraChecks);
  http::Router router;
  REQUIRE(h.add_routes(router));
  auto m = router.match("GET", "/health");
  REQUIRE(m.status == 0);
  test::TestExchange ex;
  m.route->fn(m.route->ctx, ex.ex);
  CHECK(ex.ex.reply.status == 200);
  CHECK(ex.body().find("\"status\":\"degraded\"") != std::string::npos);
}
