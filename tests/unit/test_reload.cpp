// config/reload: which keys a SIGHUP may change.
#include <doctest/doctest.h>

#include "app_harness.hpp"
#include "config/reload.hpp"
#include "config/schema.hpp"

using namespace edgestat;

namespace {
Config g_running, g_next;  // large (compiled regexes): not on the stack
}

TEST_CASE("keys that size memory, bind sockets or name the lock are marked restart") {
  for (auto [s, k] : {std::pair{"web", "listen_address"}, {"web", "max_connections"}, {"store", "enabled"},
                      {"store", "ring_slots"}, {"history", "series"}, {"collector.lxc", "max_containers"},
                      {"agent", "runtime_dir"}, {"tls", "listen_address"}}) {
    const KeySpec* spec = find_key(s, k);
    REQUIRE(spec);
    CHECK_MESSAGE(spec->apply == Apply::Restart, s, ".", k);
  }
  for (auto [s, k] : {std::pair{"collect", "interval"}, {"log", "level"}, {"web", "telemetry_path"}}) {
    const KeySpec* spec = find_key(s, k);
    REQUIRE(spec);
    CHECK(spec->apply == Apply::Live);
  }
}

TEST_CASE("a reload keeps running values of changed restart keys and applies the rest") {
  test::load_test_config(g_running, {});
  test::load_test_config(g_next, {{"web.listen-address", "127.0.0.1:9999"},
                                  {"collect.interval", "5s"},
                                  {"store.enabled", "false"},
                                  {"log.level", "debug"},
                                  {"history.series", "node_load1"}});
  const KeySpec* kept[8];
  size_t n = keep_restart_values(g_running, g_next, kept, 8);
  // listen_address, store.enabled (a Bool: once missed) and history.series.
  REQUIRE(n == 3);
  CHECK(kept[0]->key == "listen_address");
  CHECK(g_next.web.listen_address.size() == 1);
  CHECK(g_next.web.listen_address[0].view() == ":9100");
  CHECK(g_next.store.enabled == g_running.store.enabled);
  CHECK(g_next.history.series.empty());
  // Live keys keep their new values.
  CHECK(g_next.collect.interval_ms == 5000);
  CHECK(g_next.log.level != g_running.log.level);
  // Nothing differs any more in a restart key; the count is complete even
  // when the caller's array is shorter.
  CHECK(keep_restart_values(g_running, g_next, kept, 8) == 0);
  test::load_test_config(g_next, {{"web.max-connections", "10"}, {"store.ring-slots", "2048"}});
  CHECK(keep_restart_values(g_running, g_next, kept, 1) == 2);
}

TEST_CASE("same_value compares every kind of key") {
  test::load_test_config(g_running, {});
  test::load_test_config(g_next, {{"collector.filesystem.mount-points-exclude", "^/x$"}});
  const KeySpec* re = find_key("collector.filesystem", "mount_points_exclude");
  REQUIRE(re);
  CHECK_FALSE(same_value(*re, g_running, g_next));
  CHECK(same_value(*re, g_running, g_running));
  for (const KeySpec& k : config_keys())
    if (&k != re) CHECK_MESSAGE(same_value(k, g_running, g_next), k.section, ".", k.key);
}
