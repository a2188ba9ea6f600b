// config/autoscale_schema: [autoscale] and [autoscale.tier.NAME] keys are
// validated like every key (unknown keys, bad values, min > max, reserve
// above the host's size), errors name file:line; tiers inherit from
// [autoscale]; the global mode is the master switch; selection by name,
// glob and the ignore list.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "collect/registry.hpp"
#include "config/autoscale_schema.hpp"
#include "config/load.hpp"
#include "config_harness.hpp"

using namespace edgestat;

namespace {
struct Loaded : test::LoadedConfig {
  explicit Loaded(const char* ini) : LoadedConfig(ini, "as.conf") {}
};
}  // namespace

TEST_CASE("autoscale config: defaults off; a tier inherits [autoscale] wherever it is") {
  Loaded none("");
  CHECK(none.e.empty());
  CHECK(none.c.autoscale.mode == AutoscaleMode::Off);
  Loaded t(
      "[autoscale.tier.web]\n"
      "containers = web*, api\n"
      "cpu_max = 2\n"
      "[autoscale]\n"
      "mode = on\n"
      "cpu_min = 0.5\n"
      "memory_max = 1GiB\n"
      "up_cooldown = 20s\n"
      "behaviour = aggressive\n"
      "reserve_cpu = 0.5\n"
      "reserve_memory = 64MiB\n"
      "ignore = web-db\n");
  INFO(t.errors());
  REQUIRE(t.e.empty());
  const AutoscaleConfig& a = t.c.autoscale;
  CHECK(a.mode == AutoscaleMode::On);
  REQUIRE(a.tiers.size() == 1);
  const TierPolicy& p = a.tiers[0].policy;
  CHECK(p.cpu_max == 2);            // the tier's own
  CHECK(p.cpu_min == 0.5);          // inherited
  CHECK(p.off_peak_cpu_min == 0.5); // follows the minimum
  CHECK(p.mem_max == 1024.0 * 1048576);
  CHECK(p.up_cooldown_ms == 20000);
  CHECK(p.behaviour == 2);
  CHECK(p.mode == AutoscaleMode::On);
  CHECK(autoscale_tier_of(a, "web1") == 0);
  CHECK(autoscale_tier_of(a, "api") == 0);
  CHECK(autoscale_tier_of(a, "db") == -1);
  CHECK(autoscale_tier_of(a, "web-db") == -1);  // ignored
}

TEST_CASE("autoscale config: a tier can be stricter than the global mode, never looser") {
  Loaded t(
      "[autoscale]\nmode = recommend\nreserve_cpu = 0.1\nreserve_memory = 1MiB\n"
      "[autoscale.tier.a]\ncontainers = a\nmode = on\n"
      "[autoscale.tier.b]\ncontainers = b\nmode = off\n");
  INFO(t.errors());
  REQUIRE(t.e.empty());
  CHECK(t.c.autoscale.tiers[0].policy.mode == AutoscaleMode::Recommend);
  CHECK(t.c.autoscale.tiers[1].policy.mode == AutoscaleMode::Off);
}

TEST_CASE("autoscale config: every mistake is an error naming file:line") {
  Loaded t(
      "[autoscale]\n"                      // 1
      "mode = yes\n"                       // 2
      "cpu_minimum = 1\n"                  // 3
      "reserve_cpu = 100000\n"             // 4
      "[autoscale.tier.x]\n"               // 5
      "containers = x\n"                   // 6
      "cpu_min = 3\n"                      // 7
      "cpu_max = 2\n"                      // 8
      "cpu_min = 1\n"                      // 9
      "memory_upper_threshold = 150\n"     // 10
      "[autoscale.tier.y]\n"               // 11
      "memory_min = 2GiB\n"                // 12
      "memory_max = 1GiB\n"                // 13
      "[autoscale.bogus]\n"                // 14
      "x = 1\n");                          // 15
  std::string s = t.errors();
  CHECK(s.find("as.conf:2: [autoscale] mode = \"yes\": expected off, recommend or on") != std::string::npos);
  CHECK(s.find("as.conf:3: unknown key [autoscale] cpu_minimum") != std::string::npos);
  CHECK(s.find("as.conf:9: [autoscale.tier.x] cpu_min set twice") != std::string::npos);
  CHECK(s.find("as.conf:10: [autoscale.tier.x] memory_upper_threshold = \"150\"") != std::string::npos);
  CHECK(s.find("as.conf:7: [autoscale.tier.x] cpu_min (3) is above cpu_max (2)") != std::string::npos);
  CHECK(s.find("off_peak_cpu_min") == std::string::npos);  // follows cpu_min: reported once, there
  CHECK(s.find("as.conf:12: [autoscale.tier.y] memory_min") != std::string::npos);
  CHECK(s.find("[autoscale.tier.y] containers: a tier needs at least one") != std::string::npos);
  CHECK(s.find("as.conf:15: unknown section [autoscale.bogus]") != std::string::npos);
  // The reserve is checked against this host's size (mode defaulted to off
  // after the bad value, so check it directly).
  AutoscaleConfig a;
  ConfigErrors e;
  apply_autoscale_entry(a, e, "autoscale", "mode", "on", "r.conf", 1);
  apply_autoscale_entry(a, e, "autoscale", "reserve_memory", "8GiB", "r.conf", 2);
  apply_autoscale_entry(a, e, "autoscale.tier.t", "containers", "t", "r.conf", 4);
  finish_autoscale(a, e, 2, 4.0 * 1073741824);
  REQUIRE(e.items.size() == 1);
  CHECK(std::string(e.items[0].view()).find("r.conf:2: [autoscale] reserve_memory") != std::string::npos);
  CHECK(std::string(e.items[0].view()).find("is not below the host's") != std::string::npos);
}

