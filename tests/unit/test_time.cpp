#include <doctest/doctest.h>
#include <stdlib.h>
#include <time.h>

#include <cstdio>
#include <string>

#include "collect/host/host.hpp"
#include "collect/host/time_parse.hpp"
#include "collector_harness.hpp"
#include "core/number.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("test_time: time_seconds matches Go's float64(UnixNano())/1e9") {
  char b[kDoubleChars];
  // Values node_exporter printed for these instants.
  CHECK(std::string(b, format_double(time_seconds(1795408818, 501777400), b)) == "1.7954088185017774e+09");
  CHECK(time_seconds(0, 0) == 0.0);
  CHECK(time_seconds(1, 500000000) == 1.5);
}

TEST_CASE("test_time: clocksource helpers") {
  CHECK(is_clocksource_dir("clocksource0"));
  CHECK(is_clocksource_dir("clocksource10"));
  CHECK(is_clocksource_dir("clocksource1x"));  // glob "clocksource[0-9]*"
  CHECK_FALSE(is_clocksource_dir("clocksource"));
  CHECK_FALSE(is_clocksource_dir("clocksourcex"));
  CHECK_FALSE(is_clocksource_dir("unbind_clocksource"));
  CHECK_FALSE(is_clocksource_dir(""));

  std::string_view out[4];
  size_t n = 0;
  REQUIRE(parse_clocksource_list("tsc hpet  acpi_pm \n", out, 4, &n));
  REQUIRE(n == 3);
  CHECK(out[0] == "tsc");
  CHECK(out[1] == "hpet");
  CHECK(out[2] == "acpi_pm");
  REQUIRE(parse_clocksource_list("kvm-clock \n", out, 4, &n));
  CHECK(n == 1);
  REQUIRE(parse_clocksource_list("", out, 4, &n));
  CHECK(n == 0);
  REQUIRE(parse_clocksource_list("a a b a\tb\n", out, 4, &n));  // repeats dropped
  CHECK(n == 2);
  CHECK_FALSE(parse_clocksource_list("a b c d e", out, 4, &n));  // over capacity
  REQUIRE(parse_clocksource_list("a b c d a", out, 4, &n));
  CHECK(n == 4);

  CHECK(parse_clocksource_current("tsc\n") == "tsc");
  CHECK(parse_clocksource_current("  b c \n") == "b c");
  CHECK(parse_clocksource_current("\n").empty());
}

TEST_CASE("test_time: collector output") {
  TempTree t;
  std::string cs = "sys/devices/system/clocksource/";
  t.write(cs + "clocksource0/available_clocksource", "tsc hpet  acpi_pm \n");
  t.write(cs + "clocksource0/current_clocksource", "tsc\n");
  t.write(cs + "clocksource1/available_clocksource", "a b\n");
  t.write(cs + "clocksource1/current_clocksource", "b c\n");
  t.write(cs + "clocksource10/available_clocksource", "z\n");
  t.write(cs + "clocksource10/current_clocksource", "z\n");
  t.mkdir(cs + "clocksourcex");
  t.write(cs + "unbind_clocksource", "");
  t.mkdir("proc");

  struct timespec before, after;
  ::clock_gettime(CLOCK_REALTIME, &before);
  Run r(collect_time, t.root + "/proc", t.root + "/sys");
  ::clock_gettime(CLOCK_REALTIME, &after);
  REQUIRE_MESSAGE(r.ok, r.err);
  // node_exporter 1.5 for the same tree: device is the index in name order.
  CHECK(
      r.contains("# HELP node_time_clocksource_available_info Available clocksources read from "
            "'/sys/devices/system/clocksource'.\n"
            "# TYPE node_time_clocksource_available_info gauge\n"
            "node_time_clocksource_available_info{clocksource=\"a\",device=\"1\"} 1\n"
            "node_time_clocksource_available_info{clocksource=\"acpi_pm\",device=\"0\"} 1\n"
            "node_time_clocksource_available_info{clocksource=\"b\",device=\"1\"} 1\n"
            "node_time_clocksource_available_info{clocksource=\"hpet\",device=\"0\"} 1\n"
            "node_time_clocksource_available_info{clocksource=\"tsc\",device=\"0\"} 1\n"
            "node_time_clocksource_available_info{clocksource=\"z\",device=\"2\"} 1\n"
            "# HELP node_time_clocksource_current_info Current clocksource read from "
            "'/sys/devices/system/clocksource'.\n"
            "# TYPE node_time_clocksource_current_info gauge\n"
            "node_time_clocksource_current_info{clocksource=\"b c\",device=\"1\"} 1\n"
            "node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"} 1\n"
            "node_time_clocksource_current_info{clocksource=\"z\",device=\"2\"} 1\n"
            "# HELP node_time_seconds System time in seconds since epoch (1970).\n"
            "# TYPE node_time_seconds gauge\n"
            "node_time_seconds "));
  size_t p = r.text.find("\nnode_time_seconds ");
  REQUIRE(p != std::string::npos);
  double now = std::strtod(r.text.c_str() + p + 19, nullptr);
  CHECK(now >= static_cast<double>(before.tv_sec));
  CHECK(now <= static_cast<double>(after.tv_sec + 1));

  // The zone as the C library sees it (what Go's time.Now().Zone() reads).
  time_t s = after.tv_sec;
  struct tm tm;
  REQUIRE(::localtime_r(&s, &tm));
  char want[512];
  std::snprintf(want, sizeof want,
                "# HELP node_time_zone_offset_seconds System time zone offset in seconds.\n"
                "# TYPE node_time_zone_offset_seconds gauge\n"
                "node_time_zone_offset_seconds{time_zone=\"%s\"} %ld\n",
                tm.tm_zone, static_cast<long>(tm.tm_gmtoff));
  CHECK(r.contains(want));
}

