// Tests for src/http/tls_session.* and tls_context.*: a real mbedTLS
// server session driven over in-memory buffers against an in-memory mbedTLS
// client (no sockets), the way the server drives it over libuv: handshake,
// client certificates (required / optional / other CA / names), large
// writes that hit WANT_WRITE and are retried with the same arguments,
// close_notify, context loading errors, and the memory one idle session
// costs.
#include <doctest/doctest.h>
#include <cstdlib>  // defines __GLIBC__ on glibc, for the test below
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "http/tls_context.hpp"
#include "http/tls_session.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {

const std::string kDir = EDGESTAT_SOURCE_DIR "/tests/fixtures/tls/";

ConfigList list_of(std::initializer_list<const char*> items) {
  ConfigList l;
  for (const char* s : items) l.push_back(ConfigString(s));
  return l;
}

struct Files {
  std::string cert = kDir + "server.pem", key = kDir + "server.key", ca = kDir + "ca.pem";
};

TlsContext* load(ClientAuth auth, const ConfigList* names = nullptr, const ConfigList* suites = nullptr,
                 TlsError* why = nullptr, Files f = {}) {
  TlsSettings s;
  s.cert_file = f.cert;
  s.key_file = f.key;
  s.client_ca_file = f.ca;
  s.client_auth = auth;
  s.allowed_names = names;
  s.cipher_suites = suites;
  TlsError e;
  TlsContext* c = TlsContext::load(s, why ? why : &e);
  if (!c && !why) MESSAGE(e.c_str());
  return c;
}

// An mbedTLS client over two std::string pipes.
struct Client {
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  mbedtls_x509_crt ca, cert;
  mbedtls_pk_context key;
  std::string in;   // ciphertext from the server
  std::string out;  // ciphertext to the server

  explicit Client(const char* cert_name = nullptr, bool tls12_only = false) {
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&cert);
    mbedtls_pk_init(&key);
    REQUIRE(mbedtls_x509_crt_parse_file(&ca, (kDir + "ca.pem").c_str()) == 0);
    REQUIRE(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, tls_drbg());
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (tls12_only) mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    (void)tls12_only;
#endif
    if (cert_name) {
      REQUIRE(mbedtls_x509_crt_parse_file(&cert, (kDir + cert_name + ".pem").c_str()) == 0);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
      REQUIRE(mbedtls_pk_parse_keyfile(&key, (kDir + cert_name + ".key").c_str(), nullptr, mbedtls_ctr_drbg_random,
                                       tls_drbg()) == 0);
#else
      REQUIRE(mbedtls_pk_parse_keyfile(&key, (kDir + cert_name + ".key").c_str(), nullptr) == 0);
#endif
      REQUIRE(mbedtls_ssl_conf_own_cert(&conf, &cert, &key) == 0);
    }
    REQUIRE(mbedtls_ssl_setup(&ssl, &conf) == 0);
    REQUIRE(mbedtls_ssl_set_hostname(&ssl, "localhost") == 0);
    mbedtls_ssl_set_bio(&ssl, this, send, recv, nullptr);
  }
  ~Client() {
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&cert);
    mbedtls_pk_free(&key);
  }
  static int send(void* c, const unsigned char* p, size_t n) {
    static_cast<Client*>(c)->out.append(reinterpret_cast<const char*>(p), n);
    return static_cast<int>(n);
  }
  static int recv(void* c, unsigned char* p, size_t n) {
    std::string& in = static_cast<Client*>(c)->in;
    if (in.empty()) return MBEDTLS_ERR_SSL_WANT_READ;
    size_t k = n < in.size() ? n : in.size();
    std::memcpy(p, in.data(), k);
    in.erase(0, k);
    return static_cast<int>(k);
  }
};

// Moves ciphertext both ways the way the loop would: the client's output
// into the server's in_space in pieces, the server's out_pending (one
// "uv_write" at a time) to the client.
void shuttle(Client& c, TlsSession& s) {
  while (!c.out.empty() && !s.in_full()) {
    size_t room = 0;
    char* p = s.in_space(&room);
    size_t k = room < c.out.size() ? room : c.out.size();
    std::memcpy(p, c.out.data(), k);
    c.out.erase(0, k);
    s.in_commit(k);
    if (!s.handshake_done()) break;  // let the handshake consume it
  }
  std::string_view o = s.out_pending();
  if (!o.empty()) {
    s.out_begin();
    c.in.append(o.data(), o.size());
    s.out_sent();
  }
}

