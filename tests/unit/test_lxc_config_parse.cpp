// LXC and Proxmox config parsers, including hostile input.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "collect/lxc/config_parse.hpp"

using namespace edgestat;
using namespace edgestat::lxc;

TEST_CASE("lxc config: names, cgroup dirs, limits, nets, quotes, comments") {
  LxcConfig c;
  uint32_t n = parse_lxc_config(
      "# comment\n"
      "lxc.uts.name = \"web01\"\n"
      "lxc.cgroup.dir = machine.slice/lxc\n"
      "lxc.cgroup.dir.container = ct/web\n"
      "lxc.cgroup.dir.container.inner = ns\n"
      "lxc.cgroup2.memory.max = 512M\n"
      "lxc.cgroup2.cpu.max = 150000 100000\n"
      "  lxc.net.0.type = veth  \n"
      "lxc.net.0.veth.pair = veth-web0\n"
      "lxc.net.1.type=empty\n"
      "lxc.net.9.type = veth\n"
      "not a key line\n"
      "lxc.include = /usr/share/lxc/config/common.conf\n",
      &c);
  CHECK(n == 11);  // every lxc.* line, lxc.include and lxc.net.9 included
  CHECK(c.uts_name == "web01");
  CHECK(c.cgroup_dir == "machine.slice/lxc");
  CHECK(c.container_dir == "ct/web");
  CHECK(c.container_inner == "ns");
  CHECK(c.has_memory_limit);
  CHECK(c.memory_limit == 512ull << 20);
  CHECK(c.has_cpu_quota);
  CHECK(c.cpu_quota_cores == doctest::Approx(1.5));
  CHECK(c.nets == 2);  // lxc.net.9 is beyond kMaxConfigNets
  CHECK(c.net_type[0] == "veth");
  CHECK(c.veth_pair[0] == "veth-web0");
  CHECK(c.net_type[1] == "empty");
  CHECK_FALSE(c.overflow);
}

TEST_CASE("lxc config: v1 limits, unlimited, oversized and truncated values") {
  LxcConfig c;
  parse_lxc_config("lxc.cgroup.memory.limit_in_bytes = 134217728\nlxc.cgroup.cpu.cfs_quota_us = 50000\n"
                   "lxc.cgroup.cpu.cfs_period_us = 100000\n",
                   &c);
  CHECK(c.memory_limit == 134217728u);
  CHECK(c.cpu_quota_cores == doctest::Approx(0.5));
  parse_lxc_config("lxc.cgroup2.memory.max = max\nlxc.cgroup2.cpu.max = max 100000\nlxc.cgroup.cpu.cfs_quota_us = -1\n", &c);
  CHECK_FALSE(c.has_memory_limit);
  CHECK_FALSE(c.has_cpu_quota);
  parse_lxc_config("lxc.cgroup2.memory.max = 99999999999999999999G\n", &c);
  CHECK_FALSE(c.has_memory_limit);
  parse_lxc_config("lxc.cgroup2.memory.max = 18446744073709551615G\n", &c);
  CHECK_FALSE(c.has_memory_limit);
  std::string big = "lxc.uts.name = " + std::string(300, 'x') + "\n";
  parse_lxc_config(big, &c);
  CHECK(c.uts_name.empty());
  CHECK(c.overflow);
  std::string_view k, v;
  CHECK_FALSE(parse_lxc_config_line("", &k, &v));
  CHECK_FALSE(parse_lxc_config_line("   # x = y", &k, &v));
  CHECK_FALSE(parse_lxc_config_line("= y", &k, &v));
  REQUIRE(parse_lxc_config_line("a = 'q'", &k, &v));
  CHECK(v == "q");
  REQUIRE(parse_lxc_config_line("a = \"", &k, &v));
  CHECK(v == "\"");
  REQUIRE(parse_lxc_config_line("a =", &k, &v));
  CHECK(v.empty());
  std::string text = "lxc.uts.name = web\nlxc.cgroup2.memory.max = 1G\nlxc.net.0.veth.pair = v0\nlxc.cgroup.dir = a/b\n";
  for (size_t i = 0; i <= text.size(); ++i) {
    std::string cut = text.substr(0, i);
    parse_lxc_config(cut, &c);
  }
}

