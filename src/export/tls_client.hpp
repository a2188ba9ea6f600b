#pragma once
// The exporter's TLS client configuration as one mbedTLS ssl_config per
// target: the CA bundle that must sign the receiver's certificate (the
// target's ca_file, else the system bundle), an optional client certificate
// and key (mutual TLS), the server name to verify (the URL's host unless
// server_name says otherwise), TLS 1.2 minimum with the server's modern
// suites. Builds against mbedTLS 2.28 (Debian) and 3.6 (static builds).
// Built at start (allocates then); sessions are per connection
// (http/tls_session.hpp, begin_client).
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <string_view>

#include "core/fixed_string.hpp"
#include "http/tls_context.hpp"

namespace edgestat::exporter {

struct TlsClientSettings {
  std::string_view ca_file, cert_file, key_file, server_name;
  bool insecure_skip_verify = false;
};

// Used when ca_file is empty: Debian's, OpenWrt's (ca-bundle) location.
inline constexpr const char* kSystemCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"};

class TlsClientConfig {
 public:
  TlsClientConfig();
  ~TlsClientConfig();
  TlsClientConfig(const TlsClientConfig&) = delete;
  TlsClientConfig& operator=(const TlsClientConfig&) = delete;

  // host: the URL's host, verified unless server_name is set. On failure
  // *key (when given) names the target's key at fault ("tls_ca_file", ...).
  // The client key must match its certificate.
  bool load(const TlsClientSettings& s, std::string_view host, http::TlsError* why, const char** key = nullptr);
  const mbedtls_ssl_config* conf() const { return &conf_; }
  const char* server_name() const { return name_.c_str(); }

 private:
  mbedtls_ssl_config conf_;
  mbedtls_x509_crt ca_, cert_;
  mbedtls_pk_context key_;
  FixedString<255> name_;
  bool loaded_ = false;
};

}  // namespace edgestat::exporter
