#include <doctest/doctest.h>

#include <string>

#include "collect/host/meminfo_parse.hpp"
#include "collect/host/proc_stat_parse.hpp"
#include "collect/host/simple_parse.hpp"

using namespace edgestat;

TEST_CASE("/proc/stat cpu lines") {
  unsigned cpu = 0;
  CpuTimes t;
  REQUIRE(parse_cpu_line("cpu3 10 20 30 40 50 60 70 80 90 100", &cpu, &t));
  CHECK(cpu == 3);
  CHECK(t.user == 10);
  CHECK(t.steal == 80);
  CHECK(t.guest_nice == 100);
  CHECK(t.columns == 10);
  // Old kernels: 4 columns.
  REQUIRE(parse_cpu_line("cpu0 1 2 3 4", &cpu, &t));
  CHECK(t.columns == 4);
  CHECK_FALSE(parse_cpu_line("cpu 1 2 3 4 5 6 7 8", &cpu, &t));  // aggregate line
  CHECK_FALSE(parse_cpu_line("cpu1 1 2 3", &cpu, &t));           // truncated
  CHECK_FALSE(parse_cpu_line("cpu1 1 2 x 4", &cpu, &t));
  CHECK_FALSE(parse_cpu_line("cpux 1 2 3 4", &cpu, &t));
  CHECK_FALSE(parse_cpu_line("cpu99999999999 1 2 3 4", &cpu, &t));
  CHECK_FALSE(parse_cpu_line("", &cpu, &t));
}

TEST_CASE("/proc/stat summary") {
  StatSummary s;
  REQUIRE(parse_stat_summary("cpu 1 2 3 4\nintr 569513 0 9 0\nctxt 1526183\nbtime 1795407958\n"
                             "processes 14761\nprocs_running 3\nprocs_blocked 1\nsoftirq 1 2\n",
                             &s));
  CHECK(s.intr == 569513);
  CHECK(s.ctxt == 1526183);
  CHECK(s.btime == 1795407958);
  CHECK(s.processes == 14761);
  CHECK(s.procs_running == 3);
  CHECK(s.procs_blocked == 1);
  StatSummary t;
  CHECK_FALSE(parse_stat_summary("intr 5\n", &t));
  StatSummary u;
  CHECK_FALSE(parse_stat_summary(std::string(10000, '\n'), &u));
}

TEST_CASE("/proc/meminfo lines in node_exporter's naming") {
  MeminfoEntry e;
  REQUIRE(parse_meminfo_line("MemTotal:       16265332 kB", &e));
  CHECK(e.key == "MemTotal_bytes");
  CHECK(e.value == 16265332.0 * 1024);
  REQUIRE(parse_meminfo_line("Active(anon):     123 kB", &e));
  CHECK(e.key == "Active_anon_bytes");
  REQUIRE(parse_meminfo_line("HugePages_Total:       0", &e));
  CHECK(e.key == "HugePages_Total");
  CHECK(e.value == 0);
  CHECK_FALSE(parse_meminfo_line("MemTotal: lots kB", &e));
  CHECK_FALSE(parse_meminfo_line("MemTotal: 1 MB", &e));
  CHECK_FALSE(parse_meminfo_line(": 1 kB", &e));
  CHECK_FALSE(parse_meminfo_line("Bad Key: 1 kB", &e));
  CHECK_FALSE(parse_meminfo_line(std::string(200, 'A') + ": 1 kB", &e));
}

TEST_CASE("loadavg and file-nr") {
  double l[3];
  REQUIRE(parse_loadavg("0.12 0.34 5.60 1/234 5678\n", l));
  CHECK(l[0] == 0.12);
  CHECK(l[2] == 5.6);
  CHECK_FALSE(parse_loadavg("0.12 0.34", l));
  CHECK_FALSE(parse_loadavg("a b c", l));
  uint64_t a = 0, m = 0;
  REQUIRE(parse_file_nr("1024\t0\t9223372036854775807\n", &a, &m));
  CHECK(a == 1024);
  CHECK(m == 9223372036854775807ull);
  CHECK_FALSE(parse_file_nr("1 2", &a, &m));
}
