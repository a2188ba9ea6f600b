#include "http/response.hpp"

#include "core/civil_time.hpp"

namespace edgestat::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "Unknown";
}

void format_http_date(int64_t unix_seconds, char* out) {
  static constexpr char kDays[] = "SunMonTueWedThuFriSat";
  static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  CivilTime c = civil_from_unix(unix_seconds);
  char* p = out;
  for (int i = 0; i < 3; ++i) *p++ = kDays[c.weekday * 3 + i];
  *p++ = ',';
  *p++ = ' ';
  p = put_digits(p, c.day, 2);
  *p++ = ' ';
  for (int i = 0; i < 3; ++i) *p++ = kMonths[(c.month - 1) * 3 + i];
  *p++ = ' ';
  p = put_digits(p, c.year % 10000, 4);
  *p++ = ' ';
  p = put_digits(p, c.hour, 2);
  *p++ = ':';
  p = put_digits(p, c.minute, 2);
  *p++ = ':';
  p = put_digits(p, c.second, 2);
  *p++ = ' ';
  *p++ = 'G', *p++ = 'M', *p++ = 'T';
}

bool build_response_head(const ResponseHead& h, OutBuffer& out) {
  out.put("HTTP/1.1 ");
  out.put_u64(static_cast<uint64_t>(h.status));
  out.put(' ');
  out.put(reason_phrase(h.status));
  out.put("\r\n");
  if (!h.date.empty()) {
    out.put("Date: ");
    out.put(h.date);
    out.put("\r\n");
  }
  if (!h.content_type.empty()) {
    out.put("Content-Type: ");
    out.put(h.content_type);
    out.put("\r\n");
  }
  out.put("Content-Length: ");
  out.put_u64(h.content_length);
  out.put("\r\n");
  // Both spellings are sent explicitly: an HTTP/1.0 client needs
  // keep-alive named, and close tells a 1.1 client not to reuse.
  out.put(h.keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  out.put(h.extra_headers);
  out.put("\r\n");
  return !out.overflowed();
}

}  // namespace edgestat::http
