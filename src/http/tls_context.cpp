#include "http/tls_context.hpp"

#include <mbedtls/x509.h>
#if defined(MBEDTLS_ERROR_C)
#include <mbedtls/error.h>
#endif
#if defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/ascii.hpp"
#include "core/civil_time.hpp"
#include "http/request_parser.hpp"

namespace edgestat::http {
namespace {

mbedtls_entropy_context g_entropy;
mbedtls_ctr_drbg_context g_drbg;
bool g_ready = false;

// Modern defaults: forward secrecy (ECDHE) and AEAD only, TLS 1.3 suites
// first where the build has them. Names the build lacks are skipped.
constexpr std::string_view kDefaultSuites[] = {
    "TLS1-3-AES-128-GCM-SHA256",
    "TLS1-3-AES-256-GCM-SHA384",
    "TLS1-3-CHACHA20-POLY1305-SHA256",
    "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
    "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256",
    "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384",
    "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384",
    "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256",
    "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256",
};

void set_error(TlsError* why, const char* what, std::string_view file, int code) {
  char buf[256];
  TlsError e;
  if (code != 0) tls_strerror(code, &e);
  int n = std::snprintf(buf, sizeof buf, "%s%s%.*s%s%s", what, file.empty() ? "" : " ", int(file.size()),
                        file.data(), code != 0 ? ": " : "", code != 0 ? e.c_str() : "");
  // A long path can push the library's reason past the buffer; say it was cut
  // rather than end mid-word as if that were the whole message.
  if (n >= int(sizeof buf)) std::memcpy(buf + sizeof buf - 4, "...", 4);
  why->assign(buf);
}

// A NUL-terminated copy for the mbedTLS file APIs.
bool path_cstr(std::string_view s, char (&out)[256]) {
  if (s.size() >= sizeof out) return false;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return true;
}

bool equal_nocase(const unsigned char* p, size_t n, std::string_view s) {
  return n == s.size() && iequals(std::string_view(reinterpret_cast<const char*>(p), n), s);
}

// Suites older libraries still compile in that nobody should offer: broken
// ciphers and hashes, no encryption, no authentication, export grade.
bool weak_suite(std::string_view name) {
  for (std::string_view bad : {"RC4", "NULL", "DES", "MD5", "EXPORT", "ANON"})
    for (size_t i = 0; i + bad.size() <= name.size(); ++i)
      if (iequals(name.substr(i, bad.size()), bad)) return true;
  return false;
}

}  // namespace

void tls_strerror(int code, TlsError* out) {
  char buf[200];
  int n = std::snprintf(buf, sizeof buf, "-0x%04x", static_cast<unsigned>(code < 0 ? -code : code));
#if defined(MBEDTLS_ERROR_C)
  if (n > 0 && static_cast<size_t>(n) < sizeof buf - 4) {
    buf[n++] = ' ';
    buf[n++] = '(';
    mbedtls_strerror(code, buf + n, sizeof buf - static_cast<size_t>(n) - 1);
    size_t len = std::strlen(buf);
    if (len + 1 < sizeof buf) {
      buf[len] = ')';
      buf[len + 1] = '\0';
    }
  }
#else
  (void)n;
#endif
  out->assign(buf);
}

bool tls_global_init(TlsError* why) {
  if (g_ready) return true;
#if defined(MBEDTLS_PSA_CRYPTO_C)
  // mbedTLS 3.x runs TLS 1.3 (and, with USE_PSA_CRYPTO, all of TLS) on PSA.
  if (psa_crypto_init() != PSA_SUCCESS) {
    why->assign("psa_crypto_init failed (no entropy?)");
    return false;
  }
#endif
  mbedtls_entropy_init(&g_entropy);
  mbedtls_ctr_drbg_init(&g_drbg);
  static const unsigned char kPers[] = "edgestat tls";
  int rc = mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, kPers, sizeof kPers - 1);
  if (rc != 0) {
    set_error(why, "cannot seed the TLS random generator", {}, rc);
    return false;
  }
  g_ready = true;
  return true;
}

mbedtls_ctr_drbg_context* tls_drbg() { return &g_drbg; }

int64_t x509_time_to_unix(const mbedtls_x509_time& t) {
  CivilTime c;
  c.year = t.year, c.month = t.mon, c.day = t.day;
  c.hour = t.hour, c.minute = t.min, c.second = t.sec;
  return unix_from_civil(c);
}

