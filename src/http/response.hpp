#pragma once
// Response heads, built into a caller-owned buffer. Pure: no I/O, no clock
// (the caller passes the Date value it caches once a second).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/out_buffer.hpp"

namespace edgestat::http {

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7 IMF-fixdate) is 29 bytes.
inline constexpr size_t kHttpDateBytes = 29;

// Reason phrase for the statuses this server sends ("Unknown" otherwise).
std::string_view reason_phrase(int status);

// Formats unix seconds as an IMF-fixdate into out[kHttpDateBytes].
void format_http_date(int64_t unix_seconds, char* out);

struct ResponseHead {
  int status = 200;
  std::string_view content_type;  // omitted when empty (no body)
  uint64_t content_length = 0;
  bool keep_alive = true;
  // Extra header lines, each ending in CRLF ("Allow: GET, HEAD\r\n").
  std::string_view extra_headers;
  std::string_view date;  // IMF-fixdate; omitted when empty
};

// Writes the status line and header block through the blank line. HTTP/1.1
// always (a 1.0 client reads a 1.1 status line, RFC 9110 §6.2). False when
// it does not fit (out overflowed).
bool build_response_head(const ResponseHead& h, OutBuffer& out);

}  // namespace edgestat::http
