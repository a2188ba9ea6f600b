#pragma once

// HTTP/1.x request-head parser in the style of picohttpparser: stateless,
// never allocates, the caller owns the header array (capacity in, count out)
// and every view in the result points into the caller's buffer.
//
// Grammar accepted (RFC 9112 §2-5, stricter than the RFC where it allows
// leniency, looser only where noted):
//   [CRLF] method SP target SP HTTP-version CRLF *( field-line CRLF ) CRLF
// - Exactly one SP between the request-line parts.
// - method is an RFC 9110 token of 1..kMaxMethodBytes bytes.
// - target is origin-form ("/..."), absolute-form ("http://host/path?q",
//   scheme http or https in any case, which RFC 9112 §3.2.2 says a server
//   must accept: the authority goes to Request::authority and the path and
//   query to Request::target, "/" when there is no path), or exactly "*"
//   when the method is OPTIONS. Authority-form (CONNECT) is rejected with
//   400 (we are an origin server, never a proxy), as is a userinfo ("@")
//   in an absolute-form authority. Target bytes are visible ASCII
//   0x21..0x7E except '#' (a fragment is never sent on the wire, RFC 9112
//   §3.2); raw bytes >= 0x80 are rejected because clients percent-encode.
// - HTTP-version is "HTTP/" DIGIT "." DIGIT; only 1.0 and 1.1 are served,
//   any other well-formed version is BadVersion (505).
// - field-name is a token with nothing between it and the colon; a line
//   starting with SP/HTAB (obs-fold, RFC 9112 §5.2) is rejected. The value
//   may hold HTAB, SP, visible ASCII and obs-text (>= 0x80); every other CTL
//   and DEL (NUL included) is rejected. Leading and trailing OWS is trimmed.
// - Lines end in CRLF. A bare LF is also accepted as a line end, like
//   picohttpparser and RFC 9112 §2.2 allow; a bare CR anywhere is rejected.
// - One empty line before the request line is skipped (RFC 9112 §2.2: some
//   clients send an extra CRLF after a POST body).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace edgestat::http {

// The whole head (request line, fields and the blank line, plus a skipped
// leading empty line) must fit here; larger heads get 431. Prometheus sends
// ~350 bytes, browsers ~1 KiB; 8 KiB is nginx's per-line header buffer size.
inline constexpr size_t kMaxHeadBytes = 8192;

// Longest request-target; longer gets 414. The longest legitimate edgestat
// target (/metrics with every collector named in collect[]) is ~1.3 KiB.
inline constexpr size_t kMaxTargetBytes = 2048;

// Longest method token; longer gets 501, the answer RFC 9110 §9.1 gives an
// unimplemented method, which a method this long always is (the longest
// registered one, UPDATEREDIRECTREF, is 17 bytes and is not ours either).
inline constexpr size_t kMaxMethodBytes = 16;

// Recommended header array capacity; the capacity the caller passes in is
// the cap (more headers get 431). Prometheus sends 5, curl 3, browsers ~15.
inline constexpr size_t kMaxHeaders = 64;

// The target of an absolute-form request without a path ("http://h"): one
// object, so a view of it is told apart from views into the buffer.
inline constexpr char kRootPath[] = "/";

struct Header {
  std::string_view name;   // as received (case preserved), never empty
  std::string_view value;  // OWS-trimmed, may be empty
};

struct Request {
  std::string_view method;
  std::string_view target;     // origin-form: path [ "?" query ]
  std::string_view authority;  // host[:port] of an absolute-form target, else empty
  int minor_version = 0;      // 0 or 1
  Header* headers = nullptr;  // caller-owned array
  size_t num_headers = 0;     // in: capacity of headers, out: count
};

