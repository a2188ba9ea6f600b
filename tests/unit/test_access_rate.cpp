// Tests for src/http/access_rate.*: token buckets per client, refill,
// Retry-After, isolation between clients, IPv6 /64 keying, LRU eviction in
// the fixed table.
#include <doctest/doctest.h>

#include <string>

#include "http/access_rate.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {
IpAddr ip(const std::string& s) {
  IpAddr a;
  REQUIRE(parse_ip(s, &a));
  return a;
}
}  // namespace

TEST_SUITE("http.access.rate") {

TEST_CASE("disabled: everything passes") {
  RateLimiter r;
  REQUIRE(r.init(16, 0, 5));
  uint32_t ra = 0;
  for (int i = 0; i < 1000; ++i) CHECK(r.allow(ip("10.0.0.1"), 0, &ra));
}

TEST_CASE("burst, then one request per token; Retry-After says when") {
  RateLimiter r;
  REQUIRE(r.init(16, 2, 5));  // 2/s, burst 5
  uint32_t ra = 0;
  IpAddr a = ip("10.0.0.1");
  for (int i = 0; i < 5; ++i) CHECK(r.allow(a, 1000, &ra));
  CHECK_FALSE(r.allow(a, 1000, &ra));
  CHECK(ra == 1);
  CHECK_FALSE(r.allow(a, 1400, &ra));  // 0.8 token back
  CHECK(r.allow(a, 1500, &ra));        // 1.0
  CHECK_FALSE(r.allow(a, 1500, &ra));
  CHECK(r.allow(a, 100000, &ra));      // refilled to the burst, not beyond
  for (int i = 0; i < 4; ++i) CHECK(r.allow(a, 100000, &ra));
  CHECK_FALSE(r.allow(a, 100000, &ra));
  RateLimiter slow;
  REQUIRE(slow.init(4, 1, 1));
  slow.set_rate(0.1, 1);  // one every 10 s
  CHECK(slow.allow(a, 0, &ra));
  CHECK_FALSE(slow.allow(a, 0, &ra));
  CHECK(ra == 10);
}

TEST_CASE("a flooding client never drains another client's bucket") {
  RateLimiter r;
  REQUIRE(r.init(64, 10, 20));
  uint32_t ra = 0;
  IpAddr noisy = ip("127.0.0.2"), quiet = ip("127.0.0.3");
  int noisy_ok = 0;
  for (int ms = 0; ms < 10000; ms += 1) {
    for (int k = 0; k < 10; ++k) noisy_ok += r.allow(noisy, static_cast<uint64_t>(ms), &ra);
    if (ms % 1000 == 0) CHECK(r.allow(quiet, static_cast<uint64_t>(ms), &ra));
  }
  CHECK(noisy_ok <= 20 + 10 * 10 + 1);  // burst + rate * seconds
  CHECK(noisy_ok >= 100);
}

TEST_CASE("IPv6 clients share a bucket per /64; IPv4 per address") {
  RateLimiter r;
  REQUIRE(r.init(16, 1, 2));
  uint32_t ra = 0;
  CHECK(r.allow(ip("2001:db8:1:2::1"), 0, &ra));
  CHECK(r.allow(ip("2001:db8:1:2::ffff"), 0, &ra));
  CHECK_FALSE(r.allow(ip("2001:db8:1:2:abcd::9"), 0, &ra));
  CHECK(r.allow(ip("2001:db8:1:3::1"), 0, &ra));  // another /64
  CHECK(r.allow(ip("10.0.0.1"), 0, &ra));
  CHECK(r.allow(ip("10.0.0.1"), 0, &ra));
  CHECK_FALSE(r.allow(ip("10.0.0.1"), 0, &ra));
  CHECK(r.allow(ip("10.0.0.2"), 0, &ra));
}

TEST_CASE("the table is fixed: the least recently seen client is evicted") {
  RateLimiter r;
  REQUIRE(r.init(8, 1, 1));
  uint32_t ra = 0;
  IpAddr keep = ip("192.168.0.1");
  CHECK(r.allow(keep, 0, &ra));
  CHECK_FALSE(r.allow(keep, 0, &ra));
  // 7 others fill the table; `keep` stays the most recent by being seen.
  for (int i = 2; i < 100; ++i) {
    r.allow(ip("192.168.1." + std::to_string(i)), 0, &ra);
    CHECK_FALSE(r.allow(keep, 0, &ra));  // still tracked, still empty
  }
  CHECK(r.tracked() == 8);
  CHECK(r.evictions() > 0);
  // An evicted client comes back with a full bucket.
  CHECK(r.allow(ip("192.168.1.2"), 0, &ra));
  // Many distinct clients keep the table consistent.
  for (int i = 0; i < 5000; ++i) r.allow(ip("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".1"), 0, &ra);
  CHECK(r.tracked() == 8);
}

}  // TEST_SUITE
