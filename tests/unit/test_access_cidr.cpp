// Tests for src/http/access_cidr.*: address and CIDR parsing (IPv4, IPv6,
// IPv4-mapped), keyword expansion, membership, hostile input.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "http/access_cidr.hpp"
#include "core/scan.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {
IpAddr ip(const char* s) {
  IpAddr a;
  REQUIRE(parse_ip(s, &a));
  return a;
}
std::string text(const IpAddr& a) {
  char buf[kIpTextBytes];
  size_t n = format_ip(a, buf, sizeof buf);
  return std::string(buf, n);
}
CidrList list(std::string_view spec) {
  CidrList l;
  const char* why = "";
  while (!spec.empty()) {
    std::string_view e = trim(next_field(spec, ','));
    if (!e.empty()) REQUIRE_MESSAGE(l.add(e, &why), why);
  }
  return l;
}
}  // namespace

TEST_SUITE("http.access.cidr") {

TEST_CASE("addresses: IPv4 is held IPv4-mapped, text round-trips") {
  CHECK(ip("192.0.2.1").is_v4());
  CHECK(ip("::ffff:192.0.2.1") == ip("192.0.2.1"));
  CHECK_FALSE(ip("2001:db8::1").is_v4());
  CHECK(text(ip("192.0.2.1")) == "192.0.2.1");
  CHECK(text(ip("2001:DB8:0:0::1")) == "2001:db8::1");
  IpAddr a;
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "fe80::1%eth0", "[::1]", "::g", " 1.2.3.4",
                          "1.2.3.4 ", "01234567890123456789012345678901234567890123456789012345678901234567"})
    CHECK_MESSAGE(!parse_ip(bad, &a), bad);
}

TEST_CASE("sockaddr peers: AF_INET and AF_INET6 (dual-stack mapped) agree") {
  sockaddr_in in4{};
  in4.sin_family = AF_INET;
  inet_pton(AF_INET, "10.1.2.3", &in4.sin_addr);
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:10.1.2.3", &in6.sin6_addr);
  IpAddr a, b;
  REQUIRE(ip_from_sockaddr(reinterpret_cast<sockaddr*>(&in4), &a));
  REQUIRE(ip_from_sockaddr(reinterpret_cast<sockaddr*>(&in6), &b));
  CHECK(a == b);
  sockaddr un{};
  un.sa_family = AF_UNIX;
  CHECK_FALSE(ip_from_sockaddr(&un, &a));
}

TEST_CASE("CIDRs: prefixes, host bits cleared, bounds") {
  Cidr c;
  const char* why = "";
  REQUIRE(parse_cidr("10.0.0.0/8", &c, &why));
  CHECK(c.bits == 104);
  CHECK(c.contains(ip("10.255.1.2")));
  CHECK_FALSE(c.contains(ip("11.0.0.1")));
  REQUIRE(parse_cidr("192.168.1.77/24", &c, &why));  // host bits set: masked like Go
  CHECK(text(c.net) == "192.168.1.0");
  CHECK(c.contains(ip("192.168.1.200")));
  REQUIRE(parse_cidr("172.16.0.0/12", &c, &why));
  CHECK(c.contains(ip("172.31.255.255")));
  CHECK_FALSE(c.contains(ip("172.32.0.0")));
  REQUIRE(parse_cidr("fe80::/10", &c, &why));
  CHECK(c.contains(ip("fe80::1")));
  CHECK(c.contains(ip("febf::1")));
  CHECK_FALSE(c.contains(ip("fec0::1")));
  REQUIRE(parse_cidr("127.0.0.1", &c, &why));
  CHECK(c.bits == 128);
  CHECK(c.contains(ip("127.0.0.1")));
  CHECK_FALSE(c.contains(ip("127.0.0.2")));
  REQUIRE(parse_cidr("0.0.0.0/0", &c, &why));
  CHECK(c.contains(ip("8.8.8.8")));
  CHECK_FALSE(c.contains(ip("2001:db8::1")));  // all IPv4 only
  REQUIRE(parse_cidr("::/0", &c, &why));
  CHECK(c.contains(ip("8.8.8.8")));
  CHECK(c.contains(ip("2001:db8::1")));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "::/129", "10.0.0.0/x", "/8",
                          "10.0.0.0 /8"})
    CHECK_MESSAGE(!parse_cidr(bad, &c, &why), bad);
}

TEST_CASE("the default allowlist: loopback, RFC 1918, link-local, ULA; not the internet") {
  CidrList l = list(kDefaultAllow);
  for (const char* in : {"127.0.0.1", "127.0.0.2", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.10", "169.254.1.1",
                         "fe80::1234", "fd12:3456::1", "::ffff:192.168.0.1"})
    CHECK_MESSAGE(l.contains(ip(in)), in);
  for (const char* out : {"8.8.8.8", "1.1.1.1", "100.64.0.1", "172.32.0.1", "2001:db8::1", "2a00:1450::1",
                          "192.169.0.1", "::2", "::"})
    CHECK_MESSAGE(!l.contains(ip(out)), out);
}

TEST_CASE("keywords and explicit entries mix; unknown words are refused") {
  CidrList l = list("loopback, 203.0.113.0/24, 2001:db8:42::/48");
  CHECK(l.contains(ip("203.0.113.9")));
  CHECK(l.contains(ip("2001:db8:42:1::5")));
  CHECK_FALSE(l.contains(ip("10.0.0.1")));
  CHECK(list("any").contains(ip("8.8.8.8")));
  CHECK(list("any").contains(ip("2a00::1")));
  CidrList e;
  const char* why = "";
  CHECK_FALSE(e.add("lan", &why));
  CHECK(std::string(why).find("loopback") != std::string::npos);
  CHECK_FALSE(e.add("LOOPBACK", &why));  // keywords are lower case
  CHECK(e.size() == 0);
  CHECK_FALSE(e.contains(ip("127.0.0.1")));  // an empty list allows nobody
}

TEST_CASE("capacity: overflow is an error, not a silent drop") {
  CidrList l;
  const char* why = "";
  size_t added = 0;
  for (int i = 0; i < 100; ++i) {
    std::string e = "10." + std::to_string(i) + ".0.0/16";
    if (!l.add(e, &why)) break;
    ++added;
  }
  CHECK(added == CidrList::kMaxEntries);
  CHECK(std::string(why).find("too many") != std::string::npos);
}

}  // TEST_SUITE
