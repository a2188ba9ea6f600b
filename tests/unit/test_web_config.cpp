// exporter-toolkit's web-config.yml: the YAML subset reader, the mapping
// onto [tls]/[auth], bcrypt checks and the per-client failure bound.
#include <doctest/doctest.h>

#include <string>

#include "collect/registry.hpp"
#include "config/load.hpp"
#include "config_harness.hpp"
#include "config/web_config.hpp"
#include "config/yaml_subset.hpp"
#include "http/access_auth.hpp"
#include "http/bcrypt_hook.hpp"

using namespace edgestat;

namespace {
std::string read_all(std::string_view text) {
  YamlReader r(text);
  YamlEntry e;
  std::string out;
  for (;;) {
    YamlStatus st = r.next(&e);
    if (st == YamlStatus::End) return out;
    if (st == YamlStatus::Error) return out + "error:" + std::to_string(r.line()) + ": " + r.error() + "\n";
    out += std::to_string(e.line) + " " + std::string(e.path) + (e.seq ? "[]" : "") + "=" + std::string(e.value) +
           "\n";
  }
}

using Loaded = test::LoadedConfig;

// `python3 -c "import crypt; print(crypt.crypt('s3cret', '$2b$04$abcdefghijklmnopqrstuu'))"`
constexpr const char* kHash = "$2b$04$abcdefghijklmnopqrstuuLZYjhNQAOdpbzt4WxWlUHjv1wsyH5DG";
}  // namespace

TEST_CASE("YAML subset: nesting, quoting, comments, block and flow sequences") {
  CHECK(read_all("---\n"
                 "# comment\n"
                 "tls_server_config:\n"
                 "  cert_file: \"a b.crt\"   # trailing comment\n"
                 "  key_file: 'it''s.key'\n"
                 "  cipher_suites:\n"
                 "  - TLS_A\n"
                 "  -   TLS_B\n"
                 "  curve_preferences: [X25519, 'CurveP256',]\n"
                 "  empty:\n"
                 "http_server_config:\n"
                 "    headers:\n"
                 "      X-Frame-Options: deny\n"
                 "basic_auth_users:\n"
                 "  alice: $2y$10$x#y\n"
                 "nothing: ~\n") ==
        "4 tls_server_config.cert_file=a b.crt\n"
        "5 tls_server_config.key_file=it's.key\n"
        "7 tls_server_config.cipher_suites[]=TLS_A\n"
        "8 tls_server_config.cipher_suites[]=TLS_B\n"
        "9 tls_server_config.curve_preferences[]=X25519\n"
        "9 tls_server_config.curve_preferences[]=CurveP256\n"
        "10 tls_server_config.empty=\n"
        "13 http_server_config.headers.X-Frame-Options=deny\n"
        "15 basic_auth_users.alice=$2y$10$x#y\n"
        "16 nothing=\n");
}

TEST_CASE("YAML subset: what it does not take is an error with the line") {
  CHECK(read_all("a:\n\tb: 1\n") == "error:2: a tab in indentation (YAML indents with spaces)\n");
  CHECK(read_all("a:\n  b: 1\n   c: 2\n") == "2 a.b=1\nerror:3: indentation does not match the keys above\n");
  CHECK(read_all("a: &x 1\n") == "error:1: anchors, aliases, tags, block scalars and nested flow collections are not supported\n");
  CHECK(read_all("a: \"open\n") == "error:1: unterminated quoted string (multi-line scalars are not supported)\n");
  CHECK(read_all("a:\n  - b: 1\n") == "error:2: sequences of sequences or mappings are not supported\n");
  CHECK(read_all("just text\n") == "error:1: expected \"key: value\"\n");
  CHECK(read_all("- x\n") == "error:1: a sequence item outside any key\n");
  CHECK(read_all("a: [1, 2\n") == "error:1: a flow sequence must end on its line with ]\n");
  CHECK(read_all("a:\n  b:\n    c:\n      d:\n        e: 1\n") == "error:4: keys nested too deep\n");
  CHECK(read_all("a: \"\\q\"\n").find("unsupported escape") != std::string::npos);
  CHECK(read_all(std::string(5000, 'a') + ": 1\n") == "error:1: line longer than 4096 bytes\n");
  CHECK(read_all("") == "");
  CHECK(read_all("a: 1\r\nb: 2") == "1 a=1\n2 b=2\n");
}

