// Tests for the netclass collector: sysfs integer parsing (Go's ParseInt
// base 0), speed conversion, and the collector end to end over symlinked
// /sys/class/net entries.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/netclass_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

// Writes one interface's attributes under dir (relative to the tree).
void write_attrs(const TempTree& t, const std::string& dir,
                 std::initializer_list<std::pair<const char*, const char*>> attrs) {
  for (const auto& [name, value] : attrs) t.write(dir + "/" + name, value);
}

}  // namespace

TEST_CASE("netclass: sysfs integers as Go's strconv.ParseInt(s, 0, 64)") {
  CHECK(parse_sysfs_int("1500\n") == 1500);
  CHECK(parse_sysfs_int("  42  ") == 42);
  CHECK(parse_sysfs_int("0") == 0);
  CHECK(parse_sysfs_int("-1") == -1);
  CHECK(parse_sysfs_int("+7") == 7);
  CHECK(parse_sysfs_int("0x1003") == 4099);
  CHECK(parse_sysfs_int("0X1003") == 4099);
  CHECK(parse_sysfs_int("0xffffffff") == 4294967295);
  CHECK(parse_sysfs_int("010") == 8);
  CHECK(parse_sysfs_int("0o17") == 15);
  CHECK(parse_sysfs_int("0b101") == 5);
  CHECK(parse_sysfs_int("-0x10") == -16);
  CHECK(parse_sysfs_int("9223372036854775807") == INT64_MAX);
  CHECK(parse_sysfs_int("-9223372036854775808") == INT64_MIN);
  CHECK(parse_sysfs_int("0x7fffffffffffffff") == INT64_MAX);

  CHECK_FALSE(parse_sysfs_int("9223372036854775808"));
  CHECK_FALSE(parse_sysfs_int("-9223372036854775809"));
  CHECK_FALSE(parse_sysfs_int("0x8000000000000000"));
  CHECK_FALSE(parse_sysfs_int("99999999999999999999999999"));
  CHECK_FALSE(parse_sysfs_int(""));
  CHECK_FALSE(parse_sysfs_int("  \n"));
  CHECK_FALSE(parse_sysfs_int("-"));
  CHECK_FALSE(parse_sysfs_int("0x"));
  CHECK_FALSE(parse_sysfs_int("08"));
  CHECK_FALSE(parse_sysfs_int("0b2"));
  CHECK_FALSE(parse_sysfs_int("12a"));
  CHECK_FALSE(parse_sysfs_int("1_000"));
  CHECK_FALSE(parse_sysfs_int("1 2"));
  CHECK_FALSE(parse_sysfs_int("--1"));
  CHECK_FALSE(parse_sysfs_int("up"));
  CHECK_FALSE(parse_sysfs_int(std::string(10000, '7')));
}

TEST_CASE("netclass: speed in Mbit/s to bytes per second") {
  CHECK(speed_bytes(1000, false) == 125000000.0);
  CHECK(speed_bytes(10, false) == 1250000.0);
  CHECK(speed_bytes(0, false) == 0.0);
  CHECK(speed_bytes(100000, true) == 12500000000.0);
  // Unknown (virtio, link down): node_exporter 1.12 exports -125000 unless
  // --collector.netclass.ignore-invalid-speed.
  CHECK(speed_bytes(-1, false) == -125000.0);
  CHECK_FALSE(speed_bytes(-1, true));
  CHECK_FALSE(speed_bytes(INT64_MIN, true));
  CHECK(admin_state(std::nullopt) == "unknown");
  CHECK(admin_state(0x1003) == "up");
  CHECK(admin_state(0x1002) == "down");
}

