#pragma once
// The server's TLS configuration as mbedTLS objects: certificate chain,
// private key, client CA chain, cipher suites, versions, client
// certificate policy, all in one refcounted TlsContext built from [tls].
//
// Reload (SIGHUP) builds a whole new context from the files; if anything
// is wrong (unreadable file, key not matching the certificate, unknown
// cipher) the running context stays and the reason is logged. Connections
// keep the context they started with (each holds a reference), so a reload
// never pulls a certificate from under a handshake; the old context is
// freed when its last connection closes.
//
// Builds against mbedTLS 2.28 (Debian's, native builds) and 3.6 LTS (the
// static builds, toolchains/mbedtls_config_edgestat.h); differences are
// behind MBEDTLS_VERSION_NUMBER. TLS 1.3 exists only on 3.x builds.
//
// Only the loop thread calls into mbedTLS (MBEDTLS_THREADING_C is off).
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "core/fixed_string.hpp"

namespace edgestat::http {

// A build with -DEDGESTAT_TLS=OFF (LAN-only routers) links no TLS or X.509
// code: tls_none.cpp stands in for tls_context.cpp and tls_session.cpp and
// refuses every TLS setting (check-config says so).
#ifdef EDGESTAT_NO_TLS
inline constexpr bool kTlsBuilt = false;
#else
inline constexpr bool kTlsBuilt = true;
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && !defined(EDGESTAT_NO_TLS)
inline constexpr bool kTls13Available = true;
#else
inline constexpr bool kTls13Available = false;
#endif

enum class ClientAuth : uint8_t { None, Optional, Required };

// Cipher suites one context may list (the default list is 9).
inline constexpr size_t kMaxCipherSuites = 16;

using TlsError = FixedString<256>;

// "-0x7780 (SSL - A fatal alert message was received from our peer)" or,
// without MBEDTLS_ERROR_C (the trimmed static config), the code alone.
void tls_strerror(int code, TlsError* out);

// The process's DRBG (seeded from the kernel once) and, on 3.x, PSA init.
// False (with *why) if the kernel gives no entropy.
bool tls_global_init(TlsError* why);
mbedtls_ctr_drbg_context* tls_drbg();

// Unix seconds of an X.509 time (UTC).
int64_t x509_time_to_unix(const mbedtls_x509_time& t);

// The cipher suite id for an IANA ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
// "TLS_AES_128_GCM_SHA256") or mbedTLS ("TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256")
// name; 0 when this build does not have it.
int cipher_suite_id(std::string_view name);

// Parses the PEM/DER private key in key_file into key and checks that it
// is the private half of cert's public key (mbedtls_pk_check_pair). False
// with *why naming the file(s) on either failure. Needs tls_global_init.
bool tls_load_key_for(mbedtls_x509_crt* cert, mbedtls_pk_context* key, std::string_view cert_file,
                      std::string_view key_file, TlsError* why);

struct TlsSettings {
  std::string_view cert_file, key_file, client_ca_file;
  ClientAuth client_auth = ClientAuth::None;
  const ConfigList* allowed_names = nullptr;  // may be null or empty
  bool min_tls13 = false;
  const ConfigList* cipher_suites = nullptr;  // null or empty: the default list
};
TlsSettings tls_settings(const Config& c);

class TlsContext {
 public:
  // Builds a context from the files (allocates: start and reload only).
  // nullptr with *why on any problem, and *key (when given) names the [tls]
  // key at fault ("cert_file", "key_file", ...) so callers can say where it
  // was set.
  static TlsContext* load(const TlsSettings& s, TlsError* why, const char** key = nullptr);

  void ref() { ++refs_; }
  void unref();  // deletes at zero

  const mbedtls_ssl_config* conf() const { return &conf_; }
  ClientAuth client_auth() const { return auth_; }
  // The leaf certificate's validity (unix seconds) and subject, for
  // /health, /metrics and the logs.
  int64_t not_after() const { return not_after_; }
  int64_t not_before() const { return not_before_; }
  std::string_view subject() const { return subject_.view(); }
  size_t cipher_count() const { return ncipher_; }

  // Whether a client certificate's CN or DNS SANs match allowed names
  // (true when no names are configured).
  bool name_allowed(const mbedtls_x509_crt* crt) const;

 private:
  TlsContext();
  ~TlsContext();
  static int verify_cb(void* ctx, mbedtls_x509_crt* crt, int depth, uint32_t* flags);

  mbedtls_ssl_config conf_;
  mbedtls_x509_crt cert_, ca_;
  mbedtls_pk_context key_;
  int ciphers_[kMaxCipherSuites + 1] = {};
  size_t ncipher_ = 0;
  ConfigList names_;
  ClientAuth auth_ = ClientAuth::None;
  int64_t not_after_ = 0, not_before_ = 0;
  FixedString<256> subject_;
  uint32_t refs_ = 1;
};

}  // namespace edgestat::http
