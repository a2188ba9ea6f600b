#include <doctest/doctest.h>

#include <string>

#include "collect/host/host.hpp"
#include "collect/host/pressure_parse.hpp"
#include "collector_harness.hpp"
#include "core/number.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {
std::string fmt(double v) {
  char b[kDoubleChars];
  return std::string(b, format_double(v, b));
}
constexpr const char* kVmCpu =
    "some avg10=42.18 avg60=30.24 avg300=11.80 total=54733083\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
}  // namespace

TEST_CASE("test_pressure: parse_psi reads some and full totals") {
  PsiTotals t;
  REQUIRE(parse_psi(kVmCpu, &t));
  CHECK(t.has_some);
  CHECK(t.has_full);
  CHECK(t.some_total == 54733083);
  CHECK(t.full_total == 0);

  // Kernels before 5.13 have no cpu "full" line; no trailing newline.
  REQUIRE(parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=17", &t));
  CHECK(t.has_some);
  CHECK_FALSE(t.has_full);
  CHECK(t.some_total == 17);

  // Order does not matter; unknown kinds of line are ignored; the last
  // repeated line wins; tokens after total are ignored (as Sscanf does).
  REQUIRE(
      parse_psi("full avg10=1 avg60=2 avg300=3 total=9\nirq whatever\n\nsome avg10=0 avg60=0 avg300=0 total=1\n"
                "some avg10=0 avg60=0 avg300=0 total=2 extra=5\n",
                &t));
  CHECK(t.some_total == 2);
  CHECK(t.full_total == 9);

  // Empty file: nothing found, not malformed (the collector refuses it).
  REQUIRE(parse_psi("", &t));
  CHECK_FALSE(t.has_some);
  CHECK_FALSE(t.has_full);
}

TEST_CASE("test_pressure: parse_psi refuses malformed and hostile lines") {
  PsiTotals t;
  // Missing total=.
  CHECK_FALSE(parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00\n", &t));
  // Truncated in the middle of a token or of the line.
  CHECK_FALSE(parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 tot", &t));
  CHECK_FALSE(parse_psi("some avg10=0.00 avg60", &t));
  CHECK_FALSE(parse_psi("some", &t));
  CHECK_FALSE(parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=", &t));
  // Keys out of order, misspelt, or a prefix of the real key.
  CHECK_FALSE(parse_psi("some avg60=0.00 avg10=0.00 avg300=0.00 total=1", &t));
  CHECK_FALSE(parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 totals=1", &t));
  CHECK_FALSE(parse_psi("some avg1=0.00 avg60=0.00 avg300=0.00 total=1", &t));
  // Numbers: not a number, negative, fractional, hex, overflowing 64 bits.
  CHECK_FALSE(parse_psi("some avg10=x avg60=0.00 avg300=0.00 total=1", &t));
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=-1", &t));
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=1.5", &t));
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=0x10", &t));
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=18446744073709551616", &t));
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=99999999999999999999999999999", &t));
  // A good some line does not rescue a bad full line.
  CHECK_FALSE(parse_psi("some avg10=0 avg60=0 avg300=0 total=1\nfull avg10=0 avg60=0 avg300=0\n", &t));
  // NUL bytes and binary garbage in a some line.
  const char nul[] = "some avg10=0\0 avg60=0 avg300=0 total=1";
  CHECK_FALSE(parse_psi(std::string(nul, sizeof nul - 1), &t));

  // The largest total is fine.
  REQUIRE(parse_psi("some avg10=0 avg60=0 avg300=0 total=18446744073709551615", &t));
  CHECK(t.some_total == UINT64_MAX);

  // A megabyte of lines of unknown kinds: ignored, no crash.
  std::string big(1 << 20, 'x');
  for (size_t i = 100; i < big.size(); i += 100) big[i] = '\n';
  REQUIRE(parse_psi(big, &t));
  CHECK_FALSE(t.has_some);
}

TEST_CASE("test_pressure: microseconds to seconds exactly as node_exporter") {
  // node_exporter divides by 1000 twice; these are its outputs.
  CHECK(fmt(psi_seconds(54733083)) == "54.733083");
  CHECK(fmt(psi_seconds(9)) == "8.999999999999999e-06");
  CHECK(fmt(psi_seconds(7)) == "7e-06");
  CHECK(fmt(psi_seconds(UINT64_MAX)) == "1.844674407370955e+13");
  CHECK(fmt(psi_seconds(0)) == "0");
}

TEST_CASE("test_pressure: collector output") {
  TempTree t;
  t.write("proc/pressure/cpu", kVmCpu);
  t.write("proc/pressure/io",
          "some avg10=0.12 avg60=0.05 avg300=0.21 total=4109525\n"
          "full avg10=0.00 avg60=0.01 avg300=0.17 total=3591814\n");
  t.write("proc/pressure/memory",
          "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
          "full avg10=0.00 avg60=0.00 avg300=0.00 total=9\n");
  t.write("proc/pressure/irq", "full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
  Run r(collect_pressure, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_pressure_cpu_waiting_seconds_total Total time in seconds that processes have waited for CPU time\n"
        "# TYPE node_pressure_cpu_waiting_seconds_total counter\n"
        "node_pressure_cpu_waiting_seconds_total 54.733083\n"
        "# HELP node_pressure_io_stalled_seconds_total Total time in seconds no process could make progress due to "
        "IO congestion\n"
        "# TYPE node_pressure_io_stalled_seconds_total counter\n"
        "node_pressure_io_stalled_seconds_total 3.591814\n"
        "# HELP node_pressure_io_waiting_seconds_total Total time in seconds that processes have waited due to IO "
        "congestion\n"
        "# TYPE node_pressure_io_waiting_seconds_total counter\n"
        "node_pressure_io_waiting_seconds_total 4.109525\n"
        "# HELP node_pressure_irq_stalled_seconds_total Total time in seconds no process could make progress due "
        "to IRQ congestion\n"
        "# TYPE node_pressure_irq_stalled_seconds_total counter\n"
        "node_pressure_irq_stalled_seconds_total 5e-06\n"
        "# HELP node_pressure_memory_stalled_seconds_total Total time in seconds no process could make progress due "
        "to memory congestion\n"
        "# TYPE node_pressure_memory_stalled_seconds_total counter\n"
        "node_pressure_memory_stalled_seconds_total 8.999999999999999e-06\n"
        "# HELP node_pressure_memory_waiting_seconds_total Total time in seconds that processes have waited for "
        "memory\n"
        "# TYPE node_pressure_memory_waiting_seconds_total counter\n"
        "node_pressure_memory_waiting_seconds_total 1e-06\n");
  // No cpu "full" series: node_exporter 1.12 does not export it. irq
  // (Linux 6.1+) is there since node_exporter 1.9.
  CHECK_FALSE(r.contains("cpu_stalled"));
}

TEST_CASE("test_pressure: collector errors") {
  SUBCASE("no /proc/pressure (OpenWrt, kernels without PSI)") {
    TempTree t;
    t.mkdir("proc");
    Run r(collect_pressure, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("CONFIG_PSI") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("one file missing: skipped, as node_exporter skips it") {
    TempTree t;
    t.write("proc/pressure/cpu", kVmCpu);
    t.write("proc/pressure/io", kVmCpu);
    Run r(collect_pressure, t.root + "/proc");
    CHECK(r.ok);
    CHECK(r.contains("node_pressure_io_waiting_seconds_total"));
    CHECK_FALSE(r.contains("memory"));
    CHECK_FALSE(r.contains("irq"));
  }
  SUBCASE("the first file missing, the directory there: the others are read") {
    TempTree t;
    t.write("proc/pressure/io", kVmCpu);
    Run r(collect_pressure, t.root + "/proc");
    CHECK(r.ok);
    CHECK(r.contains("node_pressure_io_waiting_seconds_total"));
    CHECK_FALSE(r.contains("node_pressure_cpu"));
  }
  SUBCASE("missing total=") {
    TempTree t;
    t.write("proc/pressure/cpu", "some avg10=0.00 avg60=0.00 avg300=0.00\n");
    t.write("proc/pressure/io", kVmCpu);
    t.write("proc/pressure/memory", kVmCpu);
    Run r(collect_pressure, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("malformed") != std::string::npos);
  }
  SUBCASE("io without its full line, empty cpu file") {
    TempTree t;
    t.write("proc/pressure/cpu", kVmCpu);
    t.write("proc/pressure/io", "some avg10=0 avg60=0 avg300=0 total=1\n");
    t.write("proc/pressure/memory", kVmCpu);
    Run r(collect_pressure, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("full") != std::string::npos);
    t.write("proc/pressure/cpu", "");
    t.write("proc/pressure/io", kVmCpu);
    Run r2(collect_pressure, t.root + "/proc");
    CHECK_FALSE(r2.ok);
    CHECK(r2.err.find("some") != std::string::npos);
  }
  SUBCASE("oversized file") {
    TempTree t;
    t.write("proc/pressure/cpu", std::string(5000, '\n') + kVmCpu);
    t.write("proc/pressure/io", kVmCpu);
    t.write("proc/pressure/memory", kVmCpu);
    Run r(collect_pressure, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("larger than") != std::string::npos);
  }
}

TEST_CASE("test_pressure: fixtures") {
  Run vm(collect_pressure, fixture("vm/proc"));
  CHECK_MESSAGE(vm.ok, vm.err);
  CHECK(vm.contains("node_pressure_memory_stalled_seconds_total "));
  Run ow(collect_pressure, fixture("openwrt/proc"));
  CHECK_FALSE(ow.ok);  // the router's kernel has no PSI
}