TEST_CASE("web config maps onto [tls] and [auth]; the listen addresses become HTTPS") {
  Loaded t;
  apply_web_config("tls_server_config:\n"
                   "  cert_file: server.crt\n"
                   "  key_file: /etc/x/server.key\n"
                   "  client_auth_type: RequireAndVerifyClientCert\n"
                   "  client_ca_file: ca.crt\n"
                   "  client_allowed_sans: [prometheus.lan]\n"
                   "  min_version: TLS12\n"
                   "  max_version: TLS13\n"
                   "  cipher_suites:\n"
                   "    - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n"
                   "  prefer_server_cipher_suites: true\n"
                   "http_server_config:\n"
                   "  http2: true\n"
                   "  headers:\n"
                   "    Strict-Transport-Security: max-age=31536000\n"
                   "    X-Content-Type-Options: nosniff\n"
                   "basic_auth_users:\n"
                   "  prometheus: " + std::string(kHash) + "\n",
                   "web.yml", "/etc/node", t.c, t.e);
  t.l.validate();
  CHECK(t.errors() == "");
  CHECK(t.warnings() == "");
  CHECK(t.c.tls.cert_file == "/etc/node/server.crt");
  CHECK(t.c.tls.key_file == "/etc/x/server.key");
  CHECK(t.c.tls.client_ca_file == "/etc/node/ca.crt");
  CHECK(t.c.tls.client_auth == 2);
  CHECK(t.c.tls.client_allowed_names.size() == 1);
  CHECK(t.c.tls.cipher_suites.size() == 1);
  CHECK(t.c.tls.hsts_max_age_ms == 31536000ull * 1000);
  REQUIRE(t.c.auth.users.size() == 1);
  CHECK(t.c.auth.users[0].view() == "prometheus:" + std::string(kHash));
  REQUIRE(t.c.tls.listen_address.size() == 1);
  CHECK(t.c.tls.listen_address[0] == ":9100");
  CHECK(t.c.web.listen_address.empty());
}

TEST_CASE("web config: unknown keys and bad values are errors naming file:line; near misses warn") {
  Loaded t;
  apply_web_config("tls_server_config:\n  client_auth_type: x\n  cert: |\n", "w.yml", "/d", t.c, t.e);
  CHECK(t.errors() ==
        "w.yml:2: tls_server_config.client_auth_type: not one of NoClientCert, RequestClientCert, "
        "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert\n"
        "w.yml:3: anchors, aliases, tags, block scalars and nested flow collections are not supported\n");
  Loaded u;
  apply_web_config("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth: x\n  min_version: TLS10\n"
                   "  curve_preferences: [X448]\nbasic_auth_users:\n  bob: $pbkdf2-sha256$1$a$b\n"
                   "http_server_config:\n  headers:\n    Server: x\nbogus: 1\n",
                   "w.yml", "/d", u.c, u.e);
  std::string e = u.errors();
  CHECK(e.find("w.yml:4: tls_server_config.client_auth: unknown key") != std::string::npos);
  CHECK(e.find("w.yml:6: tls_server_config.curve_preferences: unknown curve") != std::string::npos);
  CHECK(e.find("w.yml:8: basic_auth_users.bob: not a bcrypt hash") != std::string::npos);
  CHECK(e.find("w.yml:11: http_server_config.headers.Server: exporter-toolkit does not allow this header") !=
        std::string::npos);
  CHECK(e.find("w.yml:12: bogus: unknown key") != std::string::npos);
  CHECK(u.warnings().find("w.yml:5: tls_server_config.min_version: edgestat's lowest TLS version is 1.2") !=
        std::string::npos);
  Loaded v;
  apply_web_config("tls_server_config:\n  cert_file: a\n", "w.yml", "/d", v.c, v.e);
  CHECK(v.errors() == "w.yml: tls_server_config needs both cert_file and key_file\n");
  Loaded w;  // basic auth alone: plain HTTP stays
  apply_web_config(std::string("basic_auth_users:\n  p: ") + kHash + "\n", "w.yml", "/d", w.c, w.e);
  CHECK(w.errors() == "");
  CHECK(w.c.web.listen_address.size() == 1);
  CHECK(w.c.tls.listen_address.empty());
}

