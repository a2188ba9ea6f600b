#include "export/tls_client.hpp"

#include <mbedtls/ctr_drbg.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace edgestat::exporter {
namespace {

bool cstr(std::string_view s, char (&out)[256]) {
  if (s.size() >= sizeof out) return false;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return true;
}

bool fail(http::TlsError* why, const char* what, std::string_view file, int rc) {
  char buf[256];
  http::TlsError e;
  if (rc) http::tls_strerror(rc, &e);
  std::snprintf(buf, sizeof buf, "%s %.*s%s%s", what, int(file.size() > 150 ? 150 : file.size()), file.data(),
                rc ? ": " : "", rc ? e.c_str() : "");
  why->assign(buf);
  return false;
}

}  // namespace

TlsClientConfig::TlsClientConfig() {
  mbedtls_ssl_config_init(&conf_);
  mbedtls_x509_crt_init(&ca_);
  mbedtls_x509_crt_init(&cert_);
  mbedtls_pk_init(&key_);
}

TlsClientConfig::~TlsClientConfig() {
  mbedtls_ssl_config_free(&conf_);
  mbedtls_x509_crt_free(&ca_);
  mbedtls_x509_crt_free(&cert_);
  mbedtls_pk_free(&key_);
}

bool TlsClientConfig::load(const TlsClientSettings& s, std::string_view host, http::TlsError* why, const char** key) {
  const char* unused = "";
  const char*& at = key ? *key : unused;
  at = "url";
  if (loaded_) return fail(why, "TLS client configured twice", {}, 0);
  if (!http::tls_global_init(why)) return false;
  char path[256];
  int rc = 0;
  if (!s.insecure_skip_verify) {
    at = "tls_ca_file";
    std::string_view ca = s.ca_file;
    if (ca.empty()) {
      for (const char* b : kSystemCaBundles)
        if (::access(b, R_OK) == 0) {
          ca = b;
          break;
        }
      if (ca.empty()) return fail(why, "no tls_ca_file and no system CA bundle", kSystemCaBundles[0], 0);
    }
    if (!cstr(ca, path)) return fail(why, "tls_ca_file path too long", {}, 0);
    if ((rc = mbedtls_x509_crt_parse_file(&ca_, path)) < 0) return fail(why, "cannot load CA", ca, rc);
  }
  at = s.cert_file.empty() ? "tls_key_file" : "tls_cert_file";
  if (s.cert_file.empty() != s.key_file.empty())
    return fail(why, "tls_cert_file and tls_key_file go together", {}, 0);
  if (!s.cert_file.empty()) {
    if (!cstr(s.cert_file, path)) return fail(why, "tls_cert_file path too long", {}, 0);
    if ((rc = mbedtls_x509_crt_parse_file(&cert_, path)) != 0)
      return fail(why, "cannot load client certificate", s.cert_file, rc);
    at = "tls_key_file";
    if (!http::tls_load_key_for(&cert_, &key_, s.cert_file, s.key_file, why)) return false;
  }
  at = "tls_server_name";
  if (!name_.assign(s.server_name.empty() ? host : s.server_name)) return fail(why, "server name too long", {}, 0);
  at = "url";

  rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                   MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return fail(why, "mbedtls_ssl_config_defaults", {}, rc);
  mbedtls_ssl_conf_rng(&conf_, mbedtls_ctr_drbg_random, http::tls_drbg());
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_ssl_conf_min_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(&conf_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
  if (s.insecure_skip_verify) {
    mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
  } else {
    mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
  }
  if (!s.cert_file.empty() && (rc = mbedtls_ssl_conf_own_cert(&conf_, &cert_, &key_)) != 0)
    return fail(why, "mbedtls_ssl_conf_own_cert", {}, rc);
  loaded_ = true;
  return true;
}

}  // namespace edgestat::exporter
