// libFuzzer target for HTTP access control parsers: IP addresses and CIDR
// allowlist entries (src/http/access_cidr.hpp), password hashes, base64 and
// Authorization headers (src/http/access_auth.hpp), and the per-client rate
// limiter's table driven by a stream of (client, time) events
// (src/http/access_rate.hpp).
//
// Input: one selector byte, then the bytes (see the switch below). Seeds:
// tests/fuzz/corpus/access/.
//
// Invariants: a parsed CIDR has host bits clear and contains its own
// network; an IP formats and parses back to itself; base64 decoding stays
// within its buffer and re-encodes to an equivalent string; a password hash
// formats and parses back identically; an Authorization header is Ok only
// for the configured credentials; the rate limiter's table never tracks
// more clients than it has, and a refused request always says when to
// come back.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/access_auth.hpp"
#include "http/access_cidr.hpp"
#include "http/access_rate.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {

void cidr(std::string_view in) {
  IpAddr ip;
  if (parse_ip(in, &ip)) {
    char text[kIpTextBytes];
    size_t n = format_ip(ip, text, sizeof text);
    FUZZ_CHECK(n > 0 && n < sizeof text);
    IpAddr back;
    FUZZ_CHECK(parse_ip(std::string_view(text, n), &back) && back == ip);
  }
  Cidr c;
  const char* why = nullptr;
  if (parse_cidr(in, &c, &why)) {
    FUZZ_CHECK(c.bits <= 128);
    FUZZ_CHECK(c.contains(c.net));
    for (int bit = c.bits; bit < 128; ++bit) FUZZ_CHECK(((c.net.b[bit / 8] >> (7 - bit % 8)) & 1) == 0);
  } else {
    FUZZ_CHECK(why != nullptr && why[0] != '\0');
  }
  // A comma list into an allowlist, as [access] allow is applied.
  static CidrList list;
  list.clear();
  std::string_view rest = in;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    const char* w = nullptr;
    if (!list.add(entry, &w)) FUZZ_CHECK(w != nullptr);
    FUZZ_CHECK(list.size() <= CidrList::kMaxEntries);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  for (size_t i = 0; i < list.size(); ++i) FUZZ_CHECK(list.contains(list[i].net));
}

void base64(std::string_view in) {
  static uint8_t out[4096];
  static char enc[8192];
  for (bool ab64 : {false, true}) {
    long n = base64_decode(in, out, sizeof out, ab64);
    FUZZ_CHECK(n >= -1 && n <= static_cast<long>(sizeof out));
    if (n < 0) continue;
    FUZZ_CHECK(static_cast<size_t>(n) <= in.size());
    size_t e = base64_encode(out, static_cast<size_t>(n), enc, sizeof enc, ab64);
    FUZZ_CHECK(e <= sizeof enc);
    if (e > 0) {
      long m = base64_decode(std::string_view(enc, e), out + 2048, 2048, ab64);
      FUZZ_CHECK(m == n);
    }
    uint8_t tiny[2];
    long t = base64_decode(in, tiny, sizeof tiny, ab64);
    FUZZ_CHECK(t <= 2);
  }
}

void password_hash(std::string_view in) {
  PasswordHash h;
  const char* why = nullptr;
  if (!parse_password_hash(in, &h, &why)) {
    FUZZ_CHECK(why != nullptr);
    return;
  }
  FUZZ_CHECK(h.iterations >= kMinPbkdf2Iterations && h.iterations <= kMaxPbkdf2Iterations);
  FUZZ_CHECK(h.salt_len <= kMaxSaltBytes);
  char text[512];
  size_t n = format_password_hash(h, text, sizeof text);
  FUZZ_CHECK(n > 0 && n < sizeof text);
  PasswordHash back;
  FUZZ_CHECK(parse_password_hash(std::string_view(text, n), &back, &why));
  FUZZ_CHECK(back.iterations == h.iterations && back.salt_len == h.salt_len &&
             std::memcmp(back.salt, h.salt, h.salt_len) == 0 && std::memcmp(back.dk, h.dk, kDigestBytes) == 0);
}

