// app/host_handlers: node_exporter's collect[]/exclude[] and max-requests.
#include <doctest/doctest.h>

#include <string>

#include "app/host_handlers.hpp"
#include "app_harness.hpp"

using namespace edgestat;

namespace {
Config g_cfg;
int g_fresh = 0;
void fresh(void*) { ++g_fresh; }
}  // namespace

TEST_CASE("collect[] and exclude[] become a collector mask; mistakes are 400s that say why") {
  test::load_test_config(g_cfg, {{"no-collector.cpu", ""}});
  static Collection col;
  REQUIRE(col.init(g_cfg));
  static RenderCache cache;
  static http::Server server;
  HostHandlers h(g_cfg, col, cache, server, fresh, nullptr);
  uint64_t mask = 0;
  bool filtered = false;
  test::TestExchange none;
  REQUIRE(h.filter_mask(none.ex, &mask, &filtered));
  CHECK_FALSE(filtered);
  CHECK(mask == kAllCollectors);
  test::TestExchange two("GET", "collect[]=loadavg&collect[]=meminfo");
  REQUIRE(h.filter_mask(two.ex, &mask, &filtered));
  CHECK(filtered);
  CHECK(mask == ((uint64_t{1} << find_collector("loadavg")) | (uint64_t{1} << find_collector("meminfo"))));
  test::TestExchange ex("GET", "exclude[]=loadavg");
  REQUIRE(h.filter_mask(ex.ex, &mask, &filtered));
  CHECK(mask == ~(uint64_t{1} << find_collector("loadavg")));
  test::TestExchange unknown("GET", "collect[]=nope");
  CHECK_FALSE(h.filter_mask(unknown.ex, &mask, &filtered));
  CHECK(unknown.ex.reply.status == 400);
  CHECK(unknown.body().find("missing collector: nope") != std::string::npos);
  test::TestExchange disabled("GET", "collect[]=cpu");
  CHECK_FALSE(h.filter_mask(disabled.ex, &mask, &filtered));
  CHECK(disabled.body().find("disabled collector: cpu") != std::string::npos);
  test::TestExchange both("GET", "collect[]=loadavg&exclude[]=meminfo");
  CHECK_FALSE(h.filter_mask(both.ex, &mask, &filtered));
  CHECK(both.body().find("cannot be used together") != std::string::npos);
  CHECK(g_fresh == 0);  // filtering never collects
}