TEST_CASE("netclass collector: symlinked devices, every attribute, missing ones left out") {
  TempTree t;
  const std::string eth0 = "sys/devices/platform/soc/1e100000.ethernet/net/eth0";
  write_attrs(t, eth0,
              {{"addr_assign_type", "0\n"}, {"address", "02:fc:00:00:00:01\n"}, {"broadcast", "ff:ff:ff:ff:ff:ff\n"},
               {"carrier", "1\n"}, {"carrier_changes", "2\n"}, {"carrier_up_count", "1\n"},
               {"carrier_down_count", "1\n"}, {"dev_id", "0x0\n"}, {"dormant", "0\n"}, {"duplex", "full\n"},
               {"flags", "0x1003\n"}, {"ifalias", "uplink to ISP \"fibre\"\n"}, {"ifindex", "4\n"},
               {"iflink", "4\n"}, {"link_mode", "0\n"}, {"mtu", "1500\n"}, {"name_assign_type", "1\n"},
               {"netdev_group", "0\n"}, {"operstate", "up\n"}, {"speed", "1000\n"}, {"tx_queue_len", "1000\n"},
               {"type", "1\n"}});
  // A down virtual link: no carrier, speed or duplex (sysfs answers EINVAL,
  // the capture leaves them out), an unknown speed elsewhere.
  const std::string br = "sys/devices/virtual/net/br-lan";
  write_attrs(t, br,
              {{"address", "3e:33:7f:56:85:01\n"}, {"broadcast", "ff:ff:ff:ff:ff:ff\n"}, {"flags", "0x1002\n"},
               {"ifalias", "\n"}, {"ifindex", "7\n"}, {"iflink", "7\n"}, {"mtu", "1500\n"},
               {"operstate", "down\n"}, {"tx_queue_len", "0\n"}, {"type", "1\n"}, {"carrier_changes", "junk\n"}});
  const std::string lo = "sys/devices/virtual/net/lo";
  write_attrs(t, lo,
              {{"address", "00:00:00:00:00:00\n"}, {"operstate", "unknown\n"}, {"mtu", "65536\n"},
               {"speed", "-1\n"}, {"type", "772\n"}, {"flags", "0x9\n"}});
  t.symlink("../../devices/platform/soc/1e100000.ethernet/net/eth0", "sys/class/net/eth0");
  t.symlink("../../devices/virtual/net/br-lan", "sys/class/net/br-lan");
  t.symlink("../../devices/virtual/net/lo", "sys/class/net/lo");
  t.symlink("../../devices/virtual/net/gone", "sys/class/net/gone");  // removed since listed
  t.write("sys/class/net/bonding_masters", "bond0\n");               // a file, not a device

  Run r(collect_netclass, {{"path.sysfs", t.path("sys")}});
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  CHECK(r.has("# HELP node_network_up Value is 1 if operstate is 'up', 0 otherwise."));
  CHECK(r.has("# HELP node_network_info Non-numeric data from /sys/class/net/<iface>, value is always 1."));
  CHECK(r.has("# HELP node_network_mtu_bytes Network device property: mtu_bytes"));
  CHECK(r.has("# TYPE node_network_carrier_changes_total counter"));
  CHECK(r.has("# TYPE node_network_carrier_up_changes_total counter"));
  CHECK(r.has("# TYPE node_network_flags gauge"));
  CHECK(r.has("node_network_up{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_up{device=\"br-lan\"} 0"));
  CHECK(r.has("node_network_up{device=\"lo\"} 0"));
  CHECK(r.has("node_network_info{address=\"02:fc:00:00:00:01\",adminstate=\"up\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth0\","
              "duplex=\"full\",ifalias=\"uplink to ISP \\\"fibre\\\"\",operstate=\"up\"} 1"));
  CHECK(r.has("node_network_info{address=\"3e:33:7f:56:85:01\",adminstate=\"down\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"br-lan\","
              "duplex=\"\",ifalias=\"\",operstate=\"down\"} 1"));
  CHECK(r.has("node_network_info{address=\"00:00:00:00:00:00\",adminstate=\"up\",broadcast=\"\",device=\"lo\",duplex=\"\","
              "ifalias=\"\",operstate=\"unknown\"} 1"));
  CHECK(r.has("node_network_address_assign_type{device=\"eth0\"} 0"));
  CHECK(r.has("node_network_carrier{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_carrier_changes_total{device=\"eth0\"} 2"));
  CHECK(r.has("node_network_carrier_up_changes_total{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_carrier_down_changes_total{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_device_id{device=\"eth0\"} 0"));
  CHECK(r.has("node_network_dormant{device=\"eth0\"} 0"));
  CHECK(r.has("node_network_flags{device=\"eth0\"} 4099"));
  CHECK(r.has("node_network_iface_id{device=\"eth0\"} 4"));
  CHECK(r.has("node_network_iface_link{device=\"eth0\"} 4"));
  CHECK(r.has("node_network_iface_link_mode{device=\"eth0\"} 0"));
  CHECK(r.has("node_network_mtu_bytes{device=\"eth0\"} 1500"));
  CHECK(r.has("node_network_name_assign_type{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_net_dev_group{device=\"eth0\"} 0"));
  CHECK(r.has("node_network_speed_bytes{device=\"eth0\"} 1.25e+08"));
  CHECK(r.has("node_network_transmit_queue_length{device=\"eth0\"} 1000"));
  CHECK(r.has("node_network_protocol_type{device=\"eth0\"} 1"));
  CHECK(r.has("node_network_protocol_type{device=\"lo\"} 772"));
  CHECK(r.has("node_network_flags{device=\"lo\"} 9"));
  CHECK(r.has("node_network_mtu_bytes{device=\"lo\"} 65536"));
  // Absent or unparsable attributes are absent metrics.
  CHECK(r.count("node_network_carrier{device=\"br-lan\"}") == 0);
  CHECK(r.count("node_network_carrier_changes_total{device=\"br-lan\"}") == 0);
  CHECK(r.count("node_network_speed_bytes{device=\"br-lan\"}") == 0);
  // speed -1: node_exporter 1.12 exports it as is, times 125000.
  CHECK(r.has("node_network_speed_bytes{device=\"lo\"} -125000"));
  CHECK(r.count("node_network_dormant{device=\"lo\"}") == 0);
  CHECK(r.count("bonding_masters") == 0);
  CHECK(r.count("gone") == 0);
  // eth0 has all 19 families; br-lan up, info and 6 attributes; lo up,
  // info and 4 (its speed is -1).
  CHECK(r.count("{device=\"eth0\"}") == 18);
  CHECK(r.count("device=\"eth0\"") == 19);
  CHECK(r.count("device=\"br-lan\"") == 8);
  CHECK(r.count("device=\"lo\"") == 6);
  Run ignoring(collect_netclass, {{"path.sysfs", t.path("sys")}, {"collector.netclass.ignore-invalid-speed", "true"}});
  CHECK(ignoring.count("node_network_speed_bytes{device=\"lo\"}") == 0);
}