// One user (password "fuzz-password", the minimum iterations so the target
// stays fast), one admin token and one ingest token.
Authenticator* authenticator() {
  static Authenticator a;
  static bool ready = false;
  if (!ready) {
    ready = true;
    PasswordHash h;
    h.iterations = kMinPbkdf2Iterations;
    h.salt_len = 8;
    std::memcpy(h.salt, "saltsalt", 8);
    FUZZ_CHECK(pbkdf2_sha256("fuzz-password", h.salt, h.salt_len, h.iterations, h.dk));
    char entry[256] = "admin:";
    size_t n = format_password_hash(h, entry + 6, sizeof entry - 6);
    FUZZ_CHECK(n > 0);
    const char* why = nullptr;
    FUZZ_CHECK(a.add_user(std::string_view(entry, 6 + n), &why));
    FUZZ_CHECK(a.add_token("0123456789abcdef-admin", false, &why));
    FUZZ_CHECK(a.add_token("0123456789abcdef-ingest", true, &why));
  }
  return &a;
}

void authorization(std::string_view header) {
  Authenticator* a = authenticator();
  std::string_view user;
  // PBKDF2 costs ~1 ms here; check Basic credentials only on short inputs.
  if (header.size() > 600) return;
  AuthOutcome o = a->check(header, AuthNeed{true, false}, &user);
  if (o == AuthOutcome::Ok) {
    // The scheme is case-insensitive (RFC 7235); the token is not.
    std::string_view tok = "0123456789abcdef-admin";
    FUZZ_CHECK(user == "admin" ||
               header.find(tok) != std::string_view::npos);
  }
  AuthOutcome i = a->check(header, AuthNeed{false, true}, nullptr);
  if (i == AuthOutcome::Ok) FUZZ_CHECK(header.find("0123456789abcdef-ingest") != std::string_view::npos);
  // Config entries: tokens and users are refused or accepted, never crash.
  static Authenticator scratch;
  const char* why = nullptr;
  (void)scratch.add_token(header, header.size() & 1, &why);
  if (header.find("$pbkdf2-sha256$") != std::string_view::npos) {
    PasswordHash h;
    if (parse_password_hash(header.substr(header.find('$')), &h, &why) && h.iterations <= 2000)
      (void)scratch.add_user(header, &why);
  }
}

void rate_limiter(std::string_view in) {
  // Each event: 1 byte client (low bits pick among few, so they collide),
  // 1 byte time step. Header: table size 1..8, rate, burst.
  if (in.size() < 3) return;
  static RateLimiter rl;
  static bool ready = false;
  if (!ready) {
    ready = true;
    FUZZ_CHECK(rl.init(8, 1, 1));
  }
  double rate = (static_cast<uint8_t>(in[1]) % 20) / 2.0;
  double burst = static_cast<uint8_t>(in[2]) % 10;
  rl.set_rate(rate, burst);
  uint64_t now = 1000;
  in.remove_prefix(3);
  static uint32_t epoch = 0;  // a fresh key space per input: state carries over otherwise
  ++epoch;
  for (size_t i = 0; i + 1 < in.size(); i += 2) {
    IpAddr ip;
    uint8_t c = static_cast<uint8_t>(in[i]);
    if (c & 0x80) {
      ip.b[0] = 0x20;
      ip.b[1] = 0x01;
      ip.b[7] = c & 0x0f;
      ip.b[15] = c;  // the same /64 for different low bits
    } else {
      ip.b[10] = ip.b[11] = 0xff;
      ip.b[12] = 10;
      ip.b[13] = static_cast<uint8_t>(epoch);
      ip.b[14] = static_cast<uint8_t>(epoch >> 8);
      ip.b[15] = c & 0x1f;
    }
    now += static_cast<uint8_t>(in[i + 1]) * 37u;
    uint32_t retry = 0;
    bool ok = rl.allow(ip, now, &retry);
    if (!ok && rl.enabled()) FUZZ_CHECK(retry >= 1);
    FUZZ_CHECK(rl.tracked() <= 8);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: cidr(in); break;
    case 1: base64(in); break;
    case 2: password_hash(in); break;
    case 3: authorization(in); break;
    case 4: rate_limiter(std::string_view(reinterpret_cast<const char*>(data), size)); break;
  }
  return 0;
}
