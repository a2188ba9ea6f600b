// Tests for src/http/request_parser.* and src/http/negotiate.*.
//
// Every success checks the exact byte count consumed and the exact views;
// every failure checks the exact ParseError, so a parser that fails for the
// wrong reason (or accepts for the wrong reason) is caught.

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "http/negotiate.hpp"
#include "http/request_parser.hpp"

using namespace std::string_view_literals;
namespace http = edgestat::http;
using http::BodyKind;
using http::Format;
using http::Header;
using http::ParseError;
using http::Request;

namespace {

// One parse with its own header array. Not copyable: req.headers points
// into this object.
struct Parse {
  std::array<Header, http::kMaxHeaders> headers{};
  Request req{};
  ParseError err = ParseError::None;
  int rc = 0;

  explicit Parse(std::string_view s, size_t capacity = http::kMaxHeaders,
                 size_t last_len = 0) {
    req.headers = headers.data();
    req.num_headers = capacity;
    rc = http::parse_request(s.data(), s.size(), last_len, req, &err);
  }
  Parse(const Parse&) = delete;
  Parse& operator=(const Parse&) = delete;

  std::string_view name(size_t i) const { return req.headers[i].name; }
  std::string_view value(size_t i) const { return req.headers[i].value; }
};

// Static buffers for the oversized inputs: tests must not depend on the heap
// any more than the code under test does.
char g_big[1 << 20];

// Writes prefix, then fill bytes up to total, then suffix into g_big.
std::string_view build(std::string_view prefix, char fill, size_t total,
                       std::string_view suffix = {}) {
  if (total + suffix.size() > sizeof(g_big) || prefix.size() > total) {
    FAIL_CHECK("build() arguments out of range");
    return {};
  }
  std::memcpy(g_big, prefix.data(), prefix.size());
  std::memset(g_big + prefix.size(), fill, total - prefix.size());
  if (!suffix.empty()) std::memcpy(g_big + total, suffix.data(), suffix.size());
  return std::string_view(g_big, total + suffix.size());
}

void check_error(std::string_view s, ParseError expected) {
  const std::string_view head = s.substr(0, 80);  // keep failure logs short
  CAPTURE(head);
  CAPTURE(s.size());
  Parse p(s);
  CHECK(p.rc == -1);
  CHECK(p.err == expected);
}

constexpr std::string_view kScrape =
    "GET /metrics HTTP/1.1\r\n"
    "Host: 10.0.0.1:9100\r\n"
    "User-Agent: Prometheus/2.53.0\r\n"
    "Accept: application/openmetrics-text;version=1.0.0;q=0.5,"
    "application/openmetrics-text;version=0.0.1;q=0.4,"
    "text/plain;version=0.0.4;q=0.3,*/*;q=0.2\r\n"
    "Accept-Encoding: gzip\r\n"
    "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n"
    "\r\n";

constexpr std::string_view kPost =
    "POST /api/v1/records HTTP/1.1\r\n"
    "Host: localhost\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "{\"a\":1,\"b\":2}";

}  // namespace

TEST_SUITE("http.request_parser") {

TEST_CASE("minimal request") {
  Parse p("GET / HTTP/1.1\r\n\r\n");
  CHECK(p.rc == 18);
  CHECK(p.err == ParseError::None);
  CHECK(p.req.method == "GET");
  CHECK(p.req.target == "/");
  CHECK(p.req.minor_version == 1);
  CHECK(p.req.num_headers == 0);
}

TEST_CASE("Prometheus scrape: every view exact") {
  Parse p(kScrape);
  CHECK(p.rc == static_cast<int>(kScrape.size()));
  CHECK(p.req.method == "GET");
  CHECK(p.req.target == "/metrics");
  CHECK(p.req.minor_version == 1);
  CHECK(p.req.num_headers == 5);
  CHECK(p.name(0) == "Host");
  CHECK(p.value(0) == "10.0.0.1:9100");
  CHECK(p.name(1) == "User-Agent");
  CHECK(p.value(1) == "Prometheus/2.53.0");
  CHECK(p.name(2) == "Accept");
  CHECK(p.value(2) ==
        "application/openmetrics-text;version=1.0.0;q=0.5,"
        "application/openmetrics-text;version=0.0.1;q=0.4,"
        "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
  CHECK(p.name(3) == "Accept-Encoding");
  CHECK(p.value(3) == "gzip");
  CHECK(p.name(4) == "X-Prometheus-Scrape-Timeout-Seconds");
  CHECK(p.value(4) == "10");
  // Views point into the input, not into copies.
  CHECK(p.req.method.data() == kScrape.data());
  CHECK(p.value(4).data() == kScrape.data() + kScrape.find("10\r\n\r\n"));
}

TEST_CASE("consumed stops at the blank line; the body is never examined") {
  Parse p(kPost);
  CHECK(p.rc == static_cast<int>(kPost.find("{")));
  CHECK(p.req.method == "POST");
  CHECK(p.req.target == "/api/v1/records");

  // Hostile bytes after the head do not matter.
  constexpr std::string_view kHead = "PUT /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
  constexpr std::string_view kWithJunk =
      "PUT /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n\0\x01\r\x7f"sv;
  Parse q(kWithJunk);
  CHECK(q.rc == static_cast<int>(kHead.size()));
}

TEST_CASE("bare LF line ends are accepted, alone or mixed with CRLF") {
  Parse a("GET /a HTTP/1.0\nHost: x\n\n");
  CHECK(a.rc == 25);
  CHECK(a.req.minor_version == 0);
  CHECK(a.req.num_headers == 1);
  CHECK(a.value(0) == "x");

  Parse b("GET /b HTTP/1.1\r\nHost: x\nAccept: */*\r\n\n");
  CHECK(b.rc == 39);
  CHECK(b.req.num_headers == 2);
  CHECK(b.value(0) == "x");
  CHECK(b.value(1) == "*/*");

  Parse c("GET /c HTTP/1.1\n\r\n");
  CHECK(c.rc == 18);
}

TEST_CASE("one leading empty line is skipped and counted, two are not") {
  Parse a("\r\nGET / HTTP/1.1\r\n\r\n");
  CHECK(a.rc == 20);
  CHECK(a.req.method == "GET");
  Parse b("\nGET / HTTP/1.1\r\n\r\n");
  CHECK(b.rc == 19);
  check_error("\r\n\r\nGET / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("\n\nGET / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("\rGET / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  Parse d("\r");
  CHECK(d.rc == -2);
}

TEST_CASE("every prefix is incomplete and the whole parses identically") {
  constexpr std::string_view kCases[] = {
      kScrape,
      "GET / HTTP/1.1\r\n\r\n",
      "\r\nHEAD /health HTTP/1.0\nConnection: keep-alive\n\n",
      "OPTIONS * HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Tab:\t v \t\r\n\r\n",
      "GET /metrics?collect[]=cpu&collect%5B%5D=meminfo HTTP/1.1\r\n"
      "Host: h\r\nX-Obs: caf\xc3\xa9\r\n\r\n",
  };
  for (std::string_view full : kCases) {
    CAPTURE(full);
    Parse whole(full);
    CHECK(whole.rc == static_cast<int>(full.size()));

    size_t last_len = 0;
    for (size_t k = 0; k < full.size(); ++k) {
      CAPTURE(k);
      // Fresh parse of the prefix: incomplete, never an error.
      Parse fresh(full.substr(0, k));
      CHECK(fresh.rc == -2);
      CHECK(fresh.err == ParseError::Incomplete);
      // Incremental parse, the way a server feeds a byte-at-a-time client.
      Parse inc(full.substr(0, k), http::kMaxHeaders, last_len);
      CHECK(inc.rc == -2);
      // The header capacity survives an incomplete parse.
      CHECK(inc.req.num_headers == http::kMaxHeaders);
      last_len = k;
    }
    Parse last(full, http::kMaxHeaders, last_len);
    CHECK(last.rc == whole.rc);
    CHECK(last.req.method == whole.req.method);
    CHECK(last.req.target == whole.req.target);
    CHECK(last.req.minor_version == whole.req.minor_version);
    CHECK(last.req.num_headers == whole.req.num_headers);
    for (size_t i = 0; i < whole.req.num_headers; ++i) {
      CHECK(last.name(i) == whole.name(i));
      CHECK(last.value(i) == whole.value(i));
    }
  }
}

TEST_CASE("last_len: the seen prefix is not rescanned until the head completes") {
  // The first 10 bytes hold an error, but a caller that already got -2 for
  // them (it could not have, but this proves no rescan happens) only pays
  // for the new bytes: the verdict waits for the end of the head.
  constexpr std::string_view kBad = "GET /\x01 HTTP/1.1\r\nHost: a\r\n";
  Parse fresh(kBad);
  CHECK(fresh.rc == -1);
  CHECK(fresh.err == ParseError::BadRequest);
  Parse skipped(kBad, http::kMaxHeaders, 10);
  CHECK(skipped.rc == -2);
  CHECK(skipped.err == ParseError::Incomplete);

  // Once the end of the head arrives, the full parse gives the verdict.
  constexpr std::string_view kBadDone = "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n";
  Parse done(kBadDone, http::kMaxHeaders, kBad.size());
  CHECK(done.rc == -1);
  CHECK(done.err == ParseError::BadRequest);

  // A terminator split across calls, at every split, is found.
  constexpr std::string_view kOk = "GET / HTTP/1.1\r\nA: b\r\n\r\n";
  for (size_t k = 1; k < kOk.size(); ++k) {
    CAPTURE(k);
    Parse p(kOk, http::kMaxHeaders, k);
    CHECK(p.rc == static_cast<int>(kOk.size()));
  }
  // Same length as before: still incomplete.
  Parse same("GET / HTTP/1.1\r\n", http::kMaxHeaders, 16);
  CHECK(same.rc == -2);
  // A last_len larger than len (caller bug) falls back to a full parse.
  Parse bogus("GET / HTTP/1.1\r\n\r\n", http::kMaxHeaders, 999);
  CHECK(bogus.rc == 18);
}

TEST_CASE("slowloris at the cap: a byte-at-a-time head gets 431 at kMaxHeadBytes") {
  std::string_view s = build("GET / HTTP/1.1\r\nX-Slow: ", 'a', http::kMaxHeadBytes + 10);
  size_t last_len = 0;
  for (size_t k = 1; k < http::kMaxHeadBytes; ++k) {
    Parse p(s.substr(0, k), http::kMaxHeaders, last_len);
    if (p.rc != -2) {
      FAIL_CHECK("unexpected verdict at ", k);
      break;
    }
    last_len = k;
  }
  Parse at_cap(s.substr(0, http::kMaxHeadBytes), http::kMaxHeaders, last_len);
  CHECK(at_cap.rc == -1);
  CHECK(at_cap.err == ParseError::HeaderTooLarge);
}

TEST_CASE("pipelined requests: each parse returns its own length") {
  constexpr std::string_view kFirst = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
  constexpr std::string_view kSecond = "HEAD /health HTTP/1.1\nHost: b\n\n";
  constexpr std::string_view kBoth =
      "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nHEAD /health HTTP/1.1\nHost: b\n\n";
  Parse a(kBoth);
  CHECK(a.rc == static_cast<int>(kFirst.size()));
  CHECK(a.req.target == "/metrics");
  CHECK(a.req.num_headers == 1);
  CHECK(a.value(0) == "a");
  Parse b(kBoth.substr(static_cast<size_t>(a.rc)));
  CHECK(b.rc == static_cast<int>(kSecond.size()));
  CHECK(b.req.method == "HEAD");
  CHECK(b.req.target == "/health");
  // A partial second request does not disturb the first.
  Parse c(kBoth.substr(0, kFirst.size() + 7));
  CHECK(c.rc == static_cast<int>(kFirst.size()));
}

TEST_CASE("method: token of 1..16 bytes") {
  Parse m16("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n");
  CHECK(m16.rc == 31);
  CHECK(m16.req.method == "ABCDEFGHIJKLMNOP");
  check_error("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", ParseError::MethodTooLong);
  // Decided as soon as the 17th token byte arrives.
  check_error("ABCDEFGHIJKLMNOPQ", ParseError::MethodTooLong);
  Parse m16_partial("ABCDEFGHIJKLMNOP");
  CHECK(m16_partial.rc == -2);
  // A 17th byte that is no token byte is a plain 400.
  check_error("ABCDEFGHIJKLMNOP\x01 / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  // Methods are case-sensitive tokens; the router decides what it serves.
  Parse lower("get / HTTP/1.1\r\n\r\n");
  CHECK(lower.rc == 18);
  CHECK(lower.req.method == "get");
  Parse odd("M-SEARCH / HTTP/1.1\r\n\r\n");
  CHECK(odd.req.method == "M-SEARCH");

  check_error(" / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GE(T / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET\t/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET\r\n\r\n", ParseError::BadRequest);
  check_error("G\xc3\x89T / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
}

TEST_CASE("target: origin-form up to 2048 bytes, asterisk for OPTIONS only") {
  std::string_view t2048 = build("GET /", 'a', 4 + http::kMaxTargetBytes, " HTTP/1.1\r\n\r\n");
  Parse ok(t2048);
  CHECK(ok.rc == static_cast<int>(t2048.size()));
  CHECK(ok.req.target.size() == http::kMaxTargetBytes);

  std::string_view t2049 = build("GET /", 'a', 5 + http::kMaxTargetBytes, " HTTP/1.1\r\n\r\n");
  check_error(t2049, ParseError::UriTooLong);
  // Decided without waiting for the rest of the request line.
  check_error(t2049.substr(0, 5 + http::kMaxTargetBytes), ParseError::UriTooLong);
  Parse at_cap(t2049.substr(0, 4 + http::kMaxTargetBytes));
  CHECK(at_cap.rc == -2);

  Parse star("OPTIONS * HTTP/1.1\r\n\r\n");
  CHECK(star.rc == 22);
  CHECK(star.req.target == "*");
  check_error("GET * HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("OPTIONS *x HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("OPTIONS ** HTTP/1.1\r\n\r\n", ParseError::BadRequest);

  check_error("GET ftp://example.com/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("CONNECT example.com:443 HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET  / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET / \r\n\r\n", ParseError::BadRequest);
  check_error("GET /a b HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a\tb HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a\x7f HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a#frag HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a\r\n\r\n", ParseError::BadRequest);

  Parse chars("GET /m?collect[]=a&x=%20+~!$'()*,;:@ HTTP/1.1\r\n\r\n");
  CHECK(chars.req.target == "/m?collect[]=a&x=%20+~!$'()*,;:@");
  // Dot segments are not normalised (exact routing); they parse as given.
  Parse dots("GET /../etc/passwd HTTP/1.1\r\n\r\n");
  CHECK(dots.req.target == "/../etc/passwd");
}

TEST_CASE("version: exactly HTTP/1.0 or HTTP/1.1") {
  Parse v10("GET / HTTP/1.0\r\n\r\n");
  CHECK(v10.rc == 18);
  CHECK(v10.req.minor_version == 0);
  Parse v11("GET / HTTP/1.1\r\n\r\n");
  CHECK(v11.req.minor_version == 1);

  check_error("GET / HTTP/2.0\r\n\r\n", ParseError::BadVersion);
  check_error("GET / HTTP/1.2\r\n\r\n", ParseError::BadVersion);
  check_error("GET / HTTP/0.9\r\n\r\n", ParseError::BadVersion);
  check_error("GET / HTTP/3.0\r\n\r\n", ParseError::BadVersion);
  check_error("GET / HTTP/9.9\nA: b\n\n", ParseError::BadVersion);
  // The version is judged only once its line is complete.
  Parse v20_partial("GET / HTTP/2.0");
  CHECK(v20_partial.rc == -2);
  check_error("GET / HTTP/2.0x\r\n\r\n", ParseError::BadRequest);

  check_error("GET / HTTP/1.1 \r\n\r\n", ParseError::BadRequest);
  check_error("GET / http/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.10\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/11\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.x\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTPS/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\rX", ParseError::BadRequest);
  check_error("GET /\r\n\r\n", ParseError::BadRequest);   // HTTP/0.9 style
  check_error("GET / \r\n\r\n", ParseError::BadRequest);
}

TEST_CASE("header names: tokens right against the colon") {
  check_error("GET / HTTP/1.1\r\nHost : a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\n: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHo st: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHost/x: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nH\xc3\xa9: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\n Host: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", ParseError::BadRequest);

  Parse odd("GET / HTTP/1.1\r\nX-A.b_c~!#$%&'*+^`|: v\r\n\r\n");
  CHECK(odd.req.num_headers == 1);
  CHECK(odd.name(0) == "X-A.b_c~!#$%&'*+^`|");
  CHECK(odd.value(0) == "v");
}

TEST_CASE("obs-fold is rejected") {
  check_error("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\nX-A: one\n two\n\n", ParseError::BadRequest);
}

TEST_CASE("header values: OWS trimmed, obs-text kept, CTL rejected") {
  Parse p(
      "GET / HTTP/1.1\r\n"
      "Empty:\r\n"
      "Blank: \t \r\n"
      "Trim:  \t a  b \t\r\n"
      "Tab: a\tb\r\n"
      "Utf8: caf\xc3\xa9\r\n"
      "High: \x80\xff\r\n"
      "Colon: a:b: c\r\n"
      "\r\n");
  CHECK(p.rc > 0);
  CHECK(p.req.num_headers == 7);
  CHECK(p.value(0) == "");
  CHECK(p.value(1) == "");
  CHECK(p.value(2) == "a  b");
  CHECK(p.value(3) == "a\tb");
  CHECK(p.value(4) == "caf\xc3\xa9");
  CHECK(p.value(5) == "\x80\xff");
  CHECK(p.value(6) == "a:b: c");

  check_error("GET / HTTP/1.1\r\nX: a\x01 b\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX: a\r\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX: a\x1b[31m\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nX: a\r\n\rX", ParseError::BadRequest);
}

TEST_CASE("NUL and control bytes anywhere in the head are 400") {
  constexpr std::string_view kBase = "GET /x HTTP/1.1\r\nHost: ab\r\n\r\n";
  char buf[64];
  std::memcpy(buf, kBase.data(), kBase.size());
  for (int ctl = 0; ctl < 0x80; ++ctl) {
    const bool is_ctl = ctl < 0x20 || ctl == 0x7f;
    if (!is_ctl || ctl == '\t' || ctl == '\r' || ctl == '\n') continue;
    for (size_t i = 0; i < kBase.size(); ++i) {
      std::memcpy(buf, kBase.data(), kBase.size());
      buf[i] = static_cast<char>(ctl);
      Parse p(std::string_view(buf, kBase.size()));
      if (p.rc != -1 || p.err != ParseError::BadRequest) {
        FAIL_CHECK("ctl ", ctl, " at ", i, " gave rc ", p.rc);
      }
    }
  }
  // CR and LF are line ends only: inside a token or the target they are 400,
  // never a line break that shifts the grammar.
  check_error("G\rET / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET\r / HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET\n/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a\rb HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET /a\nb HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHost\r: a\r\n\r\n", ParseError::BadRequest);
  check_error("GET / HTTP/1.1\r\nHost\n: a\r\n\r\n", ParseError::BadRequest);
  // A NUL right after a complete head belongs to the body.
  Parse after("GET / HTTP/1.1\r\n\r\n\0"sv);
  CHECK(after.rc == 18);
  check_error("\0GET / HTTP/1.1\r\n\r\n"sv, ParseError::BadRequest);
  check_error("GET /\0 HTTP/1.1\r\n\r\n"sv, ParseError::BadRequest);
}

TEST_CASE("head size: exactly kMaxHeadBytes parses, one more is 431") {
  constexpr std::string_view kPrefix = "GET / HTTP/1.1\r\nX-Pad: ";
  // Head = prefix + pad + "\r\n\r\n" == kMaxHeadBytes.
  std::string_view at = build(kPrefix, 'p', http::kMaxHeadBytes - 4, "\r\n\r\n");
  CHECK(at.size() == http::kMaxHeadBytes);
  Parse ok(at);
  CHECK(ok.rc == static_cast<int>(http::kMaxHeadBytes));
  CHECK(ok.req.num_headers == 1);
  CHECK(ok.value(0).size() == http::kMaxHeadBytes - 4 - kPrefix.size());

  std::string_view over = build(kPrefix, 'p', http::kMaxHeadBytes - 3, "\r\n\r\n");
  check_error(over, ParseError::HeaderTooLarge);
  // With bare LF the same rule holds at the same byte.
  std::string_view over_lf = build(kPrefix, 'p', http::kMaxHeadBytes - 1, "\n\n");
  check_error(over_lf, ParseError::HeaderTooLarge);
  std::string_view at_lf = build(kPrefix, 'p', http::kMaxHeadBytes - 2, "\n\n");
  Parse ok_lf(at_lf);
  CHECK(ok_lf.rc == static_cast<int>(http::kMaxHeadBytes));

  // An unfinished head is -2 below the cap and 431 at it: a server with a
  // kMaxHeadBytes buffer always gets a verdict. (build() reuses g_big.)
  over = build(kPrefix, 'p', http::kMaxHeadBytes - 3, "\r\n\r\n");
  Parse below(over.substr(0, http::kMaxHeadBytes - 1));
  CHECK(below.rc == -2);
  check_error(over.substr(0, http::kMaxHeadBytes), ParseError::HeaderTooLarge);
  // And a valid head followed by more data is still fine past the cap.
  std::string_view at_plus = build(kPrefix, 'p', http::kMaxHeadBytes - 4, "\r\n\r\nBODYBODY");
  Parse ok2(at_plus);
  CHECK(ok2.rc == static_cast<int>(http::kMaxHeadBytes));
}

TEST_CASE("header count: capacity parses, one more is 431") {
  // 64 headers "H: v" need 64 * 6 bytes plus the request line: fits.
  char buf[1024];
  size_t n = 0;
  auto put = [&](std::string_view s) {
    std::memcpy(buf + n, s.data(), s.size());
    n += s.size();
  };
  put("GET / HTTP/1.1\r\n");
  for (size_t i = 0; i < http::kMaxHeaders; ++i) put("H: v\r\n");
  const size_t head64 = n + 2;
  put("\r\n");
  Parse ok(std::string_view(buf, n));
  CHECK(ok.rc == static_cast<int>(head64));
  CHECK(ok.req.num_headers == http::kMaxHeaders);

  n -= 2;
  put("H: v\r\n\r\n");
  check_error(std::string_view(buf, n), ParseError::TooManyHeaders);

  // The capacity passed in is the cap, whatever it is.
  Parse cap2("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", 2);
  CHECK(cap2.rc == 30);
  CHECK(cap2.req.num_headers == 2);
  Parse cap1("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", 1);
  CHECK(cap1.rc == -1);
  CHECK(cap1.err == ParseError::TooManyHeaders);
  Parse cap0("GET / HTTP/1.1\r\n\r\n", 0);
  CHECK(cap0.rc == 18);
  Parse cap0b("GET / HTTP/1.1\r\nA: 1\r\n\r\n", 0);
  CHECK(cap0b.err == ParseError::TooManyHeaders);
  // Decided at the first byte of the extra line.
  Parse early("GET / HTTP/1.1\r\nA: 1\r\nB", 1);
  CHECK(early.err == ParseError::TooManyHeaders);
  Parse end_ok("GET / HTTP/1.1\r\nA: 1\r\n\r", 1);
  CHECK(end_ok.rc == -2);
}

TEST_CASE("absurdly long everything") {
  const size_t big = sizeof(g_big);
  check_error(build("", 'A', big), ParseError::MethodTooLong);
  check_error(build("GET /", 'a', big), ParseError::UriTooLong);
  check_error(build("GET / HTTP/1.1\r\nX: ", 'v', big), ParseError::HeaderTooLarge);
  check_error(build("GET / HTTP/1.1\r\nX", 'n', big), ParseError::HeaderTooLarge);
  check_error(build("", '\0', big), ParseError::BadRequest);
  check_error(build("", '\n', big), ParseError::BadRequest);
  check_error(build("\r", '\n', big), ParseError::BadRequest);
  check_error(build("", ' ', big), ParseError::BadRequest);
  check_error(build("", '\xff', big), ParseError::BadRequest);
  // Many tiny headers: the array cap trips before the byte cap.
  char buf[8192];
  size_t n = 0;
  std::memcpy(buf, "GET / HTTP/1.1\r\n", 16);
  n = 16;
  while (n + 5 < sizeof(buf)) {
    std::memcpy(buf + n, "a:\r\n", 4);
    n += 4;
  }
  check_error(std::string_view(buf, n), ParseError::TooManyHeaders);
}

TEST_CASE("empty and tiny inputs") {
  Parse empty("");
  CHECK(empty.rc == -2);
  CHECK(empty.err == ParseError::Incomplete);
  Request req{};
  ParseError err = ParseError::BadRequest;
  CHECK(http::parse_request(nullptr, 0, 0, req, &err) == -2);
  CHECK(err == ParseError::Incomplete);
  // err may be null.
  Header h[1];
  req.headers = h;
  req.num_headers = 1;
  CHECK(http::parse_request("GET / HTTP/1.1\r\nA: b\r\n\r\n", 24, 0, req, nullptr) == 24);
  CHECK(req.num_headers == 1);
  CHECK(http::parse_request("GET", 3, 0, req, nullptr) == -2);
  CHECK(http::parse_request("\x01", 1, 0, req, nullptr) == -1);
}

TEST_CASE("error names and statuses") {
  CHECK(http::status_for(ParseError::None) == 0);
  CHECK(http::status_for(ParseError::Incomplete) == 0);
  CHECK(http::status_for(ParseError::BadRequest) == 400);
  CHECK(http::status_for(ParseError::MethodTooLong) == 501);
  CHECK(http::status_for(ParseError::UriTooLong) == 414);
  CHECK(http::status_for(ParseError::HeaderTooLarge) == 431);
  CHECK(http::status_for(ParseError::TooManyHeaders) == 431);
  CHECK(http::status_for(ParseError::BadVersion) == 505);
  CHECK(http::parse_error_name(ParseError::TooManyHeaders) == "too_many_headers");
  CHECK(http::parse_error_name(ParseError::BadVersion) == "bad_version");
}

TEST_CASE("find_header is case-insensitive and returns the first") {
  Parse p("GET / HTTP/1.1\r\nhOsT: one\r\nX-Dup: a\r\nx-dup: b\r\nEmpty:\r\n\r\n");
  CHECK(p.rc > 0);
  CHECK(http::find_header(p.req, "Host") == "one"sv);
  CHECK(http::find_header(p.req, "HOST") == "one"sv);
  CHECK(http::find_header(p.req, "x-DUP") == "a"sv);
  CHECK(http::find_header(p.req, "empty").has_value());
  CHECK(http::find_header(p.req, "empty")->empty());
  CHECK_FALSE(http::find_header(p.req, "Hos").has_value());
  CHECK_FALSE(http::find_header(p.req, "Hostx").has_value());
}

TEST_CASE("keep-alive: HTTP/1.1 default on, HTTP/1.0 default off") {
  auto ka = [](std::string_view s) {
    Parse p(s);
    CHECK(p.rc > 0);
    return http::wants_keep_alive(p.req);
  };
  CHECK(ka("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nConnection: ,, close ,\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nConnection: te\r\nConnection: close\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.1\r\nConnection: Upgrade\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n"));

  CHECK_FALSE(ka("GET / HTTP/1.0\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.0\r\nConnection: foo,\tkeep-alive\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.0\r\nConnection: foo\r\nConnection: keep-alive\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n"));
}

constexpr uint64_t kMax = 65536;

TEST_CASE("body framing: Content-Length strict, Transfer-Encoding flagged") {
  auto body = [](std::string_view headers, uint64_t max = kMax,
                 std::string_view version = "1.1") {
    char buf[512];
    size_t n = 0;
    auto put = [&](std::string_view s) {
      std::memcpy(buf + n, s.data(), s.size());
      n += s.size();
    };
    put("POST /x HTTP/");
    put(version);
    put("\r\n");
    put(headers);
    put("\r\n");
    Parse p(std::string_view(buf, n));
    CHECK(p.rc == static_cast<int>(n));
    return http::body_info(p.req, max);
  };
  auto kind = [&](std::string_view headers, uint64_t max = kMax) {
    return body(headers, max).kind;
  };

  CHECK(kind("Host: a\r\n") == BodyKind::None);
  CHECK(body("Host: a\r\n").length == 0);
  CHECK(kind("Content-Length: 0\r\n") == BodyKind::Length);
  CHECK(body("Content-Length: 0\r\n").length == 0);
  CHECK(body("Content-Length: 42\r\n").length == 42);
  CHECK(body("content-length:   42  \r\n").length == 42);
  CHECK(body("Content-Length: 007\r\n").length == 7);
  CHECK(body("Content-Length: 42\r\nContent-Length: 42\r\n").length == 42);
  CHECK(body("Content-Length: 42\r\nContent-Length: 0042\r\n").length == 42);
  CHECK(body("Content-Length: 0\r\nContent-Length: 000\r\n").kind == BodyKind::Length);

  CHECK(kind("Content-Length: 42\r\nContent-Length: 43\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 42\r\nContent-Length: 4\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 0\r\nContent-Length: 1\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 42\r\nContent-Length: x\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length:\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: +5\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: -1\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 5 5\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 5,5\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 5, 5\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 0x10\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 1e3\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 12\xc2\xb3\r\n") == BodyKind::Invalid);

  // The configurable max: at it is fine, one past is 413, and an absurd
  // number is 413 too, never a wrapped 64-bit value.
  CHECK(body("Content-Length: 65536\r\n").length == 65536);
  CHECK(kind("Content-Length: 65537\r\n") == BodyKind::TooLarge);
  CHECK(kind("Content-Length: 655360\r\n") == BodyKind::TooLarge);
  CHECK(kind("Content-Length: 99999999999999999999999999999999\r\n") == BodyKind::TooLarge);
  CHECK(kind("Content-Length: 99999999999999999999999999999999x\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 1\r\n", 0) == BodyKind::TooLarge);
  CHECK(kind("Content-Length: 0\r\n", 0) == BodyKind::Length);
  constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
  CHECK(body("Content-Length: 18446744073709551615\r\n", kU64Max).length == kU64Max);
  CHECK(kind("Content-Length: 18446744073709551616\r\n", kU64Max) == BodyKind::TooLarge);
  CHECK(kind("Content-Length: 184467440737095516150\r\n", kU64Max) == BodyKind::TooLarge);
  // Leading zeros do not count toward the size.
  CHECK(body("Content-Length: 0000000000000000000000000000065536\r\n").length == 65536);

  CHECK(kind("Transfer-Encoding: chunked\r\n") == BodyKind::Chunked);
  CHECK(kind("Transfer-Encoding: CHUNKED\r\n") == BodyKind::Chunked);
  CHECK(kind("Transfer-Encoding: gzip, chunked\r\n") == BodyKind::Chunked);
  CHECK(kind("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") == BodyKind::Chunked);
  CHECK(kind("Transfer-Encoding: chunked, gzip\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding: chunked, chunked\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding: gzip\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding:\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding: chunked\r\nTransfer-Encoding:\r\n") == BodyKind::Invalid);
  CHECK(kind("Transfer-Encoding: xchunked\r\n") == BodyKind::Invalid);
  // Smuggling: both framings present is never resolved, in either order.
  CHECK(kind("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") == BodyKind::Invalid);
  CHECK(kind("Content-Length: x\r\nTransfer-Encoding: chunked\r\n") == BodyKind::Invalid);
  // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing.
  CHECK(body("Transfer-Encoding: chunked\r\n", kMax, "1.0").kind == BodyKind::Invalid);
  CHECK(body("Content-Length: 3\r\n", kMax, "1.0").length == 3);
}


TEST_CASE("absolute-form targets: the path is extracted, the authority kept") {
  Parse a("GET http://10.0.0.1:9100/metrics?collect[]=cpu HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(a.rc > 0);
  CHECK(a.req.target == "/metrics?collect[]=cpu");
  CHECK(a.req.authority == "10.0.0.1:9100");
  Parse b("GET HTTPS://Edge.lan/health HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(b.rc > 0);
  CHECK(b.req.target == "/health");
  CHECK(b.req.authority == "Edge.lan");
  Parse root("GET http://[::1]:9100 HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(root.rc > 0);
  CHECK(root.req.target == "/");
  CHECK(root.req.target.data() == http::kRootPath);
  CHECK(root.req.authority == "[::1]:9100");
  Parse origin("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(origin.req.authority.empty());

  check_error("GET http:/x/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET http:// HTTP/1.1\r\n\r\n", ParseError::BadRequest);       // no authority
  check_error("GET http:///m HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET http://u:p@h/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);  // userinfo
  check_error("GET http://h?q HTTP/1.1\r\n\r\n", ParseError::BadRequest);     // query without a path
  check_error("GET http://h/a#f HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET httpx://h/ HTTP/1.1\r\n\r\n", ParseError::BadRequest);
  check_error("GET hello HTTP/1.1\r\n\r\n", ParseError::BadRequest);

  // The target cap counts the whole absolute-form target.
  std::string t(http::kMaxTargetBytes + 1, 'a');
  t.replace(0, 8, "http://h");
  t[8] = '/';
  check_error("GET " + t + " HTTP/1.1\r\n\r\n", ParseError::UriTooLong);

  // Byte at a time: incomplete until the head is, then the same result.
  constexpr std::string_view kFull = "GET https://h:1/p HTTP/1.1\r\nHost: h\r\n\r\n";
  for (size_t n = 1; n < kFull.size(); ++n) {
    CAPTURE(n);
    Parse part(kFull.substr(0, n));
    CHECK(part.rc == -2);
  }
  Parse full(kFull);
  CHECK(full.rc == static_cast<int>(kFull.size()));
  CHECK(full.req.target == "/p");
}

TEST_CASE("Host: exactly one in HTTP/1.1, at most one in 1.0 (RFC 9112 3.2)") {
  auto valid = [](std::string_view s) {
    Parse p(s);
    REQUIRE(p.rc > 0);
    return http::host_valid(p.req);
  };
  CHECK(valid("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(valid("GET / HTTP/1.1\r\nhOsT: [::1]:9100\r\n\r\n"));
  CHECK(valid("GET / HTTP/1.1\r\nHost:\r\n\r\n"));  // empty: allowed by the grammar
  CHECK_FALSE(valid("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nhost: b\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: a, b\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
  CHECK(valid("GET / HTTP/1.0\r\n\r\n"));
  CHECK(valid("GET / HTTP/1.0\r\nHost: a\r\n\r\n"));
  CHECK_FALSE(valid("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"));
  // Absolute-form still needs its Host.
  CHECK_FALSE(valid("GET http://h/ HTTP/1.1\r\n\r\n"));
}

}  // TEST_SUITE

TEST_SUITE("http.negotiate") {

TEST_CASE("content types are the exact exposition strings") {
  CHECK(http::kContentTypeText004 == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(http::kContentTypeOpenMetrics100 ==
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
  CHECK(http::content_type(Format::Text004) == http::kContentTypeText004);
  CHECK(http::content_type(Format::OpenMetrics100) == http::kContentTypeOpenMetrics100);
}

TEST_CASE("real Prometheus Accept headers") {
  // 2.x as quoted in the design brief.
  CHECK(http::negotiate_format(
            "application/openmetrics-text; version=1.0.0; charset=utf-8; q=0.5, "
            "text/plain; version=0.0.4; q=0.4, */*; q=0.1") == Format::OpenMetrics100);
  // 3.x default scrape_protocols.
  CHECK(http::negotiate_format(
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=0.0.1;q=0.5,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2") == Format::OpenMetrics100);
  // 3.x with native histograms: protobuf first, which we do not serve.
  CHECK(http::negotiate_format(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            "encoding=delimited;q=0.6,"
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
            "application/openmetrics-text;version=0.0.1;q=0.4,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
            "text/plain;version=0.0.4;q=0.2,*/*;q=0.1") == Format::OpenMetrics100);
  // 2.49+ default.
  CHECK(http::negotiate_format(
            "application/openmetrics-text;version=1.0.0;q=0.5,"
            "application/openmetrics-text;version=0.0.1;q=0.4,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2") == Format::OpenMetrics100);
  // 2.43-2.48.
  CHECK(http::negotiate_format(
            "application/openmetrics-text;version=1.0.0,"
            "application/openmetrics-text;version=0.0.1;q=0.75,"
            "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == Format::OpenMetrics100);
  // 2.5-2.42 ask for OpenMetrics 0.0.1 only: they get text.
  CHECK(http::negotiate_format(
            "application/openmetrics-text; version=0.0.1,"
            "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == Format::Text004);
  // 2.0-2.4 and scrape_protocols: [PrometheusText0.0.4].
  CHECK(http::negotiate_format("text/plain;version=0.0.4;q=1,*/*;q=0.1") == Format::Text004);
  CHECK(http::negotiate_format("text/plain;version=0.0.4;q=0.6,*/*;q=0.5") == Format::Text004);
  // scrape_protocols: [PrometheusText1.0.0, OpenMetricsText1.0.0]: text 1.0.0
  // is not ours, so OpenMetrics (0.5) beats text 0.0.4 via */* (0.4).
  CHECK(http::negotiate_format(
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
            "*/*;q=0.4") == Format::OpenMetrics100);
  // Only text 1.0.0 offered: nothing of ours matches, fall back to text.
  CHECK(http::negotiate_format("text/plain;version=1.0.0;escaping=allow-utf-8") ==
        Format::Text004);
}

TEST_CASE("non-Prometheus clients get text") {
  CHECK(http::negotiate_format("") == Format::Text004);
  CHECK(http::negotiate_format("*/*") == Format::Text004);
  CHECK(http::negotiate_format(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") ==
        Format::Text004);
  CHECK(http::negotiate_format("application/json") == Format::Text004);
  CHECK(http::negotiate_format("text/plain") == Format::Text004);
}

TEST_CASE("q-values and specificity") {
  CHECK(http::negotiate_format("application/openmetrics-text") == Format::OpenMetrics100);
  CHECK(http::negotiate_format("application/openmetrics-text;version=0.0.1") ==
        Format::Text004);
  CHECK(http::negotiate_format("application/*") == Format::OpenMetrics100);
  CHECK(http::negotiate_format("text/*;q=0.5, application/*;q=0.4") == Format::Text004);
  CHECK(http::negotiate_format("text/*;q=0.4, application/*;q=0.5") == Format::OpenMetrics100);
  // A tie goes to text.
  CHECK(http::negotiate_format("application/openmetrics-text, text/plain") == Format::Text004);
  CHECK(http::negotiate_format("application/openmetrics-text;q=0.5, text/plain;q=0.5") ==
        Format::Text004);
  CHECK(http::negotiate_format("application/openmetrics-text;q=0.501, text/plain;q=0.5") ==
        Format::OpenMetrics100);
  // q=0 means "not acceptable" and overrides a wildcard.
  CHECK(http::negotiate_format("application/openmetrics-text;q=0, */*") == Format::Text004);
  CHECK(http::negotiate_format("text/plain;q=0, */*") == Format::OpenMetrics100);
  // The most specific range wins even with a lower q (RFC 9110 §12.5.1).
  CHECK(http::negotiate_format(
            "application/openmetrics-text;version=1.0.0;q=0.1,"
            "application/openmetrics-text;q=0.9, text/plain;q=0.5") == Format::Text004);
  CHECK(http::negotiate_format("text/plain;version=0.0.4;q=0.1, */*;q=0.9") ==
        Format::OpenMetrics100);
  // Equally specific ranges: the highest q counts.
  CHECK(http::negotiate_format(
            "application/openmetrics-text;q=0.2, application/openmetrics-text;q=0.8,"
            "text/plain;q=0.5") == Format::OpenMetrics100);
  CHECK(http::negotiate_format("application/openmetrics-text;q=1.000, text/plain;q=0.999") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format("application/openmetrics-text;q=1., text/plain;q=0.") ==
        Format::OpenMetrics100);
}

TEST_CASE("parameters: case, quoting, charset, escaping") {
  CHECK(http::negotiate_format(
            "Application/OpenMetrics-Text;Version=1.0.0;Q=0.9,TEXT/PLAIN;q=0.5") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format(
            "application/openmetrics-text; version=\"1.0.0\"; charset=\"UTF-8\", "
            "text/plain;q=0.5") == Format::OpenMetrics100);
  CHECK(http::negotiate_format(
            "application/openmetrics-text; version=\"1.\\0.0\", text/plain;q=0.5") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format(
            "application/openmetrics-text;charset=iso-8859-1, text/plain;q=0.1") ==
        Format::Text004);
  CHECK(http::negotiate_format(
            "application/openmetrics-text;escaping=underscores;q=0.9,text/plain;q=0.8") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format(
            "application/openmetrics-text;foo=\"a,b;c\";q=0.9, text/plain;q=0.8") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format("application/openmetrics-text;;q=0.9 ; , text/plain;q=0.8") ==
        Format::OpenMetrics100);
  CHECK(http::negotiate_format(" , application/openmetrics-text ,, \t") ==
        Format::OpenMetrics100);
}

TEST_CASE("malformed Accept falls back to text") {
  constexpr std::string_view kMalformed[] = {
      "application/openmetrics-text;q=2",
      "application/openmetrics-text;q=1.001",
      "application/openmetrics-text;q=0.5000",
      "application/openmetrics-text;q=.5",
      "application/openmetrics-text;q=0,5",  // "5" is not a media range
      "application/openmetrics-text;q=\"0.5\"",
      "application/openmetrics-text;q=0.5;q=0.6",
      "application/openmetrics-text;q=",
      "application/openmetrics-text;version",
      "application/openmetrics-text;version =1.0.0",
      "application/openmetrics-text;version=\"1.0.0",
      "application/openmetrics-text;version=\"1.0.0\\",
      "application/openmetrics-text junk",
      "application/openmetrics-text/x",
      "application",
      "application/",
      "/openmetrics-text",
      "*/openmetrics-text",
      ";q=1",
      "application/openmetrics-text;\x01=1",
      "application/openmetrics-text;version=\"\x01\"",
  };
  for (std::string_view a : kMalformed) {
    CAPTURE(a);
    CHECK(http::negotiate_format(a) == Format::Text004);
  }
}

TEST_CASE("negotiation over the request's Accept headers") {
  Parse none("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(http::negotiate_format(none.req) == Format::Text004);

  Parse one(kScrape);
  CHECK(http::negotiate_format(one.req) == Format::OpenMetrics100);

  // Two Accept lines form one list.
  Parse two(
      "GET /metrics HTTP/1.1\r\nAccept: text/plain;q=0.5\r\n"
      "accept: application/openmetrics-text;q=0.6\r\n\r\n");
  CHECK(http::negotiate_format(two.req) == Format::OpenMetrics100);
  Parse two_b(
      "GET /metrics HTTP/1.1\r\nAccept: text/plain;q=0.7\r\n"
      "Accept: application/openmetrics-text;q=0.6\r\n\r\n");
  CHECK(http::negotiate_format(two_b.req) == Format::Text004);
  // One malformed line spoils the list.
  Parse bad(
      "GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n"
      "Accept: garbage\r\n\r\n");
  CHECK(http::negotiate_format(bad.req) == Format::Text004);
}

}  // TEST_SUITE
