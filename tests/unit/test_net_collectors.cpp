// netstat, sockstat, softnet, arp and udp_queues: parsers fed real and
// hostile text, collectors run over scratch trees and compared with what
// node_exporter 1.12 prints for the same files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <string>

#include "collect/host/arp_parse.hpp"
#include "collect/host/host.hpp"
#include "collect/host/netstat_parse.hpp"
#include "collect/host/sockstat_parse.hpp"
#include "collect/host/softnet_parse.hpp"
#include "collect/host/udp_queues_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {
NetstatField g_f[64];
}

TEST_CASE("test_net_collectors: parse_netstat pairs, counts and values") {
  NetstatError err;
  std::string_view bad;
  size_t n = parse_netstat("TcpExt: SyncookiesSent ListenDrops\nTcpExt: 3 7\nIpExt: InOctets\nIpExt: 1e3\n", g_f, 64,
                           &err, &bad);
  REQUIRE(err == NetstatError::None);
  REQUIRE(n == 3);
  CHECK(g_f[0].protocol == "TcpExt");
  CHECK(g_f[1].name == "ListenDrops");
  CHECK(g_f[1].value == 7);
  CHECK(g_f[2].value == 1000);
  // Negative values are real (Tcp MaxConn -1).
  n = parse_netstat("Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\n", g_f, 64, &err, &bad);
  CHECK((err == NetstatError::None && n == 2 && g_f[1].value == -1));
  // Hostile and truncated input.
  parse_netstat("TcpExt: A B\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::Truncated);
  parse_netstat("TcpExt: A B\nTcpExt: 1\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::CountMismatch);
  parse_netstat("TcpExt: A B\nTcpExt: 1 x\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::BadValue);
  CHECK(bad == "x");
  parse_netstat("TcpExt A\nTcpExt 1\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::Truncated);  // no "Proto:" token
  parse_netstat("\n\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::Truncated);
  n = parse_netstat("", g_f, 64, &err, &bad);
  CHECK((err == NetstatError::None && n == 0));
  parse_netstat("P: A B C\nP: 1 2 3\n", g_f, 2, &err, &bad);
  CHECK(err == NetstatError::TooMany);
}

TEST_CASE("test_net_collectors: parse_snmp6") {
  NetstatError err;
  std::string_view bad;
  size_t n = parse_snmp6("Ip6InReceives 12\nIcmp6InType133    4\nUdpLite6InErrors 0\nnosix 5\nIp6Only\n", g_f, 64,
                         &err, &bad);
  REQUIRE(err == NetstatError::None);
  REQUIRE(n == 3);
  CHECK((g_f[0].protocol == "Ip6" && g_f[0].name == "InReceives" && g_f[0].value == 12));
  CHECK((g_f[1].protocol == "Icmp6" && g_f[1].name == "InType133"));
  CHECK((g_f[2].protocol == "UdpLite6" && g_f[2].name == "InErrors"));
  // A name ending in its '6' has no field (fuzz_net_parsers found it).
  n = parse_snmp6("Icmp6 5\nIp6InDelivers 3\n", g_f, 64, &err, &bad);
  CHECK((err == NetstatError::None && n == 1 && g_f[0].name == "InDelivers"));
  parse_snmp6("Ip6InReceives 1x\n", g_f, 64, &err, &bad);
  CHECK(err == NetstatError::BadValue);
}

TEST_CASE("test_net_collectors: netstat collector with the default fields regex") {
  TempTree t;
  t.write("proc/net/netstat",
          "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts PruneCalled\n"
          "TcpExt: 0 2 3 9 1\nIpExt: InOctets OutOctets InNoRoutes\nIpExt: 100 200 4\n");
  t.write("proc/net/snmp",
          "Ip: Forwarding DefaultTTL\nIp: 2 64\nTcp: CurrEstab MaxConn InErrs\nTcp: 5 -1 0\n"
          "Udp: InDatagrams NoPorts InErrors\nUdp: 10 1 0\n");
  Run r(collect_netstat, t.root + "/proc");  // no snmp6: IPv6 disabled, skipped
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_netstat_TcpExt_ListenDrops Statistic TcpExtListenDrops."));
  CHECK(r.has("# TYPE node_netstat_TcpExt_ListenDrops untyped"));
  CHECK(r.has("node_netstat_TcpExt_ListenDrops 3"));
  CHECK(r.has("node_netstat_Ip_Forwarding 2"));
  CHECK(r.has("node_netstat_Tcp_CurrEstab 5"));
  CHECK(r.has("node_netstat_Tcp_InErrs 0"));
  CHECK(r.has("node_netstat_IpExt_OutOctets 200"));
  CHECK(r.has("node_netstat_Udp_NoPorts 1"));
  CHECK_FALSE(r.contains("PruneCalled"));  // not in the default regex
  CHECK_FALSE(r.contains("MaxConn"));
  CHECK_FALSE(r.contains("DefaultTTL"));
  CHECK_FALSE(r.contains("InNoRoutes"));
  Run all(collect_netstat, {{"path.procfs", t.path("proc")}, {"collector.netstat.fields", ".*"}});
  CHECK(all.has("node_netstat_Tcp_MaxConn -1"));
  t.write("proc/net/snmp6", "Ip6InOctets 64\nUdp6InDatagrams 1\n");
  Run v6(collect_netstat, t.root + "/proc");
  CHECK(v6.has("node_netstat_Ip6_InOctets 64"));
  CHECK(v6.has("node_netstat_Udp6_InDatagrams 1"));
  // A bad value anywhere fails the collector, matched or not.
  t.write("proc/net/snmp", "Ip: Forwarding DefaultTTL\nIp: 2 6x4\n");
  Run badr(collect_netstat, t.root + "/proc");
  CHECK_FALSE(badr.ok);
  CHECK(badr.err.find("invalid value") != std::string::npos);
}

TEST_CASE("test_net_collectors: parse_sockstat") {
  SockstatFile f;
  SockstatProto p[8];
  std::string_view bad;
  REQUIRE(parse_sockstat("sockets: used 18\nTCP: inuse 2 orphan 0 tw 1 alloc 3 mem 5\nFRAG: inuse 0 memory 0\n"
                         "RAW: inuse 1\n",
                         &f, p, 8, &bad));
  CHECK((f.has_used && f.used == 18));
  REQUIRE(f.nprotos == 3);
  CHECK((p[0].protocol == "TCP" && p[0].value[kSockTw] == 1 && p[0].has[kSockMem] && !p[0].has[kSockMemory]));
  CHECK((p[1].has[kSockMemory] && !p[1].has[kSockMem]));
  CHECK_FALSE(parse_sockstat("TCP: inuse\n", &f, p, 8, &bad));          // odd key/value count
  CHECK_FALSE(parse_sockstat("TCP:\n", &f, p, 8, &bad));                // too few fields
  CHECK_FALSE(parse_sockstat("TCP: inuse 1x\n", &f, p, 8, &bad));       // not an integer
  CHECK_FALSE(parse_sockstat("TCP: inuse  1\n", &f, p, 8, &bad));       // two blanks: an empty field
  CHECK_FALSE(parse_sockstat("A: inuse 1\nB: inuse 1\n", &f, p, 1, &bad));  // capacity
}

TEST_CASE("test_net_collectors: sockstat collector, node_exporter's names and mem_bytes") {
  TempTree t;
  t.write("proc/net/sockstat", "sockets: used 18\nTCP: inuse 2 orphan 0 tw 1 alloc 3 mem 5\nUDP: inuse 0 mem 2\n");
  t.write("proc/net/sockstat6", "TCP6: inuse 1\nUDP6: inuse 0\n");
  Run r(collect_sockstat, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_sockstat_sockets_used Number of IPv4 sockets in use."));
  CHECK(r.has("node_sockstat_sockets_used 18"));
  CHECK(r.has("# HELP node_sockstat_TCP_tw Number of TCP sockets in state tw."));
  CHECK(r.has("node_sockstat_TCP_alloc 3"));
  CHECK(r.has("node_sockstat_TCP_mem 5"));
  CHECK(r.has("node_sockstat_TCP_mem_bytes " + std::to_string(5 * ::sysconf(_SC_PAGESIZE))));
  CHECK(r.has("node_sockstat_TCP6_inuse 1"));
  CHECK_FALSE(r.contains("TCP6_orphan"));
  TempTree none;
  none.mkdir("proc/net");
  Run absent(collect_sockstat, none.root + "/proc");
  CHECK_FALSE(absent.ok);  // both files absent: unsupported (ENOENT)
}

TEST_CASE("test_net_collectors: softnet lines, old and new kernels") {
  SoftnetLine s;
  REQUIRE(parse_softnet_line("0001e0f3 00000002 0000000a 00000000 00000000 00000000 00000000 00000000 00000004", 3, &s));
  CHECK((s.processed == 0x1e0f3 && s.dropped == 2 && s.time_squeeze == 10 && s.cpu_collision == 4 && s.cpu == 3));
  REQUIRE(parse_softnet_line("00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                             "00000005 00000006 00000007 00000009",
                             0, &s));
  CHECK((s.received_rps == 5 && s.flow_limit_count == 6 && s.backlog_len == 7 && s.cpu == 9));
  CHECK_FALSE(parse_softnet_line("00000010 00000000", 0, &s));  // truncated
  CHECK_FALSE(parse_softnet_line("0000001g 0 0 0 0 0 0 0 0", 0, &s));
  CHECK_FALSE(parse_softnet_line("100000000 0 0 0 0 0 0 0 0", 0, &s));  // over 32 bits
  CHECK(parse_softnet_line("000000000010 0 0 0 0 0 0 0 0", 0, &s));     // leading zeros are fine
  TempTree t;
  t.write("proc/net/softnet_stat", "00000010 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000\n"
                                   "00000020 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n");
  Run r(collect_softnet, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_softnet_processed_total{cpu=\"1\"} 32"));
  CHECK(r.has("node_softnet_dropped_total{cpu=\"1\"} 3"));
  CHECK(r.has("# HELP node_softnet_times_squeezed_total Number of times processing packets ran out of quota"));
  CHECK(r.has("node_softnet_backlog_len{cpu=\"0\"} 0"));
  t.write("proc/net/softnet_stat", "00000010 00000000\n");
  CHECK_FALSE(Run(collect_softnet, t.root + "/proc").ok);
}

TEST_CASE("test_net_collectors: arp table per device, filters, hostile lines") {
  ArpDeviceCount d[4];
  ArpError err;
  std::string_view bad;
  const char* table =
      "IP address       HW type     Flags       HW address            Mask     Device\n"
      "192.168.1.1      0x1         0x2         a0:36:bc:12:34:56     *        eth0\n"
      "192.168.1.9      0x1         0x0         00:00:00:00:00:00     *        eth0\n"
      "10.0.0.2         0x1         0x2         e4:5f:01:aa:bb:cc     *        wlan0\n\n";
  size_t n = parse_arp(table, d, 4, &err, &bad);
  REQUIRE(err == ArpError::None);
  REQUIRE(n == 2);
  CHECK((d[0].device == "eth0" && d[0].entries == 2 && d[1].entries == 1));
  parse_arp("1.2.3.4 0x1 0x2 a0:36:bc:12:34:56 *\n", d, 4, &err, &bad);
  CHECK(err == ArpError::BadWidth);
  parse_arp("1.2.3.4 0x1 0x2 a0:36:bc:12:34 * eth0\n", d, 4, &err, &bad);
  CHECK(err == ArpError::BadEntry);  // short MAC
  parse_arp("1.2.3.4 0x1 0x200 a0:36:bc:12:34:56 * eth0\n", d, 4, &err, &bad);
  CHECK(err == ArpError::BadEntry);  // flags beyond 8 bits
  parse_arp("1.2.3.4 0x1 0x2 a0:36:bc:12:34:56 * a\n1.2.3.4 0x1 0x2 a0:36:bc:12:34:56 * b\n", d, 1, &err, &bad);
  CHECK(err == ArpError::TooManyDevices);
  TempTree t;
  t.write("proc/net/arp", table);
  Run r(collect_arp, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_arp_entries ARP entries by device"));
  CHECK(r.has("node_arp_entries{device=\"eth0\"} 2"));
  CHECK(r.has("node_arp_entries{device=\"wlan0\"} 1"));
  Run ex(collect_arp, {{"path.procfs", t.path("proc")}, {"collector.arp.device-exclude", "^wlan"}});
  CHECK(ex.count("node_arp_entries{") == 1);
  Run in(collect_arp, {{"path.procfs", t.path("proc")}, {"collector.arp.device-include", "^wlan"}});
  CHECK(in.has("node_arp_entries{device=\"wlan0\"} 1"));
  CHECK(in.count("node_arp_entries{") == 1);
}

TEST_CASE("test_net_collectors: udp queues summed over sockets, v4 and v6") {
  const char* hdr = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  std::string v4 = std::string(hdr) +
                   "  1: 00000000:0044 00000000:0000 07 00000010:00000A00 00 00000000:00000000 00000000 0 0 1 2 0 0\n"
                   "  2: 0100007F:14E9 00000000:0000 07 00000001:00000100 00 00000000:00000000 00000000 0 0 2 2 0 0\n";
  UdpQueues q;
  std::string_view bad;
  REQUIRE(parse_udp_queues(v4, &q, &bad));
  CHECK((q.tx == 0x11 && q.rx == 0xB00));
  CHECK_FALSE(parse_udp_queues(std::string(hdr) + "  1: 0:0 0:0 07 00000010\n", &q, &bad));  // truncated
  CHECK_FALSE(parse_udp_queues(std::string(hdr) + "  1: 0:0 0:0 07 0000001x:0 00 0:0 0 0 0 1 2 0 0\n", &q, &bad));
  CHECK(parse_udp_queues(hdr, &q, &bad));  // no sockets
  TempTree t;
  t.write("proc/net/udp", v4);
  Run r(collect_udp_queues, t.root + "/proc");  // no udp6: left out
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_udp_queues{ip=\"v4\",queue=\"rx\"} 2816"));
  CHECK(r.has("node_udp_queues{ip=\"v4\",queue=\"tx\"} 17"));
  CHECK_FALSE(r.contains("v6"));
}