TEST_CASE("autoscale config: half_life is memory's, cpu_half_life CPU's; each inherited, 0 is an error") {
  Loaded d("[autoscale]\nmode = on\n[autoscale.tier.a]\ncontainers = a\n");
  INFO(d.errors());
  REQUIRE(d.e.empty());
  CHECK(d.c.autoscale.tiers[0].policy.half_life_s == 86400);
  CHECK(d.c.autoscale.tiers[0].policy.cpu_half_life_s == 86400);  // VPA's by default
  Loaded t(
      "[autoscale]\nmode = on\ncpu_half_life = 2h\n"
      "[autoscale.tier.a]\ncontainers = a\nhalf_life = 6h\n"
      "[autoscale.tier.b]\ncontainers = b\ncpu_half_life = 30m\n");
  INFO(t.errors());
  REQUIRE(t.e.empty());
  const TierPolicy& a = t.c.autoscale.tiers[0].policy;
  const TierPolicy& b = t.c.autoscale.tiers[1].policy;
  CHECK(a.half_life_s == 6 * 3600);
  CHECK(a.cpu_half_life_s == 2 * 3600);  // inherited, not set by half_life
  CHECK(b.half_life_s == 86400);
  CHECK(b.cpu_half_life_s == 1800);
  Loaded z("[autoscale]\nmode = on\ncpu_half_life = 0s\n");
  CHECK(z.errors().find("as.conf:3:") != std::string::npos);
  CHECK(z.errors().find("half-life must be longer than 0") != std::string::npos);
}

// No Proxmox host here: the tags values are in the format pct(1) and
// /etc/pve/lxc/VMID.conf use ("tags: a;b"; ',' and spaces accepted too).
TEST_CASE("autoscale config: tiers select Proxmox containers by tag") {
  Loaded t(
      "[autoscale]\n"
      "mode = on\n"
      "reserve_cpu = 0.1\n"
      "reserve_memory = 1MiB\n"
      "[autoscale.tier.named]\n"
      "containers = db\n"
      "[autoscale.tier.prod]\n"
      "tags = prod, Web\n"
      "[autoscale.tier.both]\n"
      "containers = api*\n"
      "tags = batch\n");
  INFO(t.errors());
  REQUIRE(t.e.empty());
  const AutoscaleConfig& a = t.c.autoscale;
  REQUIRE(a.tiers.size() == 3);
  CHECK(a.tiers[1].tags.size() == 2);
  CHECK(autoscale_tier_of(a, "pihole", "prod") == 1);
  CHECK(autoscale_tier_of(a, "pihole", "dns;prod") == 1);
  CHECK(autoscale_tier_of(a, "pihole", "dns,web") == 1);   // case-insensitive, ',' separated
  CHECK(autoscale_tier_of(a, "pihole", "dns web") == 1);   // space separated
  CHECK(autoscale_tier_of(a, "pihole", "production") == -1);  // whole tags only
  CHECK(autoscale_tier_of(a, "pihole", "") == -1);
  CHECK(autoscale_tier_of(a, "pihole", "batch") == 2);
  CHECK(autoscale_tier_of(a, "api1", "") == 2);
  CHECK(autoscale_tier_of(a, "db", "prod") == 0);  // first tier in file order wins
  CHECK(pve_tags_contain(";;prod;", "prod"));
  CHECK_FALSE(pve_tags_contain("prod", ""));

  Loaded bad(
      "[autoscale]\nmode = on\nreserve_cpu = 0.1\nreserve_memory = 1MiB\n"
      "[autoscale.tier.x]\n"
      "tags = ok, not;one\n"
      "[autoscale.tier.y]\n"
      "tags = a\n"
      "tags = b\n"
      "[autoscale.tier.z]\n"
      "cpu_max = 2\n");
  std::string e = bad.errors();
  CHECK(e.find("as.conf:6: [autoscale.tier.x] tags: \"not;one\" is not a Proxmox tag") != std::string::npos);
  CHECK(e.find("as.conf:9: [autoscale.tier.y] tags set twice") != std::string::npos);
  CHECK(e.find("[autoscale.tier.z] containers: a tier needs at least one name or glob (containers) or Proxmox tag") !=
        std::string::npos);
}