enum class ParseError {
  None,            // success
  Incomplete,      // need more bytes (return value -2)
  BadRequest,      // 400: grammar violation, NUL/CTL, bare CR, obs-fold...
  MethodTooLong,   // 501: method token longer than kMaxMethodBytes
  UriTooLong,      // 414: target longer than kMaxTargetBytes
  HeaderTooLarge,  // 431: head not finished within kMaxHeadBytes
  TooManyHeaders,  // 431: more fields than the caller's capacity
  BadVersion,      // 505: well-formed HTTP-version other than 1.0/1.1
};

// Parses the request head at buf[0, len).
//
// Returns the number of bytes consumed (through the blank line) on success,
// -2 when the head is incomplete, -1 on error with *err set. req is written
// only on success (req.num_headers becomes the header count); on -1/-2 only
// the headers array may have been scribbled on, so req.num_headers still
// holds the capacity for the next call. err may be null; when not, it is
// always set (None on success, Incomplete on -2).
//
// last_len is the len of the previous call on the same buffer if that call
// returned -2, else 0. With last_len > 0 only the new bytes are searched for
// the end of the head and the full parse runs once, when the head is
// complete, so a byte-at-a-time sender costs O(n) in total, not O(n^2). The
// price: an error in an incomplete head may then be reported late (when the
// head completes or reaches kMaxHeadBytes) rather than at the first call.
//
// Guarantees (checked by tests/fuzz/fuzz_http_request.cpp):
// - With len >= kMaxHeadBytes the result is never -2, so a read buffer of
//   kMaxHeadBytes always suffices to reach a verdict.
// - A success or error on a prefix of buf is the same result on all of buf
//   (last_len == 0). With last_len > 0 the result is either -2 or exactly
//   the last_len == 0 result.
// - Bytes after the head (a body, a pipelined request) are never examined.
int parse_request(const char* buf, size_t len, size_t last_len, Request& req,
                  ParseError* err);

// HTTP status for a parse error (0 for None and Incomplete).
int status_for(ParseError err);

// Short stable name for logs and metrics labels, e.g. "bad_request".
std::string_view parse_error_name(ParseError err);

// RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host field and an
// HTTP/1.0 request at most one, whose value is uri-host [":" port] (no
// comma list, userinfo, path or whitespace). False means 400. (With an
// absolute-form target the Host is still required, and the target's
// authority is the one that counts.)
bool host_valid(const Request& req);

// Value of the first header named `name` (case-insensitive).
std::optional<std::string_view> find_header(const Request& req,
                                            std::string_view name);

// Whether the connection may stay open after the response. HTTP/1.1: yes
// unless a Connection header lists "close". HTTP/1.0: only if a Connection
// header lists "keep-alive" and none lists "close". All Connection headers
// are read as one comma list; tokens compare case-insensitively.
bool wants_keep_alive(const Request& req);

// How the request body is framed (RFC 9112 §6.3), read strictly because an
// ambiguity here is what request smuggling exploits.
enum class BodyKind {
  None,      // no Content-Length, no Transfer-Encoding: no body
  Length,    // Content-Length valid and <= max_length; length holds it
  Chunked,   // Transfer-Encoding ending in "chunked": answer 411 or 501
  Invalid,   // 400, then close: framing cannot be trusted
  TooLarge,  // 413, then close: Content-Length > max_length
};

struct BodyInfo {
  BodyKind kind = BodyKind::None;
  uint64_t length = 0;  // meaningful for Length only
};

// Invalid when: Content-Length is empty, has a non-digit (sign, space,
// comma list, hex...), or appears more than once with different values;
// both Transfer-Encoding and Content-Length are present; Transfer-Encoding
// appears in an HTTP/1.0 request (RFC 9112 §6.1); or the final transfer
// coding is not "chunked", or chunked is applied twice.
// Repeated Content-Length headers with numerically equal values are allowed
// (RFC 9110 §8.6). A value of any length that exceeds max_length is
// TooLarge, never a numeric overflow.
BodyInfo body_info(const Request& req, uint64_t max_length);

}  // namespace edgestat::http
