#pragma once
// `edgestat health`: a blocking HTTP/1.1 GET of a running agent's /health
// over a plain socket (no libuv, no DNS beyond "localhost"), reduced to one
// line and an exit code. The parsing pieces are pure for the unit tests.
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat::http {

// Connect, send and receive must each finish within this.
inline constexpr int kHealthTimeoutMs = 3000;
// A /health answer is ~1 KiB; more is not ours.
inline constexpr size_t kHealthResponseBytes = 16384;

struct HealthUrl {
  FixedString<64> host;  // IPv4 or IPv6 literal (no brackets), or "localhost"
  uint16_t port = 80;
  FixedString<256> path;
};

// http://HOST[:PORT][/PATH]; HOST an IPv4 literal, [IPv6] or localhost.
bool parse_health_url(std::string_view url, HealthUrl* out, const char** why);
// The URL that reaches an agent listening on a listen address: wildcard
// hosts become loopback (":9100" and "0.0.0.0:9100" -> 127.0.0.1,
// "[::]:9100" -> [::1]).
void default_health_url(std::string_view listen_address, FixedString<300>* out);

struct HealthAnswer {
  int http_status = 0;
  FixedString<32> status;     // "healthy", "degraded", ...
  FixedString<1024> summary;  // the line to print
};
// Parses a whole HTTP response carrying the /health JSON.
bool parse_health_response(std::string_view response, HealthAnswer* out, const char** why);

// Fetches url, prints one line on stdout (or the failure on stderr) and
// returns the exit code: 0 healthy or degraded, 1 otherwise.
int run_health_command(std::string_view url);

}  // namespace edgestat::http
