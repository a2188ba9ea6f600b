#include "http/request_parser.hpp"

#include <array>
#include <cstring>

#include "core/ascii.hpp"

namespace edgestat::http {
namespace {

constexpr int kIncomplete = -2;
constexpr int kError = -1;

// Byte classes, one table lookup per byte as in picohttpparser.
enum : uint8_t {
  kTchar = 1,       // RFC 9110 §5.6.2 token character
  kTargetChar = 2,  // visible ASCII except '#': what origin-form may hold
  kFieldChar = 4,   // field-value byte: HTAB, SP, VCHAR, obs-text
};

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                       (c >= 'A' && c <= 'Z');
    uint8_t v = 0;
    if (alnum || (c < 128 && kTokenPunct.find(static_cast<char>(c)) !=
                                 std::string_view::npos)) {
      v |= kTchar;
    }
    if (c >= 0x21 && c <= 0x7e && c != '#') v |= kTargetChar;
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) v |= kFieldChar;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}

constexpr std::array<uint8_t, 256> kClasses = make_classes();

bool has_class(char c, uint8_t cls) {
  return (kClasses[static_cast<unsigned char>(c)] & cls) != 0;
}


// Read position over buf[0, window). Every step checks p against end before
// dereferencing, so running out of input is always Incomplete, never a read
// past the window.
struct Cursor {
  const char* p;
  const char* end;
};

// Consumes CRLF or a bare LF. A CR not followed by LF is an error.
ParseError eat_eol(Cursor& c) {
  if (c.p == c.end) return ParseError::Incomplete;
  if (*c.p == '\n') {
    ++c.p;
    return ParseError::None;
  }
  if (*c.p != '\r') return ParseError::BadRequest;
  if (c.end - c.p < 2) return ParseError::Incomplete;
  if (c.p[1] != '\n') return ParseError::BadRequest;
  c.p += 2;
  return ParseError::None;
}

// method SP. The length check comes after the token check, so a 17th byte
// that is not a tchar is a plain 400.
ParseError parse_method(Cursor& c, std::string_view& method) {
  const char* start = c.p;
  for (;; ++c.p) {
    if (c.p == c.end) return ParseError::Incomplete;
    if (*c.p == ' ') break;
    if (!has_class(*c.p, kTchar)) return ParseError::BadRequest;
    if (static_cast<size_t>(c.p - start) == kMaxMethodBytes) {
      return ParseError::MethodTooLong;
    }
  }
  if (c.p == start) return ParseError::BadRequest;
  method = std::string_view(start, static_cast<size_t>(c.p - start));
  ++c.p;
  return ParseError::None;
}

// Target bytes up to the SP that ends them (left at c.p); the whole target,
// counted from start, may be kMaxTargetBytes long.
ParseError scan_to_space(Cursor& c, const char* start) {
  for (;; ++c.p) {
    if (c.p == c.end) return ParseError::Incomplete;
    if (*c.p == ' ') return ParseError::None;
    if (!has_class(*c.p, kTargetChar)) return ParseError::BadRequest;
    if (static_cast<size_t>(c.p - start) == kMaxTargetBytes) return ParseError::UriTooLong;
  }
}

// Case-insensitive "http://" or "https://" at c.p: its length, 0 when
// the bytes there are something else, -1 when too few bytes are in yet.
long scheme_prefix(const Cursor& c) {
  constexpr std::string_view kHttp = "http://", kHttps = "https://";
  size_t avail = static_cast<size_t>(c.end - c.p);
  for (std::string_view s : {kHttp, kHttps}) {
    size_t n = avail < s.size() ? avail : s.size();
    if (!iequals(std::string_view(c.p, n), s.substr(0, n))) continue;
    if (n < s.size()) {
      // "http" could still become "https://": wait unless it cannot.
      if (s == kHttp && n >= 5 && (c.p[4] == 's' || c.p[4] == 'S')) continue;
      return -1;
    }
    return static_cast<long>(s.size());
  }
  return 0;
}

