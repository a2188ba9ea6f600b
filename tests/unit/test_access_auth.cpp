// Tests for src/http/access_auth.*: PBKDF2-SHA256 (RFC 7914 vector),
// passlib-compatible hash strings, Basic and Bearer checks, the per-user
// cache, the dummy run for unknown users, base64 edge cases.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "http/access_auth.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {
std::string b64(const std::string& s) {
  char out[1024];
  size_t n = base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), out, sizeof out, false);
  return std::string(out, n);
}
std::string basic(const std::string& user, const std::string& pw) { return "Basic " + b64(user + ":" + pw); }
std::string hash_of(const std::string& pw, uint32_t iters = kMinPbkdf2Iterations) {
  PasswordHash h;
  REQUIRE(make_password_hash(pw, iters, &h));
  char buf[256];
  size_t n = format_password_hash(h, buf, sizeof buf);
  REQUIRE(n > 0);
  return std::string(buf, n);
}
}  // namespace

TEST_SUITE("http.access.auth") {

TEST_CASE("PBKDF2-HMAC-SHA256 matches the RFC 7914 §11 test vector") {
  uint8_t out[32];
  const uint8_t salt[] = {'s', 'a', 'l', 't'};
  REQUIRE(pbkdf2_sha256("passwd", salt, 4, 1, out));
  const uint8_t want[] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
                          0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc};
  CHECK(std::memcmp(out, want, 32) == 0);
}

TEST_CASE("passlib's pbkdf2_sha256 hashes verify") {
  // passlib.hash.pbkdf2_sha256.using(rounds=1000, salt=b"0123456789abcdef").hash("secret")
  // computed independently with hashlib.pbkdf2_hmac and ab64-encoded.
  PasswordHash h;
  const char* why = "";
  const char* s = "$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$tiKWHy4FAGCWE8gn6GtKhaxD2OeeAUUWXFT/p1aaNl8";
  REQUIRE_MESSAGE(parse_password_hash(s, &h, &why), why);
  CHECK(h.iterations == 1000);
  CHECK(h.salt_len == 16);
  CHECK(std::memcmp(h.salt, "0123456789abcdef", 16) == 0);
  uint8_t dk[32];
  REQUIRE(pbkdf2_sha256("secret", h.salt, h.salt_len, h.iterations, dk));
  CHECK(std::memcmp(dk, h.dk, 32) == 0);
  char buf[200];
  size_t n = format_password_hash(h, buf, sizeof buf);
  CHECK(std::string(buf, n) == s);
}

TEST_CASE("hash strings: malformed ones are refused with a reason") {
  PasswordHash h;
  const char* why = "";
  std::string good = hash_of("pw");
  CHECK(parse_password_hash(good, &h, &why));
  for (std::string bad : {std::string(""), std::string("$2y$10$abcdefghijklmnopqrstuv"), std::string("pw"),
                          std::string("$pbkdf2-sha256$"), std::string("$pbkdf2-sha256$999$MDEyMzQ1Njc4OWFiY2RlZg$x"),
                          std::string("$pbkdf2-sha256$99999999$MDEyMzQ1Njc4OWFiY2RlZg$x"),
                          std::string("$pbkdf2-sha256$1000$!!$tiKWHy4FAGCWE8gn6GtKhaxD2OeeAUUWXFT/p1aaNl8"),
                          std::string("$pbkdf2-sha256$1000$MDEy$tiKWHy4FAGCWE8gn6GtKhaxD2OeeAUUWXFT/p1aaNl8"),
                          std::string("$pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$NRXlIFtx"),
                          good + "AA"}) {
    why = "";
    CHECK_MESSAGE(!parse_password_hash(bad, &h, &why), bad);
    CHECK(std::strlen(why) > 0);
  }
}

TEST_CASE("base64: standard and adapted, padding, canonical bits") {
  uint8_t out[16];
  CHECK(base64_decode("aGk=", out, sizeof out, false) == 2);
  CHECK(base64_decode("aGk", out, sizeof out, false) == 2);
  CHECK(base64_decode("aGk==", out, sizeof out, false) == -1);
  CHECK(base64_decode("aGl=", out, sizeof out, false) == -1);  // non-zero leftover bits
  CHECK(base64_decode("a", out, sizeof out, false) == -1);
  CHECK(base64_decode("a+8=", out, sizeof out, false) == 2);
  CHECK(base64_decode("a.", out, sizeof out, false) == -1);
  CHECK(base64_decode("a./A", out, sizeof out, true) == 3);
  CHECK(base64_decode("aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ", out, 8, false) == -1);  // does not fit
  CHECK(base64_decode("", out, sizeof out, false) == 0);
  CHECK(b64("user:pass") == "dXNlcjpwYXNz");
}

