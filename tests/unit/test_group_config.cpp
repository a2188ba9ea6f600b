// Tests for the scaling groups' config ([autoscale.group.NAME],
// config/autoscale_group_schema.hpp) and the clone config rewrite
// (scale/clone_config.hpp): every key validated, errors naming file:line;
// the marker and static address written, old ones dropped, addresses in
// use found.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "collect/registry.hpp"
#include "config/load.hpp"
#include "config_harness.hpp"
#include "core/ipv4.hpp"
#include "scale/clone_config.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {
using Loaded = test::LoadedConfig;
bool has(const std::string& all, const char* s) { return all.find(s) != std::string::npos; }
}  // namespace

TEST_CASE("group sections: defaults, keys, and errors with file:line") {
  Loaded ok;
  ok.l.apply_ini("[autoscale.group.web]\nbase = web-base\nmax_instances = 3\naddress_range = 10.0.3.10-10.0.3.20\n"
                 "health_command = wget -q -O - http://127.0.0.1/\nscale_in = destroy\nmode = recommend\n",
                 "/etc/g.conf");
  ok.l.validate();
  CHECK(ok.errors() == "");
  REQUIRE(ok.c.autoscale_groups.groups.size() == 1);
  const AutoscaleGroupConfig& g = ok.c.autoscale_groups.groups[0];
  CHECK(g.name.view() == "web");
  CHECK(g.min_instances == 1);
  CHECK(g.max_instances == 3);
  CHECK(g.cpu_upper == 80);
  CHECK(g.scale_out_grace_ms == 300000);
  CHECK(g.scale_in_grace_ms == 600000);
  CHECK(g.scale_in == static_cast<uint8_t>(GroupScaleIn::Destroy));
  CHECK(g.mode == static_cast<uint8_t>(GroupMode::Recommend));

  Loaded b;
  b.l.apply_ini("[autoscale.group.a]\n"              // 1
                "bogus = 1\n"                         // 2
                "min_instances = 4\n"                 // 3
                "max_instances = 2\n"                 // 4
                "cpu_lower = 90\n"                    // 5
                "address_range = 10.0.0.9-10.0.0.1\n" // 6
                "scale_in = delete\n"                 // 7
                "min_instances = 1\n"                 // 8
                "# a comment\n"                        // 9
                "[autoscale.group.c]\n"               // 10
                "base = ../etc\n"                     // 11
                "address_range = 10.0.0.1-10.0.0.2\n" // 12
                "gateway = 10.0.0.256\n"              // 13
                "[autoscale.group.d]\n"               // 14
                "gateway = 10.0.0.1\n"                // 15
                "[autoscale.group.b-12345678901234567890123456789012345678901]\n"  // 16
                "base = x\n",                                                       // 17
                "/etc/g.conf");
  b.l.validate();
  std::string e = b.errors();
  CHECK(has(e, "/etc/g.conf:2: unknown key [autoscale.group.a] bogus"));
  CHECK(has(e, "/etc/g.conf:8: [autoscale.group.a] min_instances set twice"));
  CHECK(has(e, "/etc/g.conf:7: [autoscale.group.a] scale_in = \"delete\": not one of the allowed values"));
  CHECK(has(e, "/etc/g.conf:3: [autoscale.group.a]: min_instances (4) is above max_instances (2)"));
  CHECK(has(e, "/etc/g.conf:5: [autoscale.group.a]: cpu_lower (90) must be below cpu_upper (80)"));
  CHECK(has(e, "/etc/g.conf:6: [autoscale.group.a] address_range = \"10.0.0.9-10.0.0.1\""));
  CHECK(has(e, "/etc/g.conf:17: [autoscale.group.b-12345678901234567890123456789012345678901]: a group needs a NAME of "
               "1..40 characters"));
  CHECK(has(e, "/etc/g.conf:11: [autoscale.group.c] base = \"../etc\": not a container name"));
  CHECK(has(e, "/etc/g.conf:12: [autoscale.group.c]: address_range holds 2 addresses, fewer than max_instances (5)"));
  CHECK(has(e, "/etc/g.conf:13: [autoscale.group.c] gateway = \"10.0.0.256\": not an IPv4 address"));
  CHECK(has(e, "/etc/g.conf:15: [autoscale.group.d]: gateway needs address_range"));

  Loaded nobase;
  nobase.l.apply_ini("[autoscale.group.a]\nmax_instances = 2\n", "/etc/g.conf");
  nobase.l.validate();
  CHECK(has(nobase.errors(), "/etc/g.conf:2: [autoscale.group.a]: base is required"));

  Loaded two;
  two.l.apply_ini("[autoscale.group.x]\nbase = b\n[autoscale.group.y]\nbase = b\nclone_prefix = x\n", "/g");
  two.l.validate();
  CHECK(has(two.errors(), "/g:5: [autoscale.group.y]: clone prefix \"x\" is also [autoscale.group.x]'s"));
  CHECK(has(two.errors(), "/g:4: [autoscale.group.y]: base \"b\" is also [autoscale.group.x]'s"));
}