// The rest of an absolute-form target after its scheme (RFC 9112 §3.2.2):
// authority [path-abempty] ["?" query]. The authority (no userinfo, which
// RFC 9110 §4.2.4 says to treat as an error) goes to *authority and the
// path and query, the origin-form a router wants, to target; "http://h"
// alone means "/". "http://h?q" (a query without a path) is refused.
ParseError parse_absolute(Cursor& c, const char* start,
                          std::string_view& authority,
                          std::string_view& target) {
  const char* host = c.p;
  for (;; ++c.p) {
    if (c.p == c.end) return ParseError::Incomplete;
    if (*c.p == '/' || *c.p == ' ') break;
    if (*c.p == '@' || *c.p == '?' || !has_class(*c.p, kTargetChar)) {
      return ParseError::BadRequest;
    }
    if (static_cast<size_t>(c.p - start) == kMaxTargetBytes) {
      return ParseError::UriTooLong;
    }
  }
  if (c.p == host) return ParseError::BadRequest;
  authority = std::string_view(host, static_cast<size_t>(c.p - host));
  const char* path = c.p;
  if (ParseError e = scan_to_space(c, start); e != ParseError::None) return e;
  target = c.p == path ? std::string_view(kRootPath, 1)
                       : std::string_view(path, static_cast<size_t>(c.p - path));
  ++c.p;
  return ParseError::None;
}

// request-target SP. The form is decided by the first bytes so that
// "GET ftp://..." fails at once instead of after 2 KiB.
ParseError parse_target(Cursor& c, std::string_view method,
                        std::string_view& authority, std::string_view& target) {
  const char* start = c.p;
  if (c.p == c.end) return ParseError::Incomplete;
  if (*c.p == 'h' || *c.p == 'H') {
    long n = scheme_prefix(c);
    if (n < 0) return ParseError::Incomplete;
    if (n == 0) return ParseError::BadRequest;
    c.p += n;
    return parse_absolute(c, start, authority, target);
  }
  if (*c.p == '*') {
    // asterisk-form exists only for server-wide OPTIONS (RFC 9112 §3.2.4).
    if (method != "OPTIONS") return ParseError::BadRequest;
    ++c.p;
    if (c.p == c.end) return ParseError::Incomplete;
    if (*c.p != ' ') return ParseError::BadRequest;
  } else {
    if (*c.p != '/') return ParseError::BadRequest;
    if (ParseError e = scan_to_space(c, start); e != ParseError::None) return e;
  }
  target = std::string_view(start, static_cast<size_t>(c.p - start));
  ++c.p;
  return ParseError::None;
}

// HTTP-version line-end. Shape errors are 400 as soon as they are seen; the
// version number is judged only once the line is complete, so "HTTP/2.0x"
// is a 400 and "HTTP/2.0" a 505 whatever the chunking of the input.
ParseError parse_version(Cursor& c, int& minor_version) {
  constexpr std::string_view kShape = "HTTP/D.D";  // D: any digit
  for (size_t i = 0; i < kShape.size(); ++i) {
    if (c.p + i == c.end) return ParseError::Incomplete;
    const char ch = c.p[i];
    const bool ok = kShape[i] == 'D' ? is_digit(ch) : ch == kShape[i];
    if (!ok) return ParseError::BadRequest;
  }
  const char major = c.p[5];
  const char minor = c.p[7];
  c.p += kShape.size();
  if (ParseError e = eat_eol(c); e != ParseError::None) return e;
  if (major != '1' || minor > '1') return ParseError::BadVersion;
  minor_version = minor - '0';
  return ParseError::None;
}

// *( field-line CRLF ) CRLF. The blank line ends the head.
ParseError parse_fields(Cursor& c, Header* headers, size_t capacity,
                        size_t& count) {
  count = 0;
  for (;;) {
    if (c.p == c.end) return ParseError::Incomplete;
    if (*c.p == '\r' || *c.p == '\n') return eat_eol(c);
    if (count == capacity) return ParseError::TooManyHeaders;

    // field-name ":" with nothing in between. A line starting with SP or
    // HTAB (obs-fold) and "Name :" both fail here because SP is no tchar.
    const char* name = c.p;
    for (;; ++c.p) {
      if (c.p == c.end) return ParseError::Incomplete;
      if (*c.p == ':') break;
      if (!has_class(*c.p, kTchar)) return ParseError::BadRequest;
    }
    if (c.p == name) return ParseError::BadRequest;
    const size_t name_len = static_cast<size_t>(c.p - name);
    ++c.p;

    while (c.p != c.end && (*c.p == ' ' || *c.p == '\t')) ++c.p;
    const char* value = c.p;
    const char* value_end = c.p;  // one past the last non-OWS byte
    for (;; ++c.p) {
      if (c.p == c.end) return ParseError::Incomplete;
      const char ch = *c.p;
      if (ch == '\r' || ch == '\n') break;
      if (!has_class(ch, kFieldChar)) return ParseError::BadRequest;
      if (ch != ' ' && ch != '\t') value_end = c.p + 1;
    }
    if (ParseError e = eat_eol(c); e != ParseError::None) return e;
    headers[count++] =
        Header{std::string_view(name, name_len),
               std::string_view(value, static_cast<size_t>(value_end - value))};
  }
}

