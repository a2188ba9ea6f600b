#include <doctest/doctest.h>

#include <string>

#include "collect/host/host.hpp"
#include "collect/host/vmstat_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("test_vmstat: parse_vmstat_line") {
  std::string_view name;
  double v = 0;
  REQUIRE(parse_vmstat_line("pgfault 12062569", &name, &v) == VmstatLine::Field);
  CHECK(name == "pgfault");
  CHECK(v == 12062569.0);
  // Extra blanks and trailing tokens, as strings.Fields takes them.
  REQUIRE(parse_vmstat_line("  pgpgin \t 7  ", &name, &v) == VmstatLine::Field);
  CHECK(name == "pgpgin");
  CHECK(v == 7.0);
  REQUIRE(parse_vmstat_line("oom_kill 3 extra", &name, &v) == VmstatLine::Field);
  CHECK(v == 3.0);
  // Values ParseFloat takes: exponent, sign, the largest u64 (rounded).
  REQUIRE(parse_vmstat_line("pgfault 1e3", &name, &v) == VmstatLine::Field);
  CHECK(v == 1000.0);
  REQUIRE(parse_vmstat_line("pswpin -5", &name, &v) == VmstatLine::Field);
  CHECK(v == -5.0);
  REQUIRE(parse_vmstat_line("x 18446744073709551615", &name, &v) == VmstatLine::Field);
  CHECK(v == 18446744073709551616.0);

  CHECK(parse_vmstat_line("", &name, &v) == VmstatLine::Blank);
  CHECK(parse_vmstat_line("   \t ", &name, &v) == VmstatLine::Blank);
  // Truncated: no value (node_exporter panics on this).
  CHECK(parse_vmstat_line("pgfault", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("pgfault ", &name, &v) == VmstatLine::Malformed);
  // Not numbers ParseFloat takes.
  CHECK(parse_vmstat_line("pgmajfault 0x10", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("pgmajfault 12a", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("pgmajfault 1,5", &name, &v) == VmstatLine::Malformed);
  // Names that cannot be in a metric name.
  CHECK(parse_vmstat_line("pg-fault 1", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("pg{fault} 1", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("pg\"x 1", &name, &v) == VmstatLine::Malformed);
  CHECK(parse_vmstat_line("p\xc3\xa9 1", &name, &v) == VmstatLine::Malformed);
}

TEST_CASE("test_vmstat: collector with the default filter") {
  TempTree t;
  t.write("proc/vmstat",
          "nr_free_pages 875119\npgpgin 1495409\npgpgout 2060372\npswpin 0\npswpout 0\npgfault 12062569\n"
          "pgmajfault 1347\noom_kill 0\nnr_dirty 12\npgsteal_kswapd 4\nthp_fault_alloc 9\n");
  Run r(collect_vmstat, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  // node_exporter 1.5's output for the same file.
  CHECK(r.text ==
        "# HELP node_vmstat_oom_kill /proc/vmstat information field oom_kill.\n"
        "# TYPE node_vmstat_oom_kill untyped\n"
        "node_vmstat_oom_kill 0\n"
        "# HELP node_vmstat_pgfault /proc/vmstat information field pgfault.\n"
        "# TYPE node_vmstat_pgfault untyped\n"
        "node_vmstat_pgfault 1.2062569e+07\n"
        "# HELP node_vmstat_pgmajfault /proc/vmstat information field pgmajfault.\n"
        "# TYPE node_vmstat_pgmajfault untyped\n"
        "node_vmstat_pgmajfault 1347\n"
        "# HELP node_vmstat_pgpgin /proc/vmstat information field pgpgin.\n"
        "# TYPE node_vmstat_pgpgin untyped\n"
        "node_vmstat_pgpgin 1.495409e+06\n"
        "# HELP node_vmstat_pgpgout /proc/vmstat information field pgpgout.\n"
        "# TYPE node_vmstat_pgpgout untyped\n"
        "node_vmstat_pgpgout 2.060372e+06\n"
        "# HELP node_vmstat_pswpin /proc/vmstat information field pswpin.\n"
        "# TYPE node_vmstat_pswpin untyped\n"
        "node_vmstat_pswpin 0\n"
        "# HELP node_vmstat_pswpout /proc/vmstat information field pswpout.\n"
        "# TYPE node_vmstat_pswpout untyped\n"
        "node_vmstat_pswpout 0\n");
}

TEST_CASE("test_vmstat: custom filter, duplicates, hostile files") {
  TempTree t;
  t.write("proc/vmstat", "nr_dirty 12\nnr_dirty 13\nnr_writeback 1\n\npgfault 5\n");
  Run r(collect_vmstat,
        {{"path.procfs", t.root + "/proc"}, {"path.sysfs", "/sys"}, {"collector.vmstat.fields", "^nr_"}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.contains("node_vmstat_nr_dirty 12\n"));
  CHECK_FALSE(r.contains("node_vmstat_nr_dirty 13\n"));  // a repeated field is exported once
  CHECK(r.contains("node_vmstat_nr_writeback 1\n"));
  CHECK_FALSE(r.contains("pgfault"));

  // A malformed line anywhere fails the collector, even outside the
  // filter, as in node_exporter (it parses before filtering).
  t.write("proc/vmstat", "pgfault 5\nnr_weird 0x10\n");
  Run bad(collect_vmstat, t.root + "/proc");
  CHECK_FALSE(bad.ok);
  CHECK(bad.err.find("nr_weird") != std::string::npos);
  CHECK(bad.text.empty());

  // Truncated last line.
  t.write("proc/vmstat", "pgfault 5\npgmajfault");
  Run trunc(collect_vmstat, t.root + "/proc");
  CHECK_FALSE(trunc.ok);

  // An empty file: nothing to export, not an error (node_exporter agrees).
  t.write("proc/vmstat", "");
  Run empty(collect_vmstat, t.root + "/proc");
  CHECK(empty.ok);
  CHECK(empty.text.empty());

  // A very long field name: refused with a message, no truncated name.
  t.write("proc/vmstat", "pgfault" + std::string(300, 'x') + " 1\n");
  Run longname(collect_vmstat, t.root + "/proc");
  CHECK_FALSE(longname.ok);
  CHECK(longname.err.find("too long") != std::string::npos);

  // Missing file.
  TempTree none;
  Run missing(collect_vmstat, none.root);
  CHECK_FALSE(missing.ok);
}

TEST_CASE("test_vmstat: fixtures") {
  for (const char* f : {"vm/proc", "rpi/proc", "openwrt/proc"}) {
    Run r(collect_vmstat, fixture(f));
    CHECK_MESSAGE(r.ok, f, ": ", r.err);
    CHECK(r.contains("node_vmstat_pgfault "));
    CHECK(r.contains("node_vmstat_oom_kill "));
    CHECK_FALSE(r.contains("nr_free_pages"));
  }
}
