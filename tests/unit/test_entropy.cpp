#include <doctest/doctest.h>

#include <string>

#include "collect/host/host.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("test_entropy: collector output") {
  TempTree t;
  t.write("proc/sys/kernel/random/entropy_avail", "256\n");
  t.write("proc/sys/kernel/random/poolsize", "4096\n");
  Run r(collect_entropy, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_entropy_available_bits Bits of available entropy.\n"
        "# TYPE node_entropy_available_bits gauge\n"
        "node_entropy_available_bits 256\n"
        "# HELP node_entropy_pool_size_bits Bits of entropy pool.\n"
        "# TYPE node_entropy_pool_size_bits gauge\n"
        "node_entropy_pool_size_bits 4096\n");
}

TEST_CASE("test_entropy: missing, truncated and hostile files") {
  TempTree t;
  t.write("proc/sys/kernel/random/entropy_avail", "256\n");
  SUBCASE("poolsize missing") {
    Run r(collect_entropy, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("poolsize") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("bad values") {
    for (const char* bad : {"", "\n", "-1\n", "2.5\n", "abc\n", "18446744073709551616\n", "1 2\n",
                            "99999999999999999999999999999999999999999999\n"}) {
      t.write("proc/sys/kernel/random/poolsize", bad);
      Run r(collect_entropy, t.root + "/proc");
      CHECK_MESSAGE(!r.ok, "value: ", bad);
    }
  }
  SUBCASE("no trailing newline, largest value") {
    t.write("proc/sys/kernel/random/poolsize", "18446744073709551615");
    Run r(collect_entropy, t.root + "/proc");
    REQUIRE_MESSAGE(r.ok, r.err);
    CHECK(r.contains("node_entropy_pool_size_bits 1.8446744073709552e+19\n"));
  }
}

TEST_CASE("test_entropy: fixtures") {
  for (const char* f : {"vm/proc", "rpi/proc", "openwrt/proc"}) {
    Run r(collect_entropy, fixture(f));
    CHECK_MESSAGE(r.ok, f, ": ", r.err);
    CHECK(r.contains("node_entropy_available_bits 256\n"));
  }
}