// Writes req only on success, so after -2 the caller's header capacity in
// req.num_headers is intact for the next call.
ParseError parse_head(Cursor& c, Request& req) {
  // RFC 9112 §2.2: ignore at least one empty line before the request-line.
  if (c.p != c.end && (*c.p == '\r' || *c.p == '\n')) {
    if (ParseError e = eat_eol(c); e != ParseError::None) return e;
  }
  std::string_view method;
  std::string_view target;
  std::string_view authority;
  int minor_version = 0;
  size_t count = 0;
  if (ParseError e = parse_method(c, method); e != ParseError::None) return e;
  if (ParseError e = parse_target(c, method, authority, target);
      e != ParseError::None) {
    return e;
  }
  if (ParseError e = parse_version(c, minor_version); e != ParseError::None) {
    return e;
  }
  if (ParseError e = parse_fields(c, req.headers, req.num_headers, count);
      e != ParseError::None) {
    return e;
  }
  req.method = method;
  req.target = target;
  req.authority = authority;
  req.minor_version = minor_version;
  req.num_headers = count;
  return ParseError::None;
}

// Whether buf[from, to) holds the LF that ends a head: an LF preceded by LF
// or by CR LF. Looking back two bytes means a terminator split across calls
// is still found while each byte is scanned once. from must be >= 1; a
// pattern at the very start of the buffer is a leading empty line, which the
// full parse handles.
bool has_head_end(const char* buf, size_t from, size_t to) {
  size_t i = from;
  while (i < to) {
    const void* hit = std::memchr(buf + i, '\n', to - i);
    if (hit == nullptr) return false;
    i = static_cast<size_t>(static_cast<const char*>(hit) - buf);
    if (buf[i - 1] == '\n' || (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')) {
      return true;
    }
    ++i;
  }
  return false;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Next non-empty element of an RFC 9110 §5.6.1 #list, OWS-trimmed. Used for
// token lists (Connection, Transfer-Encoding), which hold no quoted commas.
bool next_list_element(std::string_view& rest, std::string_view& element) {
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view e = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view()
                                           : rest.substr(comma + 1);
    e = trim_ows(e);
    if (!e.empty()) {
      element = e;
      return true;
    }
  }
  return false;
}

}  // namespace

int parse_request(const char* buf, size_t len, size_t last_len, Request& req,
                  ParseError* err) {
  ParseError ignored = ParseError::None;
  if (err == nullptr) err = &ignored;
  const size_t window = len < kMaxHeadBytes ? len : kMaxHeadBytes;

  // Slowloris guard: the previous call saw buf[0, last_len) and found no end
  // of head there, so only the new bytes need scanning. Once len reaches the
  // cap the full parse runs to give the precise verdict (414, 400, 431...).
  if (last_len != 0 && last_len <= len && len < kMaxHeadBytes &&
      !has_head_end(buf, last_len, window)) {
    *err = ParseError::Incomplete;
    return kIncomplete;
  }

  Cursor c{buf, buf + window};
  ParseError e = parse_head(c, req);
  if (e == ParseError::None) {
    *err = ParseError::None;
    return static_cast<int>(c.p - buf);
  }
  if (e == ParseError::Incomplete) {
    if (len < kMaxHeadBytes) {
      *err = ParseError::Incomplete;
      return kIncomplete;
    }
    e = ParseError::HeaderTooLarge;
  }
  *err = e;
  return kError;
}

int status_for(ParseError err) {
  switch (err) {
    case ParseError::None:
    case ParseError::Incomplete:
      return 0;
    case ParseError::BadRequest:
      return 400;
    case ParseError::MethodTooLong:
      return 501;
    case ParseError::UriTooLong:
      return 414;
    case ParseError::HeaderTooLarge:
    case ParseError::TooManyHeaders:
      return 431;
    case ParseError::BadVersion:
      return 505;
  }
  return 400;
}

