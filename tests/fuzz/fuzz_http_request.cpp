// libFuzzer target for the HTTP request head parser and the helpers that
// run on what it returns (query decoding, Accept negotiation, body framing).
//
// Build and run (see tests/fuzz/corpus/http_request/ for seeds):
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/fuzz_http_request.cpp src/http/request_parser.cpp \
//     src/http/query.cpp src/http/negotiate.cpp -o fuzz_http_request
//   ./fuzz_http_request -max_total_time=60 corpus-copy/ tests/fuzz/corpus/http_request/
//
// The input is the raw bytes a client sent. Split points for the
// incremental checks are derived from the input itself, so every seed is a
// plain HTTP request and every crash reproduces from its file alone.
//
// Invariants checked:
// - Result shape: rc is -2 (err Incomplete, len < kMaxHeadBytes), -1 (err a
//   real error) or 0 < rc <= min(len, kMaxHeadBytes) ending in LF.
// - Every view lies inside the consumed head; names are tokens; values have
//   no CR/LF and no surrounding OWS; minor_version is 0 or 1.
// - Determinism: the same input parses to the same result.
// - Prefix consistency: a verdict on a prefix (success or error) is the
//   verdict on the whole; after -2 on a prefix, the last_len fast path gives
//   -2 or exactly the full-parse result, and always the result once the head
//   is complete.
// - Header capacity: a smaller array gives the same result or TooManyHeaders.
// - Helpers: body length within max, query pieces tile the target, decoding
//   never grows, validate_query agrees with percent_decode.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/ascii.hpp"
#include "http/negotiate.hpp"
#include "http/query.hpp"
#include "http/request_parser.hpp"

namespace http = edgestat::http;

#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,      \
                   __LINE__, #cond);                                       \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

namespace {

// A parse of a private, exactly-sized heap copy of the input prefix, so ASan
// reports any read past len even when the prefix is shorter than the input.
struct Result {
  int rc = 0;
  http::ParseError err = http::ParseError::None;
  http::Header headers[http::kMaxHeaders];
  http::Request req;
  char* base = nullptr;

