// Cross-build smoke test: proves a C++20 program built the edgestat way
// (no exceptions, no RTTI, header-only std, linked with the C driver, no C++
// runtime) links libuv and the trimmed mbedTLS for the target and that the
// crypto really works there (endianness, soft-float, asm paths).
//
// It runs three in-memory TLS handshakes between an mbedTLS server and
// client (TLS 1.3 x25519 AES-GCM, TLS 1.3 P-384 ChaCha20-Poly1305, TLS 1.2
// P-256 AES-256-GCM-SHA384) over fixed-size memory pipes, checks SHA-256 and
// PBKDF2 known answers, and opens a libuv TCP listener on loopback.
// Prints one line per check and "SMOKE OK" last; exit status 0 on success.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <uv.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

namespace {

// Self-signed P-256 test certificate for "edgestat.test" and its key.
constexpr std::string_view kCertPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBoTCCAUegAwIBAgIUICzrpprufkPk6edzUa6yFdg5qkIwCgYIKoZIzj0EAwIw\n"
    "GDEWMBQGA1UEAwwNZWRnZXN0YXQudGVzdDAgFw0yNjExMjMwNTA3MTFaGA8yMTI2\n"
    "MTAzMDA1MDcxMVowGDEWMBQGA1UEAwwNZWRnZXN0YXQudGVzdDBZMBMGByqGSM49\n"
    "AgEGCCqGSM49AwEHA0IABJ+LxKas8zz+i2+k8RE5mFsllyBon6DS/X9elTNXcRn/\n"
    "BkzCDLqj8L7/toM5vVJoSWXoa/H0j1s4HLonLOVwv8ujbTBrMB0GA1UdDgQWBBS/\n"
    "n6dy2B1nmSy5UMCUwi+48aTFETAfBgNVHSMEGDAWgBS/n6dy2B1nmSy5UMCUwi+4\n"
    "8aTFETAPBgNVHRMBAf8EBTADAQH/MBgGA1UdEQQRMA+CDWVkZ2VzdGF0LnRlc3Qw\n"
    "CgYIKoZIzj0EAwIDSAAwRQIgbAJU4SUJ+qUquuZNkRsjtsmQAzykKEnemA2hFpTi\n"
    "+AwCIQDg2q323n4yO45O5ho4+l4GvsFNOKpbw/fw5jZtN4qIGw==\n"
    "-----END CERTIFICATE-----\n";
constexpr std::string_view kKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJZf0LGrium6Sh9V2\n"
    "v9ADI3K5tu0FfXR7h3cuOwZlHPShRANCAASfi8SmrPM8/otvpPEROZhbJZcgaJ+g\n"
    "0v1/XpUzV3EZ/wZMwgy6o/C+/7aDOb1SaEll6Gvx9I9bOBy6JyzlcL/L\n"
    "-----END PRIVATE KEY-----\n";

int g_failures = 0;

void check(bool ok, const char* what, const char* detail = "") {
    std::printf("%-44s %s %s\n", what, ok ? "ok  " : "FAIL", detail);
    if (!ok) ++g_failures;
}

void hex(const unsigned char* p, size_t n, char* out) {
    static constexpr std::array<char, 16> kDigits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                     '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = kDigits[p[i] >> 4];
        out[2 * i + 1] = kDigits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

// One direction of an in-memory connection. Capacity covers a full
// handshake flight (certificate chain included) with room to spare.
struct Pipe {
    static constexpr size_t kCapacity = 32768;
    std::array<unsigned char, kCapacity> buf{};
    size_t len = 0;
};

struct Endpoint {
    Pipe* in;
    Pipe* out;
};

int bio_send(void* ctx, const unsigned char* p, size_t n) {
    auto* e = static_cast<Endpoint*>(ctx);
    size_t room = Pipe::kCapacity - e->out->len;
    if (room == 0) return MBEDTLS_ERR_SSL_WANT_WRITE;
    if (n > room) n = room;
    std::memcpy(e->out->buf.data() + e->out->len, p, n);
    e->out->len += n;
    return static_cast<int>(n);
}

int bio_recv(void* ctx, unsigned char* p, size_t n) {
    auto* e = static_cast<Endpoint*>(ctx);
    if (e->in->len == 0) return MBEDTLS_ERR_SSL_WANT_READ;
    if (n > e->in->len) n = e->in->len;
    std::memcpy(p, e->in->buf.data(), n);
    std::memmove(e->in->buf.data(), e->in->buf.data() + n, e->in->len - n);
    e->in->len -= n;
    return static_cast<int>(n);
}

// The test certificate's validity starts at its creation time; accept a
// build machine whose clock is behind it. Everything else must verify.
int verify_cb(void*, mbedtls_x509_crt*, int, uint32_t* flags) {
    *flags &= ~static_cast<uint32_t>(MBEDTLS_X509_BADCERT_FUTURE);
    return 0;
}

struct Tls {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
};

bool handshake(Tls& t, const char* label, int version, const uint16_t* groups, const int* suites) {
    mbedtls_ssl_config scfg, ccfg;
    mbedtls_ssl_context srv, cli;
    mbedtls_ssl_config_init(&scfg);
    mbedtls_ssl_config_init(&ccfg);
    mbedtls_ssl_init(&srv);
    mbedtls_ssl_init(&cli);
    Pipe c2s, s2c;
    Endpoint se{&c2s, &s2c}, ce{&s2c, &c2s};
    bool ok = false;
    char detail[160] = "";
    int rc = 0;
    do {
        if ((rc = mbedtls_ssl_config_defaults(&scfg, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                              MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
            break;
        if ((rc = mbedtls_ssl_config_defaults(&ccfg, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                              MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
            break;
        for (auto* c : {&scfg, &ccfg}) {
            mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &t.drbg);
            mbedtls_ssl_conf_min_tls_version(c, static_cast<mbedtls_ssl_protocol_version>(version));
            mbedtls_ssl_conf_max_tls_version(c, static_cast<mbedtls_ssl_protocol_version>(version));
        }
        if ((rc = mbedtls_ssl_conf_own_cert(&scfg, &t.cert, &t.key)) != 0) break;
        mbedtls_ssl_conf_authmode(&ccfg, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&ccfg, &t.cert, nullptr);
        mbedtls_ssl_conf_verify(&ccfg, verify_cb, nullptr);
        mbedtls_ssl_conf_groups(&ccfg, groups);
        mbedtls_ssl_conf_ciphersuites(&ccfg, suites);
        if ((rc = mbedtls_ssl_setup(&srv, &scfg)) != 0) break;
        if ((rc = mbedtls_ssl_setup(&cli, &ccfg)) != 0) break;
        if ((rc = mbedtls_ssl_set_hostname(&cli, "edgestat.test")) != 0) break;
        mbedtls_ssl_set_bio(&srv, &se, bio_send, bio_recv, nullptr);
        mbedtls_ssl_set_bio(&cli, &ce, bio_send, bio_recv, nullptr);

        bool cdone = false, sdone = false;
        for (int round = 0; round < 64 && !(cdone && sdone); ++round) {
            if (!cdone) {
                rc = mbedtls_ssl_handshake(&cli);
                if (rc == 0) cdone = true;
                else if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) break;
            }
            if (!sdone) {
                rc = mbedtls_ssl_handshake(&srv);
                if (rc == 0) sdone = true;
                else if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) break;
            }
            rc = 0;
        }
        if (rc != 0 || !cdone || !sdone) break;

        constexpr std::string_view kMsg = "GET /metrics HTTP/1.1\r\n\r\n";
        rc = mbedtls_ssl_write(&cli, reinterpret_cast<const unsigned char*>(kMsg.data()), kMsg.size());
        if (rc != static_cast<int>(kMsg.size())) break;
        std::array<unsigned char, 64> got{};
        int n = 0;
        for (int round = 0; round < 8; ++round) {
            n = mbedtls_ssl_read(&srv, got.data(), got.size());
            if (n != MBEDTLS_ERR_SSL_WANT_READ) break;
        }
        rc = n < 0 ? n : 0;
        if (n != static_cast<int>(kMsg.size()) ||
            std::string_view(reinterpret_cast<const char*>(got.data()), static_cast<size_t>(n)) != kMsg)
            break;
        std::snprintf(detail, sizeof detail, "%s %s", mbedtls_ssl_get_version(&cli),
                      mbedtls_ssl_get_ciphersuite(&cli));
        ok = true;
    } while (false);
    if (!ok) std::snprintf(detail, sizeof detail, "rc=-0x%04x", static_cast<unsigned>(-rc));
    check(ok, label, detail);
    mbedtls_ssl_free(&srv);
    mbedtls_ssl_free(&cli);
    mbedtls_ssl_config_free(&scfg);
    mbedtls_ssl_config_free(&ccfg);
    return ok;
}

void on_close(uv_handle_t*) {}

}  // namespace

int main() {
    std::printf("edgestat smoke: libuv %s, %s, sizeof(void*)=%u\n", uv_version_string(),
                [] {
                    static std::array<char, 32> v{};
                    std::memcpy(v.data(), "mbedTLS ", 8);
                    mbedtls_version_get_string(v.data() + 8);
                    return v.data();
                }(),
                static_cast<unsigned>(sizeof(void*)));

    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    std::array<unsigned char, 32> digest{};
    char buf[2 * 64 + 1];
    mbedtls_sha256(reinterpret_cast<const unsigned char*>("abc"), 3, digest.data(), 0);
    hex(digest.data(), digest.size(), buf);
    check(std::string_view(buf) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          "sha256(abc)", buf);

    // PBKDF2-HMAC-SHA256("password", "salt", 1 iteration, 32 bytes).
    std::array<unsigned char, 32> dk{};
    int rc = mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, reinterpret_cast<const unsigned char*>("password"),
                                           8, reinterpret_cast<const unsigned char*>("salt"), 4, 1,
                                           static_cast<uint32_t>(dk.size()), dk.data());
    hex(dk.data(), dk.size(), buf);
    check(rc == 0 && std::string_view(buf) == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
          "pbkdf2-hmac-sha256", buf);

    check(psa_crypto_init() == PSA_SUCCESS, "psa_crypto_init");

    Tls t;
    mbedtls_entropy_init(&t.entropy);
    mbedtls_ctr_drbg_init(&t.drbg);
    mbedtls_x509_crt_init(&t.cert);
    mbedtls_pk_init(&t.key);
    rc = mbedtls_ctr_drbg_seed(&t.drbg, mbedtls_entropy_func, &t.entropy,
                               reinterpret_cast<const unsigned char*>("edgestat"), 8);
    check(rc == 0, "ctr_drbg seeded from getrandom");
    rc = mbedtls_x509_crt_parse(&t.cert, reinterpret_cast<const unsigned char*>(kCertPem.data()),
                                kCertPem.size() + 1);
    check(rc == 0, "x509 parse (PEM)");
    rc = mbedtls_pk_parse_key(&t.key, reinterpret_cast<const unsigned char*>(kKeyPem.data()), kKeyPem.size() + 1,
                              nullptr, 0, mbedtls_ctr_drbg_random, &t.drbg);
    check(rc == 0, "pk parse (PKCS#8 EC key)");

    // The server config the agent will use: defaults must succeed.
    mbedtls_ssl_config srv_defaults;
    mbedtls_ssl_config_init(&srv_defaults);
    rc = mbedtls_ssl_config_defaults(&srv_defaults, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    check(rc == 0, "mbedtls_ssl_config_defaults(server)");
    mbedtls_ssl_config_free(&srv_defaults);

    static const uint16_t kX25519[] = {MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
    static const uint16_t kP384[] = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
    static const uint16_t kP256[] = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
    static const int kAes128Gcm13[] = {MBEDTLS_TLS1_3_AES_128_GCM_SHA256, 0};
    static const int kChaCha13[] = {MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, 0};
    static const int kAes256Gcm12[] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 0};
    handshake(t, "tls1.3 x25519 handshake + record", MBEDTLS_SSL_VERSION_TLS1_3, kX25519, kAes128Gcm13);
    handshake(t, "tls1.3 secp384r1 handshake + record", MBEDTLS_SSL_VERSION_TLS1_3, kP384, kChaCha13);
    handshake(t, "tls1.2 secp256r1 handshake + record", MBEDTLS_SSL_VERSION_TLS1_2, kP256, kAes256Gcm12);

    mbedtls_pk_free(&t.key);
    mbedtls_x509_crt_free(&t.cert);
    mbedtls_ctr_drbg_free(&t.drbg);
    mbedtls_entropy_free(&t.entropy);
    mbedtls_psa_crypto_free();

    // libuv: a loop with a TCP listener on loopback, as the agent's server.
    uv_loop_t loop;
    uv_tcp_t server;
    sockaddr_in addr{};
    rc = uv_loop_init(&loop);
    if (rc == 0) rc = uv_tcp_init(&loop, &server);
    if (rc == 0) rc = uv_ip4_addr("127.0.0.1", 0, &addr);
    if (rc == 0) rc = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&addr), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server), 16, [](uv_stream_t*, int) {});
    int port = 0;
    if (rc == 0) {
        sockaddr_in bound{};
        int len = sizeof bound;
        rc = uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&bound), &len);
        port = ntohs(bound.sin_port);
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&server), on_close);
    uv_run(&loop, UV_RUN_DEFAULT);
    int close_rc = uv_loop_close(&loop);
    std::snprintf(buf, sizeof buf, "port %d, %s", port, rc == 0 ? "closed" : uv_strerror(rc));
    check(rc == 0 && port > 0 && close_rc == 0, "libuv tcp listen on 127.0.0.1", buf);

    std::printf(g_failures == 0 ? "SMOKE OK\n" : "SMOKE FAILED (%d)\n", g_failures);
    return g_failures == 0 ? 0 : 1;
}