TEST_CASE("Basic: right password, wrong password, unknown user, malformed") {
  Authenticator a;
  const char* why = "";
  REQUIRE(a.add_user("alice:" + hash_of("correct horse"), &why));
  REQUIRE(a.add_user("bob:" + hash_of("battery staple"), &why));
  CHECK(a.has_admin());
  AuthNeed need;
  std::string_view user;
  CHECK(a.check(basic("alice", "correct horse"), need, &user) == AuthOutcome::Ok);
  CHECK(user == "alice");
  CHECK(a.check(basic("bob", "battery staple"), need) == AuthOutcome::Ok);
  CHECK(a.check(basic("alice", "battery staple"), need) == AuthOutcome::Invalid);
  CHECK(a.check(basic("mallory", "correct horse"), need) == AuthOutcome::Invalid);
  CHECK(a.check(basic("", ""), need) == AuthOutcome::Invalid);
  CHECK(a.check(basic(std::string(200, 'x'), "pw"), need) == AuthOutcome::Invalid);
  CHECK(a.check("basic " + b64("alice:correct horse"), need) == AuthOutcome::Ok);  // scheme is case-insensitive
  CHECK(a.check("Basic " + b64("alice"), need) == AuthOutcome::Invalid);             // no colon
  CHECK(a.check("Basic !!!", need) == AuthOutcome::Invalid);
  CHECK(a.check("Basic", need) == AuthOutcome::Invalid);
  CHECK(a.check("Basic " + std::string(2000, 'A'), need) == AuthOutcome::Invalid);
  CHECK(a.check("", need) == AuthOutcome::Missing);
  CHECK(a.check("Digest username=alice", need) == AuthOutcome::Invalid);
  // Passwords may contain colons (only the first separates the user).
  REQUIRE(a.add_user("carol:" + hash_of("a:b:c"), &why));
  CHECK(a.check(basic("carol", "a:b:c"), need) == AuthOutcome::Ok);
}

TEST_CASE("the cache: a good password pays PBKDF2 once; wrong ones and unknown users always pay") {
  Authenticator a;
  const char* why = "";
  REQUIRE(a.add_user("prom:" + hash_of("scrape-secret", 5000), &why));
  AuthNeed need;
  uint64_t r0 = a.pbkdf2_runs();
  CHECK(a.check(basic("prom", "scrape-secret"), need) == AuthOutcome::Ok);
  CHECK(a.pbkdf2_runs() == r0 + 1);
  for (int i = 0; i < 5; ++i) CHECK(a.check(basic("prom", "scrape-secret"), need) == AuthOutcome::Ok);
  CHECK(a.pbkdf2_runs() == r0 + 1);
  CHECK(a.check(basic("prom", "guess"), need) == AuthOutcome::Invalid);
  CHECK(a.pbkdf2_runs() == r0 + 2);
  CHECK(a.check(basic("nobody", "guess"), need) == AuthOutcome::Invalid);
  CHECK(a.pbkdf2_runs() == r0 + 3);  // the dummy hash runs for unknown users
  CHECK(a.check(basic("prom", "scrape-secret"), need) == AuthOutcome::Ok);
  CHECK(a.pbkdf2_runs() == r0 + 3);
}

TEST_CASE("Bearer: admin tokens, ingest tokens, hashed tokens") {
  Authenticator a;
  const char* why = "";
  REQUIRE(a.add_token("read-token-0123456789", false, &why));
  REQUIRE(a.add_token("ingest-token-0123456789", true, &why));
  // sha256("hashed-token-0123456789")
  uint8_t d[32];
  REQUIRE(sha256("hashed-token-0123456789", 23, d));
  std::string hex = "sha256:";
  for (uint8_t b : d) {
    static const char* k = "0123456789abcdef";
    hex += k[b >> 4];
    hex += k[b & 15];
  }
  REQUIRE(a.add_token(hex, false, &why));
  AuthNeed admin;  // admin only
  AuthNeed ingest;
  ingest.admin = true;
  ingest.ingest = true;
  AuthNeed ingest_only;
  ingest_only.admin = false;
  ingest_only.ingest = true;
  CHECK(a.check("Bearer read-token-0123456789", admin) == AuthOutcome::Ok);
  CHECK(a.check("bearer   read-token-0123456789", admin) == AuthOutcome::Ok);
  CHECK(a.check("Bearer hashed-token-0123456789", admin) == AuthOutcome::Ok);
  CHECK(a.check("Bearer ingest-token-0123456789", admin) == AuthOutcome::Invalid);  // not for reading
  CHECK(a.check("Bearer ingest-token-0123456789", ingest) == AuthOutcome::Ok);
  CHECK(a.check("Bearer read-token-0123456789", ingest) == AuthOutcome::Ok);
  CHECK(a.check("Bearer read-token-0123456789", ingest_only) == AuthOutcome::Invalid);
  CHECK(a.check("Bearer read-token-012345678", admin) == AuthOutcome::Invalid);
  CHECK(a.check("Bearer ", admin) == AuthOutcome::Invalid);
  CHECK(a.check("Bearer " + hex, admin) == AuthOutcome::Invalid);  // the hash is not the token
  for (const char* bad : {"short", "sha256:abcd", "sha256:zz00000000000000000000000000000000000000000000000000000000000000"}) {
    why = "";
    CHECK_MESSAGE(!a.add_token(bad, false, &why), bad);
    CHECK(std::strlen(why) > 0);
  }
}

TEST_CASE("users: bad entries") {
  Authenticator a;
  const char* why = "";
  CHECK_FALSE(a.add_user("alice", &why));
  CHECK_FALSE(a.add_user(":" + hash_of("x"), &why));
  CHECK_FALSE(a.add_user("alice:plaintext", &why));
  CHECK_FALSE(a.add_user(std::string(65, 'u') + ":" + hash_of("x"), &why));
  REQUIRE(a.add_user("alice:" + hash_of("x"), &why));
  CHECK_FALSE(a.add_user("alice:" + hash_of("y"), &why));
  CHECK(std::string(why).find("twice") != std::string::npos);
}

TEST_CASE("constant-time compare") {
  CHECK(ct_equal("abcd", "abcd", 4));
  CHECK_FALSE(ct_equal("abcd", "abce", 4));
  CHECK(ct_equal("", "", 0));
}

}  // TEST_SUITE