TEST_CASE("netclass collector: ignored devices, a missing class directory") {
  TempTree t;
  for (const char* dev : {"eth0", "veth1234", "wlan0"}) {
    write_attrs(t, std::string("sys/class/net/") + dev, {{"operstate", "up\n"}, {"mtu", "1500\n"}});
  }
  {
    Run r(collect_netclass, {{"path.sysfs", t.path("sys")}, {"collector.netclass.ignored-devices", "^veth"}});
    REQUIRE(r.ok);
    CHECK(r.has("node_network_mtu_bytes{device=\"eth0\"} 1500"));
    CHECK(r.has("node_network_mtu_bytes{device=\"wlan0\"} 1500"));
    CHECK(r.count("veth") == 0);
  }
  {
    // The default "^$" ignores nothing; so does an empty pattern.
    Run r(collect_netclass, {{"path.sysfs", t.path("sys")}});
    REQUIRE(r.ok);
    CHECK(r.has("node_network_up{device=\"veth1234\"} 1"));
    Run r2(collect_netclass, {{"path.sysfs", t.path("sys")}, {"collector.netclass.ignored-devices", ""}});
    REQUIRE(r2.ok);
    CHECK(r2.has("node_network_up{device=\"veth1234\"} 1"));
  }
  {
    Run r(collect_netclass, {{"path.sysfs", t.path("nonexistent")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("class/net") != std::string::npos);
  }
}
