// Tests for src/http/access_policy.*: the order rate limit -> Host -> auth,
// public and ingest paths, 401 headers, security headers per response,
// config errors that never echo secrets.
#include <doctest/doctest.h>

#include <string>

#include "config/load.hpp"
#include "http/access_policy.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {

struct Fixture {
  Config c;
  ConfigErrors e;
  Fixture() {
    ConfigLoader l(c, e, {});
    l.apply_defaults();
    REQUIRE(e.empty());
  }
};

struct Req {
  Header h[8];
  Request r;
  explicit Req(std::initializer_list<std::pair<const char*, const char*>> hs) {
    size_t n = 0;
    for (auto& kv : hs) h[n++] = {kv.first, kv.second};
    r.method = "GET";
    r.target = "/";
    r.headers = h;
    r.num_headers = n;
  }
};

std::string b64(const std::string& s) {
  char out[512];
  return std::string(out, base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), out, sizeof out, false));
}

std::string user_entry(const char* name, const char* pw) {
  PasswordHash h;
  REQUIRE(make_password_hash(pw, kMinPbkdf2Iterations, &h));
  char buf[256];
  return std::string(name) + ":" + std::string(buf, format_password_hash(h, buf, sizeof buf));
}

IpAddr ip(const char* s) {
  IpAddr a;
  REQUIRE(parse_ip(s, &a));
  return a;
}

}  // namespace