std::string_view parse_error_name(ParseError err) {
  switch (err) {
    case ParseError::None:
      return "none";
    case ParseError::Incomplete:
      return "incomplete";
    case ParseError::BadRequest:
      return "bad_request";
    case ParseError::MethodTooLong:
      return "method_too_long";
    case ParseError::UriTooLong:
      return "uri_too_long";
    case ParseError::HeaderTooLarge:
      return "header_too_large";
    case ParseError::TooManyHeaders:
      return "too_many_headers";
    case ParseError::BadVersion:
      return "bad_version";
  }
  return "unknown";
}

bool host_valid(const Request& req) {
  size_t seen = 0;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (!iequals(req.headers[i].name, "host")) continue;
    ++seen;
    // uri-host [":" port]: no list, no userinfo, no path, no spaces.
    for (char ch : req.headers[i].value) {
      if (ch == ',' || ch == '@' || ch == '/' || ch == ' ' || ch == '\t') {
        return false;
      }
    }
  }
  return seen == 1 || (seen == 0 && req.minor_version == 0);
}

std::optional<std::string_view> find_header(const Request& req,
                                            std::string_view name) {
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (iequals(req.headers[i].name, name)) return req.headers[i].value;
  }
  return std::nullopt;
}

bool wants_keep_alive(const Request& req) {
  bool close = false;
  bool keep_alive = false;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (!iequals(req.headers[i].name, "connection")) continue;
    std::string_view rest = req.headers[i].value;
    std::string_view option;
    while (next_list_element(rest, option)) {
      if (iequals(option, "close")) close = true;
      if (iequals(option, "keep-alive")) keep_alive = true;
    }
  }
  if (close) return false;
  return req.minor_version >= 1 || keep_alive;
}

BodyInfo body_info(const Request& req, uint64_t max_length) {
  bool saw_length = false;
  bool length_invalid = false;
  std::string_view length_digits;  // leading zeros stripped, so "" means 0
  bool saw_te = false;
  std::string_view last_coding;
  int chunked_count = 0;

  for (size_t i = 0; i < req.num_headers; ++i) {
    const Header& h = req.headers[i];
    if (iequals(h.name, "content-length")) {
      std::string_view v = h.value;
      bool digits = !v.empty();
      for (char ch : v) digits = digits && is_digit(ch);
      if (!digits) {
        length_invalid = true;
      } else {
        while (!v.empty() && v.front() == '0') v.remove_prefix(1);
        // Equal numbers have equal digit strings once zeros are stripped;
        // comparing strings avoids any overflow question.
        if (saw_length && v != length_digits) length_invalid = true;
        length_digits = v;
      }
      saw_length = true;
    } else if (iequals(h.name, "transfer-encoding")) {
      saw_te = true;
      std::string_view rest = h.value;
      std::string_view element;
      while (next_list_element(rest, element)) {
        // A coding may carry parameters ("gzip;q=..."); only its name counts.
        last_coding = trim_ows(element.substr(0, element.find(';')));
        if (iequals(last_coding, "chunked")) ++chunked_count;
      }
      if (h.value.find_first_not_of(" \t,") == std::string_view::npos) {
        last_coding = {};  // an empty Transfer-Encoding is malformed
      }
    }
  }

  if (saw_te) {
    // RFC 9112 §6.1: TE + CL is a smuggling vector, TE in 1.0 is faulty
    // framing, and only a final, single "chunked" delimits a request body.
    if (saw_length || req.minor_version == 0 ||
        !iequals(last_coding, "chunked") || chunked_count != 1) {
      return {BodyKind::Invalid, 0};
    }
    return {BodyKind::Chunked, 0};
  }
  if (length_invalid) return {BodyKind::Invalid, 0};
  if (!saw_length) return {BodyKind::None, 0};

  uint64_t value = 0;
  for (char ch : length_digits) {
    const uint64_t d = static_cast<uint64_t>(ch - '0');
    if (value > max_length / 10 ||
        (value == max_length / 10 && d > max_length % 10)) {
      return {BodyKind::TooLarge, 0};
    }
    value = value * 10 + d;
  }
  return {BodyKind::Length, value};
}

}  // namespace edgestat::http