int cipher_suite_id(std::string_view name) {
  char buf[96];
  if (name.empty() || name.size() + 4 >= sizeof buf) return 0;
  size_t o = 0;
  // IANA TLS 1.3 names have no key exchange: TLS_AES_128_GCM_SHA256 is
  // mbedTLS's TLS1-3-AES-128-GCM-SHA256.
  bool v13 = name.size() > 4 && (iequals(name.substr(0, 8), "TLS_AES_") || iequals(name.substr(0, 13), "TLS_CHACHA20_"));
  if (v13) {
    std::memcpy(buf, "TLS1-3", 6);
    o = 6;
    name.remove_prefix(3);
  }
  for (char c : name) buf[o++] = c == '_' ? '-' : (c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  buf[o] = '\0';
  return mbedtls_ssl_get_ciphersuite_id(buf);
}

bool tls_load_key_for(mbedtls_x509_crt* cert, mbedtls_pk_context* key, std::string_view cert_file,
                      std::string_view key_file, TlsError* why) {
  char path[256];
  if (!path_cstr(key_file, path)) return why->assign("key file path too long"), false;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  int rc = mbedtls_pk_parse_keyfile(key, path, nullptr, mbedtls_ctr_drbg_random, &g_drbg);
#else
  int rc = mbedtls_pk_parse_keyfile(key, path, nullptr);
#endif
  if (rc != 0) return set_error(why, "cannot load private key", key_file, rc), false;
  // A key from another pair loads fine and fails every handshake later;
  // say so now, naming both files. 3.x needs the RNG (it blinds the
  // private-key operation of the check).
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  rc = mbedtls_pk_check_pair(&cert->pk, key, mbedtls_ctr_drbg_random, &g_drbg);
#else
  rc = mbedtls_pk_check_pair(&cert->pk, key);
#endif
  if (rc != 0) {
    char what[320];
    std::snprintf(what, sizeof what, "private key %.*s does not match the certificate in", int(key_file.size()),
                  key_file.data());
    return set_error(why, what, cert_file, rc), false;
  }
  return true;
}

TlsContext::TlsContext() {
  mbedtls_ssl_config_init(&conf_);
  mbedtls_x509_crt_init(&cert_);
  mbedtls_x509_crt_init(&ca_);
  mbedtls_pk_init(&key_);
}

TlsContext::~TlsContext() {
  mbedtls_ssl_config_free(&conf_);
  mbedtls_x509_crt_free(&cert_);
  mbedtls_x509_crt_free(&ca_);
  mbedtls_pk_free(&key_);
}

void TlsContext::unref() {
  if (--refs_ > 0) return;
  this->~TlsContext();
  std::free(this);
}

bool TlsContext::name_allowed(const mbedtls_x509_crt* crt) const {
  if (names_.empty()) return true;
  static constexpr unsigned char kOidCn[] = {0x55, 0x04, 0x03};  // 2.5.4.3
  for (const ConfigString& want : names_) {
    for (const mbedtls_x509_name* n = &crt->subject; n; n = n->next)
      if (n->oid.len == 3 && std::memcmp(n->oid.p, kOidCn, 3) == 0 && equal_nocase(n->val.p, n->val.len, want.view()))
        return true;
    // SAN entries are kept raw with their context tag; [2] is dNSName.
    for (const mbedtls_x509_sequence* s = &crt->subject_alt_names; s && s->buf.p; s = s->next)
      if (s->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2) && equal_nocase(s->buf.p, s->buf.len, want.view()))
        return true;
  }
  return false;
}

int TlsContext::verify_cb(void* ctx, mbedtls_x509_crt* crt, int depth, uint32_t* flags) {
  // Called for each certificate of the client's chain, the leaf last
  // (depth 0): a chain that verifies but names someone not allowed fails.
  const TlsContext* c = static_cast<const TlsContext*>(ctx);
  if (depth == 0 && !c->name_allowed(crt)) *flags |= MBEDTLS_X509_BADCERT_OTHER;
  return 0;
}