TEST_CASE("ipv4 parse, format, ranges") {
  uint32_t a = 0, f = 0, l = 0;
  CHECK(parse_ipv4("10.0.3.101", &a));
  CHECK(a == 0x0A000365);
  char b[16];
  CHECK(std::string(b, format_ipv4(a, b)) == "10.0.3.101");
  CHECK(std::string(b, format_ipv4(0xFFFFFFFF, b)) == "255.255.255.255");
  for (const char* bad : {"10.0.3", "10.0.3.1.2", "10.0.3.256", "10.0.03.1", "a.b.c.d", "10.0.3.1 ", ""})
    CHECK_FALSE(parse_ipv4(bad, &a));
  CHECK(parse_ipv4_range("10.0.0.1-10.0.0.5", &f, &l));
  CHECK(l - f == 4);
  CHECK_FALSE(parse_ipv4_range("10.0.0.5-10.0.0.1", &f, &l));
}

TEST_CASE("clone config: marker and static address written, old ones dropped") {
  std::string base =
      "lxc.uts.name = web-1\n"
      "lxc.net.0.type = veth\n"
      "lxc.net.0.ipv4.address = 10.0.3.5/24\n"
      "lxc.net.0.ipv4.gateway = 10.0.3.1\n"
      "lxc.net.1.ipv4.address = 192.168.9.9/24\n"
      "# edgestat.group = old\n"
      "# edgestat.seq = 9\n"
      "lxc.rootfs.path = dir:/var/lib/lxc/web-1/rootfs\n";
  CloneMarker m0 = read_clone_marker(base);
  CHECK(m0.group == "old");
  CHECK(m0.seq == 9);
  CloneSettings s;
  s.group = "web";
  s.token = "abc-1-2";
  s.seq = 3;
  parse_ipv4("10.0.3.102", &s.address);
  s.prefix = 24;
  parse_ipv4("10.0.3.1", &s.gateway);
  char out[2048];
  size_t n = rewrite_clone_config(base, s, out, sizeof out);
  REQUIRE(n > 0);
  std::string r(out, n);
  CHECK(r ==
        "lxc.uts.name = web-1\n"
        "lxc.net.0.type = veth\n"
        "lxc.net.1.ipv4.address = 192.168.9.9/24\n"
        "lxc.rootfs.path = dir:/var/lib/lxc/web-1/rootfs\n"
        "# edgestat.group = web\n# edgestat.seq = 3\n# edgestat.token = abc-1-2\n"
        "lxc.net.0.ipv4.address = 10.0.3.102/24\n"
        "lxc.net.0.ipv4.gateway = 10.0.3.1\n");
  CloneMarker m = read_clone_marker(r);
  CHECK(m.group == "web");
  CHECK(m.seq == 3);
  CHECK(m.token == "abc-1-2");
  std::vector<uint32_t> seen;
  for_each_ipv4_address(r, [](void* ctx, uint32_t a) { static_cast<std::vector<uint32_t>*>(ctx)->push_back(a); },
                        &seen);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1] == s.address);
  // Without an address the network lines stay as they are.
  s.address = 0;
  n = rewrite_clone_config(base, s, out, sizeof out);
  CHECK(std::string(out, n).find("lxc.net.0.ipv4.address = 10.0.3.5/24") != std::string::npos);
  // Too small a buffer is refused whole.
  CHECK(rewrite_clone_config(base, s, out, 64) == 0);
  // A container without the marker is nobody's clone.
  CHECK(read_clone_marker("lxc.uts.name = x\n# edgestat.groupx = web\n").group.empty());
}
