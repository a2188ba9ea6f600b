// The exporter's TLS client in a -DEDGESTAT_TLS=OFF build: no mbedTLS SSL or
// X.509 code is linked, so an https:// target cannot be served. Config
// validation refuses such a target (app/security_config.cpp), so load()
// never runs in practice; it still fails cleanly, naming why.
#include "export/tls_client.hpp"

namespace edgestat::exporter {

TlsClientConfig::TlsClientConfig() = default;
TlsClientConfig::~TlsClientConfig() = default;

bool TlsClientConfig::load(const TlsClientSettings&, std::string_view, http::TlsError* why, const char** key) {
  why->assign("this build has no TLS (built with -DEDGESTAT_TLS=OFF)");
  if (key) *key = "url";
  return false;
}

}  // namespace edgestat::exporter