  Result() = default;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { std::free(base); }
};

void parse(const uint8_t* data, size_t len, size_t last_len, size_t capacity,
           Result& r) {
  std::free(r.base);
  r.base = static_cast<char*>(std::malloc(len == 0 ? 1 : len));
  FUZZ_CHECK(r.base != nullptr);
  if (len != 0) std::memcpy(r.base, data, len);
  r.req = http::Request{};
  r.req.headers = r.headers;
  r.req.num_headers = capacity;
  r.rc = http::parse_request(r.base, len, last_len, r.req, &r.err);
}

bool inside(std::string_view v, const char* base, size_t n) {
  return v.data() >= base && v.data() + v.size() <= base + n;
}

size_t offset(std::string_view v, const char* base) {
  return static_cast<size_t>(v.data() - base);
}

bool is_tchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') ||
         (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

void check_shape(const Result& r, size_t len, size_t capacity) {
  if (r.rc == -2) {
    FUZZ_CHECK(r.err == http::ParseError::Incomplete);
    FUZZ_CHECK(len < http::kMaxHeadBytes);
    FUZZ_CHECK(r.req.num_headers == capacity);  // untouched on -2
    return;
  }
  if (r.rc == -1) {
    FUZZ_CHECK(r.err != http::ParseError::None &&
               r.err != http::ParseError::Incomplete);
    FUZZ_CHECK(http::status_for(r.err) >= 400);
    FUZZ_CHECK(r.req.num_headers == capacity);
    return;
  }
  FUZZ_CHECK(r.rc > 0);
  const size_t n = static_cast<size_t>(r.rc);
  FUZZ_CHECK(r.err == http::ParseError::None);
  FUZZ_CHECK(n <= len && n <= http::kMaxHeadBytes);
  FUZZ_CHECK(r.base[n - 1] == '\n');
  FUZZ_CHECK(!r.req.method.empty() && inside(r.req.method, r.base, n));
  FUZZ_CHECK(r.req.method.size() <= http::kMaxMethodBytes);
  const bool root = r.req.target.data() == http::kRootPath;  // "http://h": "/"
  FUZZ_CHECK(!r.req.target.empty() && (root || inside(r.req.target, r.base, n)));
  FUZZ_CHECK(root == false || !r.req.authority.empty());
  FUZZ_CHECK(r.req.authority.empty() || inside(r.req.authority, r.base, n));
  FUZZ_CHECK(r.req.target.size() <= http::kMaxTargetBytes);
  FUZZ_CHECK(r.req.target[0] == '/' || r.req.target == "*");
  FUZZ_CHECK(r.req.minor_version == 0 || r.req.minor_version == 1);
  FUZZ_CHECK(r.req.num_headers <= capacity);
  for (char c : r.req.method) FUZZ_CHECK(is_tchar(c));
  for (char c : r.req.target) FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '#');
  for (size_t i = 0; i < r.req.num_headers; ++i) {
    const http::Header& h = r.req.headers[i];
    FUZZ_CHECK(!h.name.empty() && inside(h.name, r.base, n));
    FUZZ_CHECK(inside(h.value, r.base, n) || h.value.empty());
    for (char c : h.name) FUZZ_CHECK(is_tchar(c));
    for (char c : h.value) {
      const unsigned char u = static_cast<unsigned char>(c);
      FUZZ_CHECK(u == '\t' || (u >= 0x20 && u != 0x7f));
    }
    if (!h.value.empty()) {
      FUZZ_CHECK(h.value.front() != ' ' && h.value.front() != '\t');
      FUZZ_CHECK(h.value.back() != ' ' && h.value.back() != '\t');
    }
  }
}

// Same verdict and, on success, the same views at the same offsets.
bool same(const Result& a, const Result& b) {
  if (a.rc != b.rc || a.err != b.err) return false;
  if (a.rc < 0) return true;
  if (offset(a.req.method, a.base) != offset(b.req.method, b.base) ||
      a.req.method != b.req.method || a.req.target != b.req.target ||
      (a.req.target.data() != http::kRootPath &&
       offset(a.req.target, a.base) != offset(b.req.target, b.base)) ||
      a.req.authority != b.req.authority ||
      a.req.minor_version != b.req.minor_version ||
      a.req.num_headers != b.req.num_headers) {
    return false;
  }
  for (size_t i = 0; i < a.req.num_headers; ++i) {
    const http::Header& x = a.req.headers[i];
    const http::Header& y = b.req.headers[i];
    if (x.name != y.name || x.value != y.value ||
        offset(x.name, a.base) != offset(y.name, b.base)) {
      return false;
    }
    if (!x.value.empty() && offset(x.value, a.base) != offset(y.value, b.base)) {
      return false;
    }
  }
  return true;
}

void check_query_helpers(std::string_view target) {
  const http::TargetParts parts = http::split_target(target);
  FUZZ_CHECK(parts.path.size() + (parts.has_query ? 1 + parts.query.size() : 0) ==
             target.size());
  FUZZ_CHECK(parts.path.data() == target.data());

  char out[http::kMaxTargetBytes + 64];
  const size_t cap = target.size() < sizeof(out) ? target.size() : sizeof(out);
  for (bool plus : {false, true}) {
    http::QueryError err = http::QueryError::None;
    auto d = http::percent_decode(target.substr(0, cap), plus, out, cap, &err);
    FUZZ_CHECK(err != http::QueryError::NoSpace);
    FUZZ_CHECK(d.has_value() == (err == http::QueryError::None));
    FUZZ_CHECK(d.has_value() ==
               (http::validate_query(target.substr(0, cap)) == http::QueryError::None));
    if (d) {
      FUZZ_CHECK(d->size() <= cap);
      FUZZ_CHECK(std::memchr(d->data(), 0, d->size()) == nullptr);
      if (plus) FUZZ_CHECK(http::decoded_equals(target.substr(0, cap), *d));
    }
  }

  size_t pairs_bytes = 0;
  size_t pairs = 0;
  http::QueryIterator it(parts.query);
  http::QueryParam p;
  while (it.next(p)) {
    FUZZ_CHECK(!p.key.empty() || p.has_value);
    FUZZ_CHECK(p.key.find('&') == std::string_view::npos);
    FUZZ_CHECK(p.key.find('=') == std::string_view::npos);
    FUZZ_CHECK(p.has_value || p.value.empty());
    pairs_bytes += p.key.size() + p.value.size() + (p.has_value ? 1 : 0);
    ++pairs;
  }
  FUZZ_CHECK(pairs_bytes + (pairs > 0 ? pairs - 1 : 0) <= parts.query.size());

  std::string_view values[4];
  char storage[http::kMaxTargetBytes];
  for (std::string_view key : {std::string_view("collect[]"), std::string_view("exclude[]")}) {
    size_t count = 4;
    const http::QueryError e =
        http::collect_values(parts.query, key, values, &count, storage, sizeof(storage));
    if (e != http::QueryError::None) {
      FUZZ_CHECK(count == 0);
      FUZZ_CHECK(e != http::QueryError::NoSpace);  // storage >= query size
      continue;
    }
    FUZZ_CHECK(count <= 4);
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
      FUZZ_CHECK(values[i].empty() ||
                 (values[i].data() >= storage &&
                  values[i].data() + values[i].size() <= storage + sizeof(storage)));
      total += values[i].size();
    }
    FUZZ_CHECK(total <= parts.query.size());
  }
}

