// [tls] as TlsSettings: plain config reading, in TLS and no-TLS builds alike.
#include "http/tls_context.hpp"

namespace edgestat::http {

TlsSettings tls_settings(const Config& c) {
  TlsSettings s;
  s.cert_file = c.tls.cert_file.view();
  s.key_file = c.tls.key_file.view();
  s.client_ca_file = c.tls.client_ca_file.view();
  s.client_auth = static_cast<ClientAuth>(c.tls.client_auth);
  s.allowed_names = &c.tls.client_allowed_names;
  s.min_tls13 = c.tls.min_version == 1;
  s.cipher_suites = &c.tls.cipher_suites;
  return s;
}

}  // namespace edgestat::http
