#pragma once
// Client address allowlist: CIDR lists over IPv4 and IPv6, checked by the
// server right after accept, before any per-connection state or TLS.
//
// Every address is held as 16 bytes: IPv4 as the IPv4-mapped IPv6 address
// ::ffff:a.b.c.d, so a dual-stack listener's peers (which the kernel
// reports as ::ffff:a.b.c.d) and plain IPv4 peers match the same entries,
// and an IPv4 CIDR a.b.c.d/n is the mapped /(96+n).
//
// Config entries are CIDRs ("10.0.0.0/8", "fd00::/8"), single addresses
// (a /32 or /128) or keywords that expand to several CIDRs:
//   loopback    127.0.0.0/8, ::1/128
//   private     10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918),
//               fc00::/7 (IPv6 unique local, RFC 4193). Not 100.64.0.0/10:
//               that is the ISP side of carrier-grade NAT on many routers'
//               WAN ports (add it explicitly for a Tailscale-style overlay).
//   link-local  169.254.0.0/16, fe80::/10
//   any         ::/0 (every address; turns the allowlist off)
// Pure: no I/O beyond inet_pton/inet_ntop, no allocation.
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::http {

struct IpAddr {
  uint8_t b[16] = {};
  bool is_v4() const;  // an IPv4-mapped address
  bool operator==(const IpAddr& o) const;
};

struct Cidr {
  IpAddr net;        // host bits zero
  uint8_t bits = 0;  // prefix length in the 128-bit space (IPv4 /n is 96+n)
  bool contains(const IpAddr& a) const;
};

// "192.0.2.1" or "2001:db8::1" (no zone, no brackets).
bool parse_ip(std::string_view s, IpAddr* out);
// "10.0.0.0/8", "2001:db8::/32", or a bare address. Host bits set in the
// address are cleared (as Go's net.ParseCIDR does).
bool parse_cidr(std::string_view s, Cidr* out, const char** why);
// The peer address of a sockaddr (AF_INET or AF_INET6); false for others.
bool ip_from_sockaddr(const sockaddr* sa, IpAddr* out);
// The identity one client is counted under (rate limit, connections per
// client): IPv4 addresses whole, IPv6 addresses by their /64, since one
// host usually owns a whole /64 and could hop addresses inside it.
IpAddr client_key(const IpAddr& a);
// Text form into out[cap] (cap >= kIpTextBytes): IPv4 dotted for mapped
// addresses, RFC 5952 for IPv6. Returns the length.
inline constexpr size_t kIpTextBytes = 46;
size_t format_ip(const IpAddr& a, char* out, size_t cap);

// The default [access] allow: a LAN agent answers its LAN, not the internet.
inline constexpr std::string_view kDefaultAllow = "loopback,private,link-local";

class CidrList {
 public:
  // Room for every keyword plus a couple of dozen explicit entries.
  static constexpr size_t kMaxEntries = 48;

  void clear() { n_ = 0; }
  // Adds one config entry (keyword, CIDR or address); false with *why.
  bool add(std::string_view entry, const char** why);
  bool contains(const IpAddr& a) const;
  size_t size() const { return n_; }
  const Cidr& operator[](size_t i) const { return items_[i]; }

 private:
  bool push(const Cidr& c, const char** why);
  Cidr items_[kMaxEntries];
  size_t n_ = 0;
};

}  // namespace edgestat::http
