#include <doctest/doctest.h>

#include <string>

#include "collect/host/conntrack_parse.hpp"
#include "collect/host/host.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {
// Linux 5.x+ header and column set; two CPUs.
constexpr const char* kStat =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop "
    "icmp_error  expect_new expect_create expect_delete search_restart\n"
    "00000010  00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a "
    "0000000b 0000000c  0000000d 0000000e 0000000f 00000100\n"
    "00000010  00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a "
    "0000000b 0000000c  0000000d 0000000e 0000000f ffffffff\n";
}  // namespace

TEST_CASE("test_conntrack: parse_conntrack_stat sums CPUs by column position") {
  ConntrackStat s;
  REQUIRE(parse_conntrack_stat(kStat, &s));
  CHECK(s.cpus == 2);
  CHECK(s.found == 4);
  CHECK(s.invalid == 8);
  CHECK(s.ignore == 10);
  CHECK(s.insert == 16);
  CHECK(s.insert_failed == 18);
  CHECK(s.drop == 20);
  CHECK(s.early_drop == 22);
  CHECK(s.search_restart == 0x100 + 0xffffffffull);

  // Header only, empty file, blank lines: zeros, as procfs gives.
  REQUIRE(parse_conntrack_stat("entries searched found\n", &s));
  CHECK(s.cpus == 0);
  CHECK(s.found == 0);
  REQUIRE(parse_conntrack_stat("", &s));
  CHECK(s.cpus == 0);
  REQUIRE(parse_conntrack_stat("hdr\n\n  \n0 0 2 0 0 0 0 0 0 0 0 0 0 0 0 0 5\n\n", &s));
  CHECK(s.cpus == 1);
  CHECK(s.found == 2);
  CHECK(s.search_restart == 5);

  // Linux < 2.6.35: 16 columns, no search_restart.
  REQUIRE(parse_conntrack_stat("hdr\n1 2 3 4 5 6 7 8 9 a b c d e f 10\n", &s));
  CHECK(s.found == 3);
  CHECK(s.early_drop == 0xc);
  CHECK(s.search_restart == 0);
  // A column a future kernel might append is ignored.
  REQUIRE(parse_conntrack_stat("hdr\n0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 7 99\n", &s));
  CHECK(s.found == 1);
  CHECK(s.search_restart == 7);
  // Upper-case hex digits.
  REQUIRE(parse_conntrack_stat("hdr\n0 0 FF 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  CHECK(s.found == 255);
}

TEST_CASE("test_conntrack: parse_conntrack_stat refuses hostile input") {
  ConntrackStat s;
  // Truncated line (the last CPU line cut short).
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 7\n0 0 1 0 0", &s));
  CHECK_FALSE(parse_conntrack_stat("hdr\n1 2 3 4 5 6 7 8 9 a b c d e f\n", &s));
  // Not hex, 0x prefix, sign, decimal point.
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 g 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 0x1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 1.0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  // 17 hex digits overflow 64 bits.
  CHECK_FALSE(parse_conntrack_stat("hdr\n0 0 10000000000000000 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &s));
  // The largest value is fine and sums wrap modulo 2^64 like Go's uint64.
  REQUIRE(
      parse_conntrack_stat("hdr\n0 0 ffffffffffffffff 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
                           "0 0 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                           &s));
  CHECK(s.found == 1);
  // Many CPUs: fine.
  std::string many = "hdr\n";
  for (int i = 0; i < 4096; ++i) many += "0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1\n";
  REQUIRE(parse_conntrack_stat(many, &s));
  CHECK(s.cpus == 4096);
  CHECK(s.found == 4096);
}

TEST_CASE("test_conntrack: collector output") {
  TempTree t;
  t.write("proc/sys/net/netfilter/nf_conntrack_count", "5\n");
  t.write("proc/sys/net/netfilter/nf_conntrack_max", "100\n");
  t.write("proc/net/stat/nf_conntrack", kStat);
  Run r(collect_conntrack, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  // node_exporter 1.5's output for the same tree.
  CHECK(r.text ==
        "# HELP node_nf_conntrack_entries Number of currently allocated flow entries for connection tracking.\n"
        "# TYPE node_nf_conntrack_entries gauge\n"
        "node_nf_conntrack_entries 5\n"
        "# HELP node_nf_conntrack_entries_limit Maximum size of connection tracking table.\n"
        "# TYPE node_nf_conntrack_entries_limit gauge\n"
        "node_nf_conntrack_entries_limit 100\n"
        "# HELP node_nf_conntrack_stat_drop Number of packets dropped due to conntrack failure.\n"
        "# TYPE node_nf_conntrack_stat_drop gauge\n"
        "node_nf_conntrack_stat_drop 20\n"
        "# HELP node_nf_conntrack_stat_early_drop Number of dropped conntrack entries to make room for new ones, if "
        "maximum table size was reached.\n"
        "# TYPE node_nf_conntrack_stat_early_drop gauge\n"
        "node_nf_conntrack_stat_early_drop 22\n"
        "# HELP node_nf_conntrack_stat_found Number of searched entries which were successful.\n"
        "# TYPE node_nf_conntrack_stat_found gauge\n"
        "node_nf_conntrack_stat_found 4\n"
        "# HELP node_nf_conntrack_stat_ignore Number of packets seen which are already connected to a conntrack "
        "entry.\n"
        "# TYPE node_nf_conntrack_stat_ignore gauge\n"
        "node_nf_conntrack_stat_ignore 10\n"
        "# HELP node_nf_conntrack_stat_insert Number of entries inserted into the list.\n"
        "# TYPE node_nf_conntrack_stat_insert gauge\n"
        "node_nf_conntrack_stat_insert 16\n"
        "# HELP node_nf_conntrack_stat_insert_failed Number of entries for which list insertion was attempted but "
        "failed.\n"
        "# TYPE node_nf_conntrack_stat_insert_failed gauge\n"
        "node_nf_conntrack_stat_insert_failed 18\n"
        "# HELP node_nf_conntrack_stat_invalid Number of packets seen which can not be tracked.\n"
        "# TYPE node_nf_conntrack_stat_invalid gauge\n"
        "node_nf_conntrack_stat_invalid 8\n"
        "# HELP node_nf_conntrack_stat_search_restart Number of conntrack table lookups which had to be restarted "
        "due to hashtable resizes.\n"
        "# TYPE node_nf_conntrack_stat_search_restart gauge\n"
        "node_nf_conntrack_stat_search_restart 4.294967551e+09\n");
}

TEST_CASE("test_conntrack: missing and broken files") {
  SUBCASE("not loaded") {
    TempTree t;
    t.mkdir("proc/sys/net");
    Run r(collect_conntrack, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("conntrack not loaded") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("max missing") {
    TempTree t;
    t.write("proc/sys/net/netfilter/nf_conntrack_count", "5\n");
    Run r(collect_conntrack, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("nf_conntrack_max") != std::string::npos);
  }
  SUBCASE("no stat file: entries and limit only, success (a documented difference)") {
    TempTree t;
    t.write("proc/sys/net/netfilter/nf_conntrack_count", "5\n");
    t.write("proc/sys/net/netfilter/nf_conntrack_max", "100\n");
    Run r(collect_conntrack, t.root + "/proc");
    CHECK_MESSAGE(r.ok, r.err);
    CHECK(r.contains("node_nf_conntrack_entries 5\n"));
    CHECK(r.contains("node_nf_conntrack_entries_limit 100\n"));
    CHECK_FALSE(r.contains("stat_"));
  }
  SUBCASE("malformed stat file fails") {
    TempTree t;
    t.write("proc/sys/net/netfilter/nf_conntrack_count", "5\n");
    t.write("proc/sys/net/netfilter/nf_conntrack_max", "100\n");
    t.write("proc/net/stat/nf_conntrack", "hdr\n1 2 3\n");
    Run r(collect_conntrack, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("malformed") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("count not a number, negative, huge") {
    TempTree t;
    t.write("proc/sys/net/netfilter/nf_conntrack_max", "100\n");
    for (const char* bad : {"x\n", "-1\n", "18446744073709551616\n", "", "1 2\n"}) {
      t.write("proc/sys/net/netfilter/nf_conntrack_count", bad);
      Run r(collect_conntrack, t.root + "/proc");
      CHECK_FALSE(r.ok);
    }
  }
}

TEST_CASE("test_conntrack: fixtures") {
  Run ow(collect_conntrack, fixture("openwrt/proc"));
  CHECK_MESSAGE(ow.ok, ow.err);
  CHECK(ow.contains("node_nf_conntrack_entries_limit 16384\n"));
  Run rpi(collect_conntrack, fixture("rpi/proc"));  // the Pi has no nf_conntrack loaded
  CHECK_FALSE(rpi.ok);
}
