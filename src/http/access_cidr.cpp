#include "http/access_cidr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "core/number.hpp"

namespace edgestat::http {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void set_v4(IpAddr* a, const uint8_t v4[4]) {
  std::memcpy(a->b, kMappedPrefix, 12);
  std::memcpy(a->b + 12, v4, 4);
}

// Copies s into a NUL-terminated buffer for inet_pton; false if too long.
bool cstr(std::string_view s, char (&buf)[64]) {
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  return true;
}

struct Keyword {
  std::string_view name;
  std::string_view cidrs[5];
};

constexpr Keyword kKeywords[] = {
    {"loopback", {"127.0.0.0/8", "::1/128"}},
    {"private", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}},
    {"link-local", {"169.254.0.0/16", "fe80::/10"}},
    {"any", {"::/0"}},
};

}  // namespace

IpAddr client_key(const IpAddr& a) {
  IpAddr k = a;
  if (!a.is_v4()) std::memset(k.b + 8, 0, 8);
  return k;
}

bool IpAddr::is_v4() const { return std::memcmp(b, kMappedPrefix, 12) == 0; }
bool IpAddr::operator==(const IpAddr& o) const { return std::memcmp(b, o.b, 16) == 0; }

bool Cidr::contains(const IpAddr& a) const {
  size_t full = bits / 8;
  if (std::memcmp(a.b, net.b, full) != 0) return false;
  unsigned rem = bits % 8;
  if (rem == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rem));
  return (a.b[full] & mask) == net.b[full];
}

bool parse_ip(std::string_view s, IpAddr* out) {
  char buf[64];
  if (!cstr(s, buf)) return false;
  if (s.find(':') == std::string_view::npos) {
    uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) != 1) return false;
    set_v4(out, v4);
    return true;
  }
  return inet_pton(AF_INET6, buf, out->b) == 1;
}

bool parse_cidr(std::string_view s, Cidr* out, const char** why) {
  size_t slash = s.find('/');
  std::string_view addr = s.substr(0, slash);
  bool v4 = addr.find(':') == std::string_view::npos;
  if (!parse_ip(addr, &out->net)) {
    *why = v4 ? "not an IPv4 address or CIDR (a.b.c.d/n)" : "not an IPv6 address or CIDR (addr/n)";
    return false;
  }
  unsigned max = v4 ? 32 : 128;
  unsigned bits = max;
  if (slash != std::string_view::npos) {
    auto p = parse_u64(s.substr(slash + 1));
    if (!p || *p > max) {
      *why = v4 ? "prefix length must be 0-32" : "prefix length must be 0-128";
      return false;
    }
    bits = static_cast<unsigned>(*p);
  }
  if (v4) bits += 96;
  out->bits = static_cast<uint8_t>(bits);
  // Clear the host bits so contains() compares whole bytes.
  for (unsigned i = 0; i < 16; ++i) {
    unsigned lo = i * 8;
    if (lo >= bits) out->net.b[i] = 0;
    else if (bits - lo < 8) out->net.b[i] &= static_cast<uint8_t>(0xff << (8 - (bits - lo)));
  }
  return true;
}

bool ip_from_sockaddr(const sockaddr* sa, IpAddr* out) {
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    set_v4(out, reinterpret_cast<const uint8_t*>(&in->sin_addr));
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    std::memcpy(out->b, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return true;
  }
  return false;
}

size_t format_ip(const IpAddr& a, char* out, size_t cap) {
  if (cap < kIpTextBytes) return 0;
  const char* r = a.is_v4() ? inet_ntop(AF_INET, a.b + 12, out, static_cast<socklen_t>(cap))
                            : inet_ntop(AF_INET6, a.b, out, static_cast<socklen_t>(cap));
  return r ? std::strlen(out) : 0;
}

bool CidrList::push(const Cidr& c, const char** why) {
  if (n_ == kMaxEntries) {
    *why = "too many allowlist entries (at most 48 after keywords expand)";
    return false;
  }
  items_[n_++] = c;
  return true;
}

bool CidrList::add(std::string_view entry, const char** why) {
  for (const Keyword& k : kKeywords) {
    if (k.name != entry) continue;
    for (std::string_view s : k.cidrs) {
      if (s.empty()) break;
      Cidr c;
      if (!parse_cidr(s, &c, why) || !push(c, why)) return false;
    }
    return true;
  }
  Cidr c;
  if (!parse_cidr(entry, &c, why)) {
    if (entry.find_first_of(".:/") == std::string_view::npos)
      *why = "not a CIDR, an address, or one of loopback, private, link-local, any";
    return false;
  }
  return push(c, why);
}

bool CidrList::contains(const IpAddr& a) const {
  for (size_t i = 0; i < n_; ++i)
    if (items_[i].contains(a)) return true;
  return false;
}

}  // namespace edgestat::http
