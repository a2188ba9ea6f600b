// Tests for src/app/config_files.*: check-config loads what start-up loads
// (the HTTPS pair, push targets' TLS files and credentials, the ingest
// specs) and names where each bad key was set. Uses the TLS fixtures
// (tests/fixtures/tls: server and client pairs from one CA).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "app/config_files.hpp"
#include "collect/registry.hpp"
#include "config/load.hpp"

using namespace edgestat;

namespace {

const std::string kTls = EDGESTAT_SOURCE_DIR "/tests/fixtures/tls/";

struct Checked {
  Config c{};
  ConfigErrors e;
  std::string run(const std::string& ini) {
    ConfigLoader l(c, e, collector_names());
    l.apply_defaults();
    l.apply_ini(ini, "/etc/e.conf");
    l.validate();
    check_config_files(c, e);
    std::string s;
    for (const auto& i : e.items) s += std::string(i.view()) + "\n";
    return s;
  }
};

std::string tls_ini(const std::string& cert, const std::string& key) {
  return "[tls]\nlisten_address = 127.0.0.1:9443\ncert_file = " + cert + "\nkey_file = " + key + "\n";
}

}  // namespace

TEST_CASE("a matching HTTPS pair passes") {
  Checked t;
  CHECK(t.run(tls_ini(kTls + "server.pem", kTls + "server.key")) == "");
}

TEST_CASE("a key that is not the certificate's is found, naming key_file's line and both files") {
  Checked t;
  std::string e = t.run(tls_ini(kTls + "server.pem", kTls + "client.key"));
  CHECK_MESSAGE(e.find("/etc/e.conf:4: [tls] key_file: private key " + kTls + "client.key does not match the "
                       "certificate in " + kTls + "server.pem") != std::string::npos,
                e);
}

TEST_CASE("missing, unreadable and unparseable TLS files are found with file:line") {
  Checked missing;
  std::string e = missing.run(tls_ini("/nonexistent/cert.pem", kTls + "server.key"));
  CHECK_MESSAGE(e.find("/etc/e.conf:3: [tls] cert_file \"/nonexistent/cert.pem\": No such file or directory") !=
                    std::string::npos,
                e);
  Checked dir;
  e = dir.run(tls_ini(kTls + "server.pem", kTls));
  CHECK_MESSAGE(e.find("/etc/e.conf:4: [tls] key_file \"" + kTls + "\": not a regular file") != std::string::npos, e);
  // A readable file that is not a certificate: mbedTLS's reason, same line.
  Checked garbage;
  e = garbage.run(tls_ini(kTls + "gen.sh", kTls + "server.key"));
  CHECK_MESSAGE(e.find("/etc/e.conf:3: [tls] cert_file: cannot load certificate " + kTls + "gen.sh") !=
                    std::string::npos,
                e);
  Checked ca;
  e = ca.run(tls_ini(kTls + "server.pem", kTls + "server.key") + "client_auth = required\nclient_ca_file = " +
             kTls + "nope.pem\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:6: [tls] client_ca_file \"" + kTls + "nope.pem\": No such file") !=
                    std::string::npos,
                e);
  // Unreadable by permission: only meaningful when not root (root reads anything).
  if (geteuid() != 0) {
    std::string p = "/tmp/edgestat-test-unreadable.pem";
    FILE* f = std::fopen(p.c_str(), "w");
    REQUIRE(f);
    std::fclose(f);
    chmod(p.c_str(), 0);
    Checked perm;
    e = perm.run(tls_ini(kTls + "server.pem", p));
    CHECK_MESSAGE(e.find("/etc/e.conf:4: [tls] key_file \"" + p + "\": Permission denied") != std::string::npos, e);
    unlink(p.c_str());
  }
}

TEST_CASE("a weak cipher suite start-up would refuse is found by check-config too") {
  Checked t;
  std::string e = t.run(tls_ini(kTls + "server.pem", kTls + "server.key") +
                        "cipher_suites = TLS-RSA-WITH-NULL-SHA256\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:5: [tls] cipher_suites") != std::string::npos, e);
}

TEST_CASE("push targets: client key mismatch, missing CA and credentials files name the key's line") {
  Checked t;
  std::string e = t.run("[export.otlp.a]\nurl = https://localhost:4318/v1/metrics\ntls_ca_file = " + kTls +
                        "ca.pem\ntls_cert_file = " + kTls + "client.pem\ntls_key_file = " + kTls +
                        "server.key\n[export.remote_write.b]\nurl = https://localhost/w\ntls_ca_file = /no/ca.pem\n"
                        "bearer_token_file = /no/token\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:5: [export.otlp.a] tls_key_file: private key " + kTls +
                       "server.key does not match the certificate in " + kTls + "client.pem") != std::string::npos,
                e);
  CHECK_MESSAGE(e.find("/etc/e.conf:8: [export.remote_write.b] tls_ca_file \"/no/ca.pem\": No such file") !=
                    std::string::npos,
                e);
  CHECK_MESSAGE(e.find("/etc/e.conf:9: [export.remote_write.b] bearer_token_file \"/no/token\": No such file") !=
                    std::string::npos,
                e);
  Checked good;
  CHECK(good.run("[export.otlp.a]\nurl = https://localhost:4318/v1/metrics\ntls_ca_file = " + kTls +
                 "ca.pem\ntls_cert_file = " + kTls + "client.pem\ntls_key_file = " + kTls + "client.key\n") == "");
}

TEST_CASE("ingest and history specs start-up parses are checked with file:line") {
  Checked t;
  std::string e = t.run("[ingest]\nduration_buckets = 0.1,abc\n[history]\nseries = \n");
  CHECK_MESSAGE(e.find("/etc/e.conf:2: [ingest] duration_buckets = \"0.1,abc\"") != std::string::npos, e);
  Checked h;
  e = h.run("[history]\nseries = no spaces allowed{\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:2: [history] series \"no spaces allowed{\"") != std::string::npos, e);
}

TEST_CASE("a retention budget smaller than one batch file, which the records writer refuses at start") {
  Checked t;
  std::string e = t.run("[store]\nmax_batch = 1000\nrecord_bytes = 2KiB\nmax_bytes = 1MiB\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:4: [store] max_bytes = 1048576 is smaller than one batch file") !=
                    std::string::npos,
                e);
  Checked off;
  CHECK(off.run("[store]\nenabled = false\nmax_bytes = 1MiB\n") == "");
}

TEST_CASE("StatsD addresses start-up would refuse: a bad UDP address, a socket path too long") {
  Checked t;
  std::string e = t.run("[ingest]\nstatsd_listen_address = 8125\nstatsd_socket = /run/" + std::string(120, 's') + "\n");
  CHECK_MESSAGE(e.find("/etc/e.conf:2: [ingest] statsd_listen_address \"8125\"") != std::string::npos, e);
  CHECK_MESSAGE(e.find("/etc/e.conf:3: [ingest] statsd_socket: path longer than 107 bytes") != std::string::npos, e);
}