TEST_SUITE("http.access.policy") {

TEST_CASE("defaults: LAN allowed, no auth, no rate limit, headers on") {
  Fixture f;
  AccessPolicy p;
  REQUIRE(p.init(f.c));
  REQUIRE(p.configure(f.c, f.e));
  CHECK(p.peer_allowed(ip("192.168.1.5")));
  CHECK_FALSE(p.peer_allowed(ip("8.8.8.8")));
  CHECK_FALSE(p.auth_enabled());
  char hdr[kAccessHeaderBytes];
  Req q({{"Host", "x"}});
  for (int i = 0; i < 100; ++i) CHECK(p.check_request(ip("10.0.0.1"), q.r, "/metrics", 0, hdr, sizeof hdr).status == 0);
  char sec[kSecurityHeaderBytes];
  std::string s(sec, p.security_headers("text/plain; version=0.0.4", false, sec, sizeof sec));
  CHECK(s.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
  CHECK(s.find("X-Frame-Options: DENY\r\n") != std::string::npos);
  CHECK(s.find("Referrer-Policy: no-referrer\r\n") != std::string::npos);
  CHECK(s.find("Cache-Control: no-store\r\n") != std::string::npos);
  CHECK(s.find("sandbox") != std::string::npos);
  CHECK(s.find("Strict-Transport-Security") == std::string::npos);
  std::string html(sec, p.security_headers("text/html; charset=utf-8", true, sec, sizeof sec));
  CHECK(html.find("form-action 'none'") != std::string::npos);
  CHECK(html.find("sandbox") == std::string::npos);
  CHECK(html.find("Strict-Transport-Security") == std::string::npos);  // hsts_max_age = 0
}

TEST_CASE("per-client connection caps: a quarter of the pool by default, the key when set") {
  Fixture f;
  PerClientCaps d = per_client_caps(f.c);  // [web] 64, [tls] 16
  CHECK(d.connections == 16);
  CHECK(d.tls == 4);
  f.c.web.max_connections = 4;
  f.c.tls.max_connections = 1;
  d = per_client_caps(f.c);
  CHECK(d.connections == 2);  // never below 2
  CHECK(d.tls == 2);
  f.c.web.max_connections = 64;
  f.c.tls.max_connections = 16;
  f.c.access.max_connections_per_client = 8;
  d = per_client_caps(f.c);
  CHECK(d.connections == 8);
  CHECK(d.tls == 8);
  f.c.access.max_connections_per_client = 40;
  CHECK(per_client_caps(f.c).tls == 16);  // never more than the TLS pool
  AccessPolicy p;
  REQUIRE(p.configure(f.c, f.e));
  CHECK(p.max_connections_per_client() == 40);
  CHECK(p.tls_connections_per_client() == 16);
}

TEST_CASE("HSTS only over HTTPS and only when configured; headers can be turned off") {
  Fixture f;
  f.c.tls.hsts_max_age_ms = 31536000ull * 1000;
  f.c.access.security_headers = false;
  AccessPolicy p;
  REQUIRE(p.configure(f.c, f.e));
  char sec[kSecurityHeaderBytes];
  CHECK(p.security_headers("application/json", false, sec, sizeof sec) == 0);
  std::string s(sec, p.security_headers("application/json", true, sec, sizeof sec));
  CHECK(s == "Strict-Transport-Security: max-age=31536000\r\n");
}

TEST_CASE("rate limit first, then Host, then credentials; public paths skip only credentials") {
  Fixture f;
  f.c.access.rate_limit = 1;
  f.c.access.rate_limit_burst = 3;
  f.c.access.trusted_hosts.clear();
  f.c.access.trusted_hosts.push_back(ConfigString("edge.lan"));
  f.c.auth.users.push_back(ConfigString(user_entry("prom", "pw")));
  AccessPolicy p;
  REQUIRE(p.init(f.c));
  REQUIRE_MESSAGE(p.configure(f.c, f.e), (f.e.items.empty() ? "" : f.e.items[0].c_str()));
  char hdr[kAccessHeaderBytes];
  IpAddr a = ip("10.0.0.1");
  std::string good = "Basic " + b64("prom:pw");
  Req ok({{"Host", "edge.lan:9100"}, {"Authorization", good.c_str()}});
  CHECK(p.check_request(a, ok.r, "/metrics", 0, hdr, sizeof hdr).status == 0);
  Req nohost({{"Authorization", good.c_str()}});
  AccessVerdict v = p.check_request(a, nohost.r, "/metrics", 0, hdr, sizeof hdr);
  CHECK(v.status == 400);
  Req noauth({{"Host", "EDGE.LAN."}});
  v = p.check_request(a, noauth.r, "/metrics", 0, hdr, sizeof hdr);
  CHECK(v.status == 401);
  CHECK(std::string(v.extra_headers) == "WWW-Authenticate: Basic realm=\"edgestat\", charset=\"UTF-8\"\r\n");
  v = p.check_request(a, noauth.r, "/health/live", 0, hdr, sizeof hdr);
  CHECK(v.status == 429);  // the bucket (3) is empty now: rate limit comes first
  CHECK(std::string(v.extra_headers) == "Retry-After: 1\r\n");
  v = p.check_request(a, noauth.r, "/health/live", 1000, hdr, sizeof hdr);
  CHECK(v.status == 0);  // public path, no credentials needed
  Req evil({{"Host", "evil.example"}});
  v = p.check_request(ip("10.0.0.2"), evil.r, "/health/live", 0, hdr, sizeof hdr);
  CHECK(v.status == 400);  // Host applies to public paths too (DNS rebinding)
  Req two({{"Host", "edge.lan"}, {"Host", "edge.lan"}});
  CHECK(p.check_request(ip("10.0.0.3"), two.r, "/health/live", 0, hdr, sizeof hdr).status == 400);
  CHECK(p.stats().refused[static_cast<size_t>(Refusal::RateLimit)] == 1);
  CHECK(p.stats().refused[static_cast<size_t>(Refusal::Host)] == 3);
  CHECK(p.stats().refused[static_cast<size_t>(Refusal::AuthMissing)] == 1);
}

TEST_CASE("ingest tokens open ingest paths only; read credentials open everything") {
  Fixture f;
  f.c.auth.tokens.push_back(ConfigString("read-token-0123456789"));
  f.c.auth.ingest_tokens.push_back(ConfigString("ingest-token-0123456789"));
  AccessPolicy p;
  REQUIRE(p.init(f.c));
  REQUIRE(p.configure(f.c, f.e));
  char hdr[kAccessHeaderBytes];
  IpAddr a = ip("10.0.0.1");
  Req ing({{"Authorization", "Bearer ingest-token-0123456789"}});
  Req rd({{"Authorization", "Bearer read-token-0123456789"}});
  Req none({});
  ing.r.method = "POST";
  CHECK(p.check_request(a, ing.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 0);
  CHECK(p.check_request(a, ing.r, "/api/v1/operations/x", 0, hdr, sizeof hdr).status == 401);  // exact, no slash
  CHECK(p.check_request(a, ing.r, "/metrics", 0, hdr, sizeof hdr).status == 401);
  // Reading with an ingest token: refused, even on the ingest path itself.
  for (const char* m : {"GET", "HEAD"}) {
    ing.r.method = m;
    CHECK(p.check_request(a, ing.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 401);
    CHECK(p.check_request(a, ing.r, "/api/v1/snapshot", 0, hdr, sizeof hdr).status == 401);
    CHECK(p.check_request(a, ing.r, "/metrics", 0, hdr, sizeof hdr).status == 401);
  }
  CHECK(p.check_request(a, rd.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 0);
  rd.r.method = "POST";
  CHECK(p.check_request(a, rd.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 0);
  rd.r.method = "GET";
  CHECK(p.check_request(a, rd.r, "/metrics", 0, hdr, sizeof hdr).status == 0);
  none.r.method = "POST";
  AccessVerdict v = p.check_request(a, none.r, "/api/v1/operations", 0, hdr, sizeof hdr);
  CHECK(v.status == 401);
  CHECK(std::string(v.extra_headers) == "WWW-Authenticate: Bearer realm=\"edgestat\"\r\n");
}

TEST_CASE("only ingest tokens set: reading stays open, ingest is protected") {
  Fixture f;
  f.c.auth.ingest_tokens.push_back(ConfigString("ingest-token-0123456789"));
  AccessPolicy p;
  REQUIRE(p.configure(f.c, f.e));
  char hdr[kAccessHeaderBytes];
  Req none({});
  CHECK(p.check_request(ip("10.0.0.1"), none.r, "/metrics", 0, hdr, sizeof hdr).status == 0);
  CHECK(p.check_request(ip("10.0.0.1"), none.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 0);
  none.r.method = "POST";
  CHECK(p.check_request(ip("10.0.0.1"), none.r, "/api/v1/operations", 0, hdr, sizeof hdr).status == 401);
}

TEST_CASE("config errors name the key and never echo a secret") {
  Fixture f;
  f.c.access.allow.clear();
  f.c.access.allow.push_back(ConfigString("lan"));
  f.c.access.trusted_hosts.push_back(ConfigString("edge.lan:9100"));
  f.c.auth.users.push_back(ConfigString("alice:hunter2hunter2"));
  f.c.auth.tokens.push_back(ConfigString("tooshort"));
  f.c.auth.public_paths.push_back(ConfigString("metrics"));
  AccessPolicy p;
  CHECK_FALSE(p.configure(f.c, f.e));
  std::string all;
  for (const auto& e : f.e.items) all += std::string(e.c_str()) + "\n";
  CHECK(all.find("[access] allow \"lan\"") != std::string::npos);
  CHECK(all.find("trusted_hosts") != std::string::npos);
  CHECK(all.find("users entry for \"alice\"") != std::string::npos);
  CHECK(all.find("tokens entry 1") != std::string::npos);
  CHECK(all.find("must start with '/'") != std::string::npos);
  CHECK(all.find("hunter2") == std::string::npos);
  CHECK(all.find("tooshort") == std::string::npos);
}

}  // TEST_SUITE
