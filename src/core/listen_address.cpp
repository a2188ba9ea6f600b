#include "core/listen_address.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "core/number.hpp"

namespace edgestat {

bool parse_listen_address(std::string_view s, FixedString<64>* host, uint16_t* port, const char** why) {
  std::string_view h, p;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      *why = "IPv6 addresses are written [addr]:port";
      return false;
    }
    h = s.substr(1, close - 1);
    p = s.substr(close + 2);
    char tmp[64];
    unsigned char addr[16];
    if (h.size() >= sizeof tmp) {
      *why = "host too long";
      return false;
    }
    std::memcpy(tmp, h.data(), h.size());
    tmp[h.size()] = '\0';
    if (inet_pton(AF_INET6, tmp, addr) != 1) {
      *why = "not an IPv6 address";
      return false;
    }
  } else {
    size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      *why = "expected host:port, e.g. :9100 or 127.0.0.1:9100";
      return false;
    }
    h = s.substr(0, colon);
    p = s.substr(colon + 1);
    if (!h.empty() && h != "localhost") {
      char tmp[64];
      unsigned char addr[4];
      if (h.size() >= sizeof tmp) {
        *why = "host too long";
        return false;
      }
      std::memcpy(tmp, h.data(), h.size());
      tmp[h.size()] = '\0';
      if (inet_pton(AF_INET, tmp, addr) != 1) {
        *why = "host must be an IPv4 address, [IPv6], localhost or empty";
        return false;
      }
    }
  }
  auto pv = parse_u64(p);
  if (!pv || *pv == 0 || *pv > 65535) {
    *why = "port must be 1-65535";
    return false;
  }
  host->assign(h);
  *port = static_cast<uint16_t>(*pv);
  return true;
}

}  // namespace edgestat