TEST_CASE("test_time: clocksource absent, broken, hostile") {
  SUBCASE("no clocksource directory: time only, success") {
    TempTree t;
    t.mkdir("proc");
    t.mkdir("sys");
    Run r(collect_time, t.root + "/proc", t.root + "/sys");
    REQUIRE_MESSAGE(r.ok, r.err);
    CHECK(r.contains("node_time_seconds "));
    CHECK(r.contains("node_time_zone_offset_seconds{time_zone="));
    CHECK_FALSE(r.contains("clocksource"));
  }
  SUBCASE("current_clocksource missing fails, like node_exporter") {
    TempTree t;
    t.write("sys/devices/system/clocksource/clocksource0/available_clocksource", "tsc\n");
    Run r(collect_time, t.root + "/proc", t.root + "/sys");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("current_clocksource") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("a clocksourceN that is a file fails") {
    TempTree t;
    t.write("sys/devices/system/clocksource/clocksource0", "x");
    Run r(collect_time, t.root + "/proc", t.root + "/sys");
    CHECK_FALSE(r.ok);
  }
  SUBCASE("too many devices, names, bytes") {
    TempTree t;
    std::string cs = "sys/devices/system/clocksource/";
    for (int i = 0; i < 17; ++i) t.mkdir(cs + "clocksource" + std::to_string(i));
    Run many(collect_time, t.root + "/proc", t.root + "/sys");
    CHECK_FALSE(many.ok);
    CHECK(many.err.find("more than") != std::string::npos);

    TempTree u;
    std::string names;
    for (int i = 0; i < 40; ++i) names += "cs" + std::to_string(i) + " ";
    u.write(cs + "clocksource0/available_clocksource", names);
    u.write(cs + "clocksource0/current_clocksource", "cs0\n");
    Run lots(collect_time, u.root + "/proc", u.root + "/sys");
    CHECK_FALSE(lots.ok);
    u.write(cs + "clocksource0/available_clocksource", std::string(600, 'x'));
    Run huge(collect_time, u.root + "/proc", u.root + "/sys");
    CHECK_FALSE(huge.ok);
    u.write(cs + "clocksource0/available_clocksource", "t\"s\\c\n");
    Run odd(collect_time, u.root + "/proc", u.root + "/sys");
    REQUIRE_MESSAGE(odd.ok, odd.err);
    CHECK(odd.contains("node_time_clocksource_available_info{clocksource=\"t\\\"s\\\\c\",device=\"0\"} 1\n"));
  }
}

TEST_CASE("test_time: fixtures") {
  Run vm(collect_time, fixture("vm/proc"), fixture("vm/sys"));
  REQUIRE_MESSAGE(vm.ok, vm.err);
  CHECK(vm.contains("node_time_clocksource_available_info{clocksource=\"kvm-clock\",device=\"0\"} 1\n"));
  CHECK(vm.contains("node_time_clocksource_current_info{clocksource=\"kvm-clock\",device=\"0\"} 1\n"));
  Run ow(collect_time, fixture("openwrt/proc"), fixture("openwrt/sys"));
  REQUIRE_MESSAGE(ow.ok, ow.err);
  CHECK(ow.contains("node_time_clocksource_available_info{clocksource=\"GIC\",device=\"0\"} 1\n"));
  CHECK(ow.contains("node_time_clocksource_available_info{clocksource=\"MIPS\",device=\"0\"} 1\n"));
  CHECK(ow.contains("node_time_clocksource_current_info{clocksource=\"GIC\",device=\"0\"} 1\n"));
}