TEST_CASE("proxmox config: current section only, MiB, hostile values") {
  PveConfig p;
  uint32_t n = parse_pve_config(
      "#Pi-hole\narch: amd64\ncores: 2\ncpulimit: 1.5\nhostname: pihole\nmemory: 512\nswap: 256\n\n"
      "[before-upgrade]\nhostname: old\nmemory: 64\n",
      &p);
  CHECK(n == 5);
  CHECK(p.hostname == "pihole");
  CHECK(p.cores == 2);
  CHECK(p.cpulimit == doctest::Approx(1.5));
  CHECK(p.memory_bytes == 512ull << 20);
  CHECK(p.swap_bytes == 256ull << 20);
  parse_pve_config("[pve:pending]\nhostname: x\n", &p);
  CHECK(p.hostname.empty());
  parse_pve_config("cores: 0\ncores: many\nmemory: 99999999999999999\ncpulimit: -1\nhostname:\n", &p);
  CHECK_FALSE(p.has_cores);
  CHECK_FALSE(p.has_memory);
  CHECK_FALSE(p.has_cpulimit);
  CHECK(p.hostname.empty());
  std::string text = "cores: 2\ncpulimit: 1.5\nhostname: pihole\nmemory: 512\n";
  for (size_t i = 0; i <= text.size(); ++i) {
    std::string cut = text.substr(0, i);
    parse_pve_config(cut, &p);
  }
  CHECK(is_vmid("101"));
  CHECK(is_vmid("999999999"));
  CHECK_FALSE(is_vmid("0101"));
  CHECK_FALSE(is_vmid("1234567890"));
  CHECK_FALSE(is_vmid("10a"));
  CHECK_FALSE(is_vmid(""));
}

// No Proxmox host here: the text is in /etc/pve/lxc/VMID.conf's format as
// Proxmox VE 8 writes it (keys sorted, a description as '#' lines, snapshot
// sections after the current configuration).
TEST_CASE("proxmox config: tags and lock, current section only") {
  PveConfig p;
  parse_pve_config(
      "#web front end\n"
      "arch: amd64\n"
      "cores: 2\n"
      "features: nesting=1\n"
      "hostname: web1\n"
      "lock: backup\n"
      "memory: 1024\n"
      "net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth\n"
      "ostype: debian\n"
      "parent: before-upgrade\n"
      "rootfs: local-lvm:vm-105-disk-0,size=8G\n"
      "swap: 512\n"
      "tags: prod;web\n"
      "unprivileged: 1\n"
      "\n"
      "[before-upgrade]\n"
      "lock: snapshot\n"
      "tags: old\n",
      &p);
  CHECK(p.tags == "prod;web");
  CHECK(p.lock == "backup");
  parse_pve_config("hostname: db\ntags: db\n\n[snap]\nlock: rollback\n", &p);
  CHECK(p.lock.empty());  // a snapshot's lock line is not the container's
  CHECK(p.tags == "db");
  // The fixture tree's container 101 (tags: dns, no lock).
  std::string path = std::string(EDGESTAT_SOURCE_DIR) + "/tests/fixtures/proxmox/root/etc/pve/lxc/101.conf";
  FILE* f = std::fopen(path.c_str(), "r");
  REQUIRE(f);
  char buf[4096];
  size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  parse_pve_config(std::string_view(buf, n), &p);
  CHECK(p.tags == "dns");
  CHECK(p.lock.empty());
  // Too long a tags value is dropped whole and flagged, never cut.
  parse_pve_config("tags: " + std::string(300, 'a') + "\n", &p);
  CHECK(p.tags.empty());
  CHECK(p.overflow);
}