TEST_CASE("bcrypt users: verified through crypt_r, remembered, wrong names cost a bcrypt run") {
  if (!http::bcrypt_available()) return;
  const char* why = "";
  CHECK(http::bcrypt_hash_valid(kHash, &why));
  CHECK_FALSE(http::bcrypt_hash_valid("$2b$31$abcdefghijklmnopqrstuuLZYjhNQAOdpbzt4WxWlUHjv1wsyH5DG", &why));
  CHECK_FALSE(http::bcrypt_hash_valid("$2b$04$short", &why));
  CHECK(http::bcrypt_verify(kHash, "s3cret"));
  CHECK_FALSE(http::bcrypt_verify(kHash, "s3creT"));
  CHECK_FALSE(http::bcrypt_verify(kHash, std::string_view("s3cret\0x", 8)));
  http::Authenticator a;
  REQUIRE(a.add_user(std::string("prometheus:") + kHash, &why));
  CHECK(a.has_bcrypt_users());
  http::AuthNeed need;
  // "prometheus:s3cret", "prometheus:wrong", "nobody:s3cret" in base64
  CHECK(a.check("Basic cHJvbWV0aGV1czpzM2NyZXQ=", need) == http::AuthOutcome::Ok);
  CHECK(a.bcrypt_runs() == 1);
  CHECK(a.check("Basic cHJvbWV0aGV1czpzM2NyZXQ=", need) == http::AuthOutcome::Ok);
  CHECK(a.bcrypt_runs() == 1);  // remembered
  CHECK(a.check("Basic cHJvbWV0aGV1czp3cm9uZw==", need) == http::AuthOutcome::Invalid);
  CHECK(a.check("Basic bm9ib2R5OnMzY3JldA==", need) == http::AuthOutcome::Invalid);
  CHECK(a.bcrypt_runs() == 3);
}

TEST_CASE("failed logins are bounded per client and refill over time") {
  http::AuthFailureLimiter l;
  http::IpAddr a, b;
  a.b[15] = 1;
  b.b[15] = 2;
  for (uint32_t i = 0; i < http::kAuthFailureBurst; ++i) {
    CHECK(l.allow(a, 1000));
    l.failed(a, 1000);
  }
  CHECK_FALSE(l.allow(a, 1000));
  CHECK(l.allow(b, 1000));  // another client is not affected
  CHECK(l.allow(a, 1000 + http::kAuthFailureRefillMs));
  l.failed(a, 1000 + http::kAuthFailureRefillMs);
  CHECK_FALSE(l.allow(a, 1000 + http::kAuthFailureRefillMs));
  CHECK(l.refused() == 2);
  // Many clients: the table forgets the oldest, never overflows.
  for (uint32_t i = 0; i < 3 * http::kAuthFailureClients; ++i) {
    http::IpAddr c;
    c.b[14] = uint8_t(i >> 8);
    c.b[15] = uint8_t(i);
    c.b[13] = 9;
    l.failed(c, 5000 + i);
  }
  CHECK(l.allow(a, 5000));
}
