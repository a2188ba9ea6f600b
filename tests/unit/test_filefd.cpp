#include <doctest/doctest.h>

#include <string>

#include "collect/host/host.hpp"
#include "collect/host/simple_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("test_filefd: parse_file_nr") {
  uint64_t a = 0, m = 0;
  REQUIRE(parse_file_nr("1309\t0\t2466167\n", &a, &m));
  CHECK(a == 1309);
  CHECK(m == 2466167);
  REQUIRE(parse_file_nr("1824\t0\t9223372036854775807\n", &a, &m));
  CHECK(m == 9223372036854775807ull);
  CHECK_FALSE(parse_file_nr("1309\t0\n", &a, &m));  // truncated
  CHECK_FALSE(parse_file_nr("1309\t0\t", &a, &m));
  CHECK_FALSE(parse_file_nr("", &a, &m));
  CHECK_FALSE(parse_file_nr("a\tb\tc\n", &a, &m));
  CHECK_FALSE(parse_file_nr("1\t0\t18446744073709551616\n", &a, &m));  // overflow
  CHECK_FALSE(parse_file_nr("-1\t0\t5\n", &a, &m));
}

TEST_CASE("test_filefd: collector output") {
  TempTree t;
  t.write("proc/sys/fs/file-nr", "1309\t0\t2466167\n");
  Run r(collect_filefd, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_filefd_allocated File descriptor statistics: allocated.\n"
        "# TYPE node_filefd_allocated gauge\n"
        "node_filefd_allocated 1309\n"
        "# HELP node_filefd_maximum File descriptor statistics: maximum.\n"
        "# TYPE node_filefd_maximum gauge\n"
        "node_filefd_maximum 2.466167e+06\n");
  // 64-bit kernels with fs.file-max at LONG_MAX (the Pi), as node_exporter prints it.
  t.write("proc/sys/fs/file-nr", "1824\t0\t9223372036854775807\n");
  Run big(collect_filefd, t.root + "/proc");
  REQUIRE(big.ok);
  CHECK(big.contains("node_filefd_maximum 9.223372036854776e+18\n"));
}

TEST_CASE("test_filefd: missing, truncated, oversized") {
  TempTree t;
  Run none(collect_filefd, t.root + "/proc");
  CHECK_FALSE(none.ok);
  t.write("proc/sys/fs/file-nr", "1309\t0");
  Run trunc(collect_filefd, t.root + "/proc");
  CHECK_FALSE(trunc.ok);
  CHECK(trunc.err.find("unexpected format") != std::string::npos);
  t.write("proc/sys/fs/file-nr", std::string(4096, '1'));
  Run big(collect_filefd, t.root + "/proc");
  CHECK_FALSE(big.ok);
}

TEST_CASE("test_filefd: fixtures") {
  for (const char* f : {"vm/proc", "rpi/proc", "openwrt/proc"}) {
    Run r(collect_filefd, fixture(f));
    CHECK_MESSAGE(r.ok, f, ": ", r.err);
    CHECK(r.contains("node_filefd_maximum "));
  }
}