TlsContext* TlsContext::load(const TlsSettings& s, TlsError* why, const char** key) {
  const char* unused = "";
  const char*& at = key ? *key : unused;
  at = "listen_address";
  if (!tls_global_init(why)) return nullptr;
  if (s.cert_file.empty() || s.key_file.empty()) {
    at = s.cert_file.empty() ? "cert_file" : "key_file";
    why->assign("[tls] cert_file and key_file are required for HTTPS listeners");
    return nullptr;
  }
  if (s.min_tls13 && !kTls13Available) {
    at = "min_version";
    why->assign("[tls] min_version = 1.3: this build's mbedTLS has no TLS 1.3 server (mbedTLS 2.28)");
    return nullptr;
  }
  void* mem = std::calloc(1, sizeof(TlsContext));
  if (!mem) {
    why->assign("out of memory");
    return nullptr;
  }
  TlsContext* t = new (mem) TlsContext();
  auto fail = [&]() -> TlsContext* {
    t->unref();
    return nullptr;
  };
  char path[256];
  int rc = 0;
  at = "cert_file";
  if (!path_cstr(s.cert_file, path)) return why->assign("[tls] cert_file path too long"), fail();
  if ((rc = mbedtls_x509_crt_parse_file(&t->cert_, path)) != 0)
    return set_error(why, "cannot load certificate", s.cert_file, rc), fail();
  at = "key_file";
  if (!tls_load_key_for(&t->cert_, &t->key_, s.cert_file, s.key_file, why)) return fail();
  t->not_after_ = x509_time_to_unix(t->cert_.valid_to);
  t->not_before_ = x509_time_to_unix(t->cert_.valid_from);
  char subj[256];
  if (mbedtls_x509_dn_gets(subj, sizeof subj, &t->cert_.subject) > 0) t->subject_.assign(subj);

  t->auth_ = s.client_auth;
  at = "client_ca_file";
  if (t->auth_ != ClientAuth::None) {
    if (s.client_ca_file.empty())
      return why->assign("[tls] client_auth needs client_ca_file (the CA client certificates chain to)"), fail();
    if (!path_cstr(s.client_ca_file, path)) return why->assign("[tls] client_ca_file path too long"), fail();
    if ((rc = mbedtls_x509_crt_parse_file(&t->ca_, path)) != 0)
      return set_error(why, "cannot load client CA", s.client_ca_file, rc), fail();
  }
  if (s.allowed_names) t->names_ = *s.allowed_names;

  // Cipher suites: the configured ones (each must exist here) or the
  // default list (those this build has).
  at = "cipher_suites";
  if (s.cipher_suites && !s.cipher_suites->empty()) {
    for (const ConfigString& name : *s.cipher_suites) {
      int id = cipher_suite_id(name.view());
      if (weak_suite(name.view())) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "[tls] cipher_suites: \"%.200s\" is too weak to offer", name.c_str());
        why->assign(buf);
        return fail();
      }
      if (id == 0) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "[tls] cipher_suites: \"%.190s\" is not available in this build", name.c_str());
        why->assign(buf);
        return fail();
      }
      if (t->ncipher_ < kMaxCipherSuites) t->ciphers_[t->ncipher_++] = id;
    }
  } else {
    for (std::string_view name : kDefaultSuites) {
      int id = cipher_suite_id(name);
      if (id != 0 && t->ncipher_ < kMaxCipherSuites) t->ciphers_[t->ncipher_++] = id;
    }
  }
  t->ciphers_[t->ncipher_] = 0;

  mbedtls_ssl_config* c = &t->conf_;
  at = "listen_address";
  rc = mbedtls_ssl_config_defaults(c, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return set_error(why, "mbedtls_ssl_config_defaults", {}, rc), fail();
  mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &g_drbg);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_ssl_conf_min_tls_version(c, s.min_tls13 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(c, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
  mbedtls_ssl_conf_ciphersuites(c, t->ciphers_);
  if ((rc = mbedtls_ssl_conf_own_cert(c, &t->cert_, &t->key_)) != 0)
    return set_error(why, "mbedtls_ssl_conf_own_cert", {}, rc), fail();
  switch (t->auth_) {
    case ClientAuth::None: mbedtls_ssl_conf_authmode(c, MBEDTLS_SSL_VERIFY_NONE); break;
    case ClientAuth::Optional: mbedtls_ssl_conf_authmode(c, MBEDTLS_SSL_VERIFY_OPTIONAL); break;
    case ClientAuth::Required: mbedtls_ssl_conf_authmode(c, MBEDTLS_SSL_VERIFY_REQUIRED); break;
  }
  if (t->auth_ != ClientAuth::None) {
    mbedtls_ssl_conf_ca_chain(c, &t->ca_, nullptr);
    mbedtls_ssl_conf_verify(c, verify_cb, t);
  }
  return t;
}

}  // namespace edgestat::http