void check_request_helpers(const http::Request& req) {
  (void)http::find_header(req, "host");
  (void)http::wants_keep_alive(req);
  for (uint64_t max : {uint64_t{0}, uint64_t{1} << 20, ~uint64_t{0}}) {
    const http::BodyInfo b = http::body_info(req, max);
    if (b.kind == http::BodyKind::Length) FUZZ_CHECK(b.length <= max);
    if (b.kind != http::BodyKind::Length) FUZZ_CHECK(b.length == 0);
  }
  const http::Format f = http::negotiate_format(req);
  FUZZ_CHECK(f == http::Format::Text004 || f == http::Format::OpenMetrics100);
  // With exactly one Accept header the two overloads must agree.
  size_t accepts = 0;
  std::string_view accept;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (edgestat::iequals(req.headers[i].name, "accept")) {
      ++accepts;
      accept = req.headers[i].value;
    }
  }
  if (accepts == 1) FUZZ_CHECK(http::negotiate_format(accept) == f);
  check_query_helpers(req.target);
}

// Scratch results; the fuzzer is single-threaded.
Result g_whole;
Result g_other;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  // Helpers straight on the raw bytes, for coverage when the head is junk.
  (void)http::negotiate_format(raw);
  FUZZ_CHECK(http::negotiate_format(raw) == http::negotiate_format(raw));
  check_query_helpers(raw.substr(0, http::kMaxTargetBytes));

  Result& whole = g_whole;
  parse(data, size, 0, http::kMaxHeaders, whole);
  check_shape(whole, size, http::kMaxHeaders);

  // Determinism.
  Result& again = g_other;
  parse(data, size, 0, http::kMaxHeaders, again);
  FUZZ_CHECK(same(whole, again));

  if (whole.rc >= 0) check_request_helpers(whole.req);

  // A smaller header array: same answer, or TooManyHeaders.
  {
    Result& small = g_other;
    parse(data, size, 0, 3, small);
    check_shape(small, size, 3);
    if (small.rc >= 0) {
      FUZZ_CHECK(same(small, whole));
    } else if (whole.rc >= 0) {
      FUZZ_CHECK(whole.req.num_headers > 3);
      FUZZ_CHECK(small.rc == -1 && small.err == http::ParseError::TooManyHeaders);
    }
  }

  if (size < 2) return 0;
  // Split points: fixed ones plus one chosen by a hash of the input.
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
  const size_t splits[] = {1, size / 3, size / 2, size - 1, 1 + h % (size - 1)};
  for (size_t k : splits) {
    if (k == 0 || k >= size) continue;
    Result& prefix = g_other;
    parse(data, k, 0, http::kMaxHeaders, prefix);
    check_shape(prefix, k, http::kMaxHeaders);
    if (prefix.rc != -2) {
      // A verdict on a prefix is final.
      FUZZ_CHECK(same(prefix, whole));
      continue;
    }
    Result& inc = g_other;
    parse(data, size, k, http::kMaxHeaders, inc);
    check_shape(inc, size, http::kMaxHeaders);
    FUZZ_CHECK(inc.rc == -2 || same(inc, whole));
    if (whole.rc >= 0 || whole.rc == -2) FUZZ_CHECK(same(inc, whole));
  }

  // A short byte-at-a-time run through the fast path over the first bytes.
  {
    size_t last = 0;
    const size_t stop = size < 64 ? size : 64;
    for (size_t k = 1; k <= stop; ++k) {
      Result& step = g_other;
      parse(data, k, last, http::kMaxHeaders, step);
      check_shape(step, k, http::kMaxHeaders);
      if (step.rc != -2) {
        // The chain can only end early with the full-parse verdict for k.
        Result& fresh = g_whole;  // whole is no longer needed past here
        parse(data, k, 0, http::kMaxHeaders, fresh);
        FUZZ_CHECK(same(step, fresh));
        break;
      }
      last = k;
    }
  }
  return 0;
}
