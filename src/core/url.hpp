#pragma once
// A URL of a push target (export/): http:// or https://, a host (name, IPv4 or [IPv6]),
// an optional port and a path. Pure; no userinfo (credentials go in the
// auth keys, never in a URL that ends up in logs), no query beyond what the
// path carries, no fragment.
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat {

struct Url {
  bool https = false;
  FixedString<255> host;   // without brackets
  uint16_t port = 0;
  FixedString<255> path;   // "/api/v1/write", with any query
  FixedString<270> authority;  // the Host header: host[:port]
};

bool parse_url(std::string_view s, Url* out, const char** why);

}  // namespace edgestat
