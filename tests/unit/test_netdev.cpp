// Tests for the netdev collector: /proc/net/dev lines and the collector end
// to end (node_exporter's legacy names, include and exclude filters).
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/netdev_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

constexpr const char* kHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
    "carrier compressed\n";

}  // namespace

TEST_CASE("netdev: interface lines") {
  NetDevLine d;
  REQUIRE(parse_netdev_line("  eth0: 317570025    8051    1    2    3     4          5         6   294358    4116    "
                            "7    8    9    10       11          12",
                            &d) == NetDevParse::Ok);
  CHECK(d.name == "eth0");
  CHECK(d.rx[0] == 317570025);
  CHECK(d.rx[1] == 8051);
  CHECK(d.rx[2] == 1);
  CHECK(d.rx[7] == 6);
  CHECK(d.tx[0] == 294358);
  CHECK(d.tx[1] == 4116);
  CHECK(d.tx[5] == 10);  // colls
  CHECK(d.tx[6] == 11);  // carrier
  CHECK(d.tx[7] == 12);
  // Counters run into the colon once they are wide enough.
  REQUIRE(parse_netdev_line("  eth0:18442871330 21388412    0 18922    0     0          0    412881 3917228145 "
                            "9874302    0    0    0     0       0          0",
                            &d) == NetDevParse::Ok);
  CHECK(d.rx[0] == 18442871330ull);
  CHECK(d.rx[3] == 18922);
  CHECK(d.rx[7] == 412881);
  REQUIRE(parse_netdev_line("phy0-ap0:2318440120 6120330 0 0 0 0 0 0 19882441307 16004221 0 3412 0 0 0 0", &d) ==
          NetDevParse::Ok);
  CHECK(d.name == "phy0-ap0");
  CHECK(d.tx[3] == 3412);
  // The name is what precedes the last colon.
  REQUIRE(parse_netdev_line("weird:name: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &d) == NetDevParse::Ok);
  CHECK(d.name == "weird:name");
  // Extra counters are ignored; the largest counter fits.
  REQUIRE(parse_netdev_line("lo: 18446744073709551615 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18", &d) ==
          NetDevParse::Ok);
  CHECK(d.rx[0] == 18446744073709551615ull);
  CHECK(d.tx[7] == 16);
}

TEST_CASE("netdev: blank, truncated, oversized and hostile lines") {
  NetDevLine d;
  CHECK(parse_netdev_line("", &d) == NetDevParse::Skip);
  CHECK(parse_netdev_line("  \t", &d) == NetDevParse::Skip);
  CHECK(parse_netdev_line("eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("   : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("eth0:", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("eth0: 1 2 3 4 5 6 7 x 9 10 11 12 13 14 15 16", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("eth0: 1 2 3 4 5 6 7 -8 9 10 11 12 13 14 15 16", &d) == NetDevParse::Malformed);
  CHECK(parse_netdev_line("eth0: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &d) ==
        NetDevParse::Malformed);
  // The header lines are not interface lines.
  CHECK(parse_netdev_line("Inter-|   Receive                                                |  Transmit", &d) ==
        NetDevParse::Malformed);
  std::string huge(100000, '1');
  CHECK(parse_netdev_line("eth0:" + huge, &d) == NetDevParse::Malformed);
  std::string colons(5000, ':');
  CHECK(parse_netdev_line(colons, &d) == NetDevParse::Malformed);
  // A view cut mid-line stops at the cut.
  std::string_view full = "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";
  CHECK(parse_netdev_line(full.substr(0, full.size() - 3), &d) == NetDevParse::Malformed);
}

TEST_CASE("netdev collector: node_exporter's names and values, no default exclude") {
  TempTree t;
  t.write("proc/net/dev",
          std::string(kHeader) +
              "    lo:  118220331  884120    0    0    0     0          0         0 118220331  884120    0    0    0"
              "     0       0          0\n"
              "   wan:498770114826 352100877    1 1203    2     3          4         5 31002554118 47220913    6    7"
              "    8     9      10         11\n"
              "br-lan:34112844102 61002117    0    0    0     0          0     48112 480551902114 412330877    0    0"
              "    0     0       0          0\n");
  Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}});
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  CHECK(r.has("# HELP node_network_receive_bytes_total Network device statistic receive_bytes."));
  CHECK(r.has("# TYPE node_network_receive_bytes_total counter"));
  CHECK(r.has("# HELP node_network_transmit_colls_total Network device statistic transmit_colls."));
  CHECK(r.has("node_network_receive_bytes_total{device=\"lo\"} 1.18220331e+08"));
  CHECK(r.has("node_network_receive_bytes_total{device=\"wan\"} 4.98770114826e+11"));
  CHECK(r.has("node_network_receive_packets_total{device=\"wan\"} 3.52100877e+08"));
  CHECK(r.has("node_network_receive_errs_total{device=\"wan\"} 1"));
  CHECK(r.has("node_network_receive_drop_total{device=\"wan\"} 1203"));
  CHECK(r.has("node_network_receive_fifo_total{device=\"wan\"} 2"));
  CHECK(r.has("node_network_receive_frame_total{device=\"wan\"} 3"));
  CHECK(r.has("node_network_receive_compressed_total{device=\"wan\"} 4"));
  CHECK(r.has("node_network_receive_multicast_total{device=\"wan\"} 5"));
  CHECK(r.has("node_network_receive_multicast_total{device=\"br-lan\"} 48112"));
  CHECK(r.has("node_network_transmit_bytes_total{device=\"wan\"} 3.1002554118e+10"));
  CHECK(r.has("node_network_transmit_packets_total{device=\"wan\"} 4.7220913e+07"));
  CHECK(r.has("node_network_transmit_errs_total{device=\"wan\"} 6"));
  CHECK(r.has("node_network_transmit_drop_total{device=\"wan\"} 7"));
  CHECK(r.has("node_network_transmit_fifo_total{device=\"wan\"} 8"));
  CHECK(r.has("node_network_transmit_colls_total{device=\"wan\"} 9"));
  CHECK(r.has("node_network_transmit_carrier_total{device=\"wan\"} 10"));
  CHECK(r.has("node_network_transmit_compressed_total{device=\"wan\"} 11"));
  // 16 families x 3 devices, nothing else.
  CHECK(r.count("\nnode_network_") == 48);
  CHECK(r.count("receive_colls") == 0);
  CHECK(r.count("transmit_frame") == 0);
  // Samples sorted by device within a family.
  CHECK(r.text.find("receive_bytes_total{device=\"br-lan\"}") < r.text.find("receive_bytes_total{device=\"lo\"}"));
}

TEST_CASE("netdev collector: include and exclude filters, errors") {
  TempTree t;
  t.write("proc/net/dev", std::string(kHeader) +
                              "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
                              "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
                              "wlan0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  {
    Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"collector.netdev.device-exclude", "^lo$"}});
    REQUIRE(r.ok);
    CHECK(r.count("device=\"lo\"") == 0);
    CHECK(r.count("device=\"eth0\"") == 16);
    CHECK(r.count("device=\"wlan0\"") == 16);
  }
  {
    Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}, {"collector.netdev.device-include", "^(eth|wlan)"}});
    REQUIRE(r.ok);
    CHECK(r.count("device=\"lo\"") == 0);
    CHECK(r.count("device=\"eth0\"") == 16);
    CHECK(r.count("device=\"wlan0\"") == 16);
  }
  {
    Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")},
                           {"collector.netdev.device-include", "^(eth|wlan)"},
                           {"collector.netdev.device-exclude", "^wlan"}});
    REQUIRE(r.ok);
    CHECK(r.count("device=\"eth0\"") == 16);
    CHECK(r.count("device=\"wlan0\"") == 0);
  }
  t.write("proc/net/dev", std::string(kHeader) + "eth0: 1 2 3\n");
  {
    Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("dev:3: malformed line") != std::string::npos);
    CHECK(r.count("node_network_") == 0);  // nothing half-done
  }
  t.write("proc/net/dev", kHeader);
  {
    Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}});
    CHECK(r.ok);
  }
  {
    Run r(collect_netdev, {{"path.procfs", t.path("none")}});
    CHECK_FALSE(r.ok);
  }
}

TEST_CASE("test_netdev: receive_nohandler from sysfs, as node_exporter 1.12's rtnetlink counters have it") {
  TempTree t;
  t.write("proc/net/dev",
          "Inter-|   Receive                                                |  Transmit\n"
          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
          "carrier compressed\n"
          "  eth0: 100 2 0 0 0 0 0 0 200 3 0 0 0 0 0 0\n"
          "    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n");
  t.write("sys/class/net/eth0/statistics/rx_nohandler", "7\n");
  Run r(collect_netdev, {{"path.procfs", t.path("proc")}, {"path.sysfs", t.path("sys")}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_network_receive_nohandler_total Network device statistic receive_nohandler."));
  CHECK(r.has("node_network_receive_nohandler_total{device=\"eth0\"} 7"));
  CHECK(r.count("node_network_receive_nohandler_total{device=\"lo\"}") == 0);  // no sysfs file: absent
}