// Drives both handshakes to the end; the server's result (0 or an error).
int handshake(Client& c, TlsSession& s, int* client_rc = nullptr) {
  int srv = TlsSession::kWant, cli = MBEDTLS_ERR_SSL_WANT_READ;
  for (int i = 0; i < 200; ++i) {
    if (cli != 0) cli = mbedtls_ssl_handshake(&c.ssl);
    if (srv == TlsSession::kWant) srv = s.handshake();
    shuttle(c, s);
    bool cli_done = cli == 0 || (cli != MBEDTLS_ERR_SSL_WANT_READ && cli != MBEDTLS_ERR_SSL_WANT_WRITE);
    if (srv != TlsSession::kWant && cli_done && c.out.empty() && s.out_pending().empty()) break;
  }
  if (client_rc) *client_rc = cli;
  return srv;
}

// Starts s on ctx; the test stops here if it cannot.
void begin(TlsSession& s, TlsContext* ctx) {
  int err = 0;
  REQUIRE(s.begin(ctx, &err));
}

// The server refused the peer with an error, rather than waiting for more.
void check_refused(int rc) {
  CHECK(rc < 0);
  CHECK(rc != TlsSession::kWant);
}

}  // namespace

TEST_SUITE("http.tls") {

TEST_CASE("context: loads the pair, reports expiry and subject, default suites exist") {
  TlsContext* ctx = load(ClientAuth::None);
  REQUIRE(ctx);
  CHECK(ctx->subject() == "CN=localhost");
  CHECK(ctx->not_after() > 4000000000);  // 2126
  CHECK(ctx->not_before() < ctx->not_after());
  CHECK(ctx->cipher_count() >= 4);
  ctx->unref();
}

TEST_CASE("context: bad files and mismatched pairs are refused with the reason") {
  TlsError why;
  Files f;
  f.key = kDir + "client.key";  // a key that is not the certificate's
  CHECK_FALSE(load(ClientAuth::None, nullptr, nullptr, &why, f));
  CHECK(std::string(why.c_str()).find("does not match") != std::string::npos);
  f = Files{};
  f.cert = kDir + "missing.pem";
  CHECK_FALSE(load(ClientAuth::None, nullptr, nullptr, &why, f));
  CHECK(std::string(why.c_str()).find("cannot load certificate") != std::string::npos);
  CHECK(std::string(why.c_str()).find("missing.pem") != std::string::npos);
  f = Files{};
  f.ca = "";
  CHECK_FALSE(load(ClientAuth::Required, nullptr, nullptr, &why, f));
  CHECK(std::string(why.c_str()).find("client_ca_file") != std::string::npos);
  ConfigList bad = list_of({"TLS_RSA_WITH_RC4_128_MD5"});
  CHECK_FALSE(load(ClientAuth::None, nullptr, &bad, &why));
  CHECK(std::string(why.c_str()).find("RC4") != std::string::npos);
}

TEST_CASE("cipher suite names: IANA and mbedTLS spellings") {
  CHECK(cipher_suite_id("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") != 0);
  CHECK(cipher_suite_id("TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256") ==
        cipher_suite_id("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
  CHECK(cipher_suite_id("tls_ecdhe_rsa_with_chacha20_poly1305_sha256") != 0);
  CHECK(cipher_suite_id("TLS_AES_128_GCM_SHA256") == (kTls13Available ? cipher_suite_id("TLS1-3-AES-128-GCM-SHA256") : 0));
  CHECK(cipher_suite_id("") == 0);
  CHECK(cipher_suite_id("nonsense") == 0);
}

TEST_CASE("x509 time to unix seconds") {
  mbedtls_x509_time t{1970, 1, 1, 0, 0, 0};
  CHECK(x509_time_to_unix(t) == 0);
  t = {2000, 3, 1, 12, 30, 15};
  CHECK(x509_time_to_unix(t) == 951913815);
  t = {2126, 10, 30, 5, 34, 9};
  CHECK(x509_time_to_unix(t) == 4949012049);
}

TEST_CASE("handshake and request/response over loop-fed buffers") {
  TlsContext* ctx = load(ClientAuth::None);
  REQUIRE(ctx);
  TlsSession s;
  begin(s, ctx);
  ctx->unref();  // the session holds its own reference
  Client c;
  REQUIRE(handshake(c, s) == 0);
  CHECK(s.handshake_done());
  CHECK(s.client_acceptable());
  std::string ver = s.version();
  CHECK((ver == "TLSv1.2" || ver == "TLSv1.3"));
  MESSAGE("negotiated " << ver << " " << std::string(s.cipher()));

  // Client -> server: a request, fed in 7-byte slices like slow reads.
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
  REQUIRE(mbedtls_ssl_write(&c.ssl, reinterpret_cast<const unsigned char*>(req.data()), req.size()) ==
          static_cast<int>(req.size()));
  std::string got;
  char buf[512];
  for (int i = 0; i < 1000 && got.size() < req.size(); ++i) {
    if (!c.out.empty()) {
      size_t room = 0;
      char* p = s.in_space(&room);
      size_t k = std::min<size_t>({room, c.out.size(), size_t{7}});
      std::memcpy(p, c.out.data(), k);
      c.out.erase(0, k);
      s.in_commit(k);
    }
    int n = s.read(buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    else REQUIRE(n == TlsSession::kWant);
    shuttle(c, s);  // TLS 1.3 may send session tickets meanwhile
  }
  CHECK(got == req);
  CHECK_FALSE(s.has_buffered());

  // Server -> client: 200 KB, retrying each WANT_WRITE with the same
  // arguments after the "socket" drained the cipher buffer.
  std::string body(200000, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  size_t off = 0;
  int wants = 0;
  std::string recvd;
  unsigned char rb[8192];
  for (int i = 0; i < 100000 && off < body.size(); ++i) {
    size_t len = std::min(body.size() - off, kTlsWriteChunk);
    int n = s.write(body.data() + off, len);
    if (n == TlsSession::kWant) {
      ++wants;
      // The loop writes the frozen buffer; the BIO refuses to touch it.
      s.out_begin();
      CHECK(s.write(body.data() + off, len) == TlsSession::kWant);
      c.in.append(s.out_pending().data(), s.out_pending().size());
      s.out_sent();
      continue;
    }
    REQUIRE(n > 0);
    off += static_cast<size_t>(n);
  }
  shuttle(c, s);
  for (int r; (r = mbedtls_ssl_read(&c.ssl, rb, sizeof rb)) > 0;) recvd.append(reinterpret_cast<char*>(rb), static_cast<size_t>(r));
  CHECK(off == body.size());
  CHECK(recvd == body);
  CHECK(wants > 0);

  // close_notify reaches the client; the client's reaches the server.
  REQUIRE(s.close_notify() == 0);
  shuttle(c, s);
  CHECK(mbedtls_ssl_read(&c.ssl, rb, sizeof rb) == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY);
  mbedtls_ssl_close_notify(&c.ssl);
  shuttle(c, s);
  CHECK(s.read(buf, sizeof buf) == TlsSession::kPeerClosed);
  s.end();
  CHECK_FALSE(s.active());
}

TEST_CASE("garbage instead of a ClientHello is an error, not a hang") {
  TlsContext* ctx = load(ClientAuth::None);
  REQUIRE(ctx);
  TlsSession s;
  begin(s, ctx);
  ctx->unref();
  const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  size_t room = 0;
  char* p = s.in_space(&room);
  std::memcpy(p, junk, sizeof junk - 1);
  s.in_commit(sizeof junk - 1);
  int rc = s.handshake();
  check_refused(rc);
}

TEST_CASE("client certificates: required") {
  TlsContext* ctx = load(ClientAuth::Required);
  REQUIRE(ctx);
  SUBCASE("from the trusted CA: accepted") {
    TlsSession s;
    begin(s, ctx);
    Client c("client");
    CHECK(handshake(c, s) == 0);
    CHECK(s.client_acceptable());
  }
  SUBCASE("none: refused") {
    TlsSession s;
    begin(s, ctx);
    Client c;
    int rc = handshake(c, s);
    check_refused(rc);
  }
  SUBCASE("from another CA: refused") {
    TlsSession s;
    begin(s, ctx);
    Client c("other-client");
    int rc = handshake(c, s);
    check_refused(rc);
  }
  ctx->unref();
}

TEST_CASE("client certificates: optional") {
  TlsContext* ctx = load(ClientAuth::Optional);
  REQUIRE(ctx);
  SUBCASE("none is fine") {
    TlsSession s;
    begin(s, ctx);
    Client c;
    CHECK(handshake(c, s) == 0);
    CHECK(s.client_acceptable());
  }
  SUBCASE("the trusted CA's is fine") {
    TlsSession s;
    begin(s, ctx);
    Client c("client");
    CHECK(handshake(c, s) == 0);
    CHECK(s.client_acceptable());
  }
  SUBCASE("another CA's is not") {
    TlsSession s;
    begin(s, ctx);
    Client c("other-client");
    int rc = handshake(c, s);
    // mbedTLS finishes an OPTIONAL handshake; the verdict is ours.
    if (rc == 0) CHECK_FALSE(s.client_acceptable());
    else CHECK(rc != TlsSession::kWant);
  }
  ctx->unref();
}

TEST_CASE("client certificates: allowed names (CN or DNS SAN)") {
  ConfigList cn = list_of({"prometheus"});
  ConfigList san = list_of({"PROMETHEUS.lan"});
  ConfigList other = list_of({"grafana", "backup"});
  for (auto* names : {&cn, &san}) {
    TlsContext* ctx = load(ClientAuth::Required, names);
    REQUIRE(ctx);
    TlsSession s;
    begin(s, ctx);
    Client c("client");
    CHECK(handshake(c, s) == 0);
    ctx->unref();
  }
  TlsContext* ctx = load(ClientAuth::Required, &other);
  REQUIRE(ctx);
  TlsSession s;
  begin(s, ctx);
  Client c("client");
  int rc = handshake(c, s);
  check_refused(rc);
  ctx->unref();
}

TEST_CASE("a reload-style context swap leaves running sessions on their context") {
  TlsContext* a = load(ClientAuth::None);
  REQUIRE(a);
  TlsSession s;
  begin(s, a);
  a->unref();  // "reloaded": the server dropped its reference
  Client c;
  CHECK(handshake(c, s) == 0);  // the session's reference kept it alive
  s.end();
}

// mallinfo2 is glibc's (musl has none), and under ASan it reports ASan's
// allocator, not the one mbedTLS uses; measure where it means something.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
TEST_CASE("memory: what one idle TLS connection costs after its handshake") {
  // What the server holds for an established, idle session: the difference
  // in allocated heap before and after end() (the client's allocations,
  // in the same heap, are untouched by end()).
  for (ClientAuth auth : {ClientAuth::None, ClientAuth::Required}) {
    TlsContext* ctx = load(auth);
    REQUIRE(ctx);
    TlsSession s;
    begin(s, ctx);
    Client c(auth == ClientAuth::Required ? "client" : nullptr);
    REQUIRE(handshake(c, s) == 0);
    size_t held = mallinfo2().uordblks;
    s.end();
    size_t freed = held - mallinfo2().uordblks;
    MESSAGE("idle TLS connection (" << std::string(auth == ClientAuth::None ? "no client cert" : "client cert")
            << "): mbedTLS heap " << freed << " bytes + session object " << sizeof(TlsSession)
            << " bytes (reserved in the pool); record buffers IN/OUT content " << MBEDTLS_SSL_IN_CONTENT_LEN << "/"
            << MBEDTLS_SSL_OUT_CONTENT_LEN);
    CHECK(freed >= MBEDTLS_SSL_IN_CONTENT_LEN + MBEDTLS_SSL_OUT_CONTENT_LEN);
    CHECK(freed < MBEDTLS_SSL_IN_CONTENT_LEN + MBEDTLS_SSL_OUT_CONTENT_LEN + 16384);
    ctx->unref();
  }
}
#endif

}  // TEST_SUITE
