#include "app/security_config.hpp"

#include "config/export_schema.hpp"
#include "config/origin.hpp"
#include "core/ascii.hpp"
#include "core/listen_address.hpp"
#include "http/access_policy.hpp"
#include "http/tls_context.hpp"

namespace edgestat {

void validate_security_config(const Config& c, ConfigErrors& errors) {
  static http::AccessPolicy scratch;  // ~10 KiB: not on the stack
  scratch.configure(c, errors);

  const auto& t = c.tls;
  KeyWhere w = key_where(c, "tls", "listen_address");
  for (const ConfigString& a : t.listen_address) {
    FixedString<64> host;
    uint16_t port = 0;
    const char* why = "";
    if (!parse_listen_address(a.view(), &host, &port, &why))
      errors.add("%s[tls] listen_address \"%s\": %s", w.c_str(), a.c_str(), why);
    for (const ConfigString& p : c.web.listen_address)
      if (p.view() == a.view())
        errors.add("%s[tls] listen_address \"%s\" is also a [web] listen_address", w.c_str(), a.c_str());
  }
  bool https = !t.listen_address.empty();
  if (https && !http::kTlsBuilt)
    errors.add("%s[tls] listen_address is set: this build has no TLS (built with -DEDGESTAT_TLS=OFF); use a TLS build",
               w.c_str());
  if (https && (t.cert_file.empty() || t.key_file.empty()))
    errors.add("%s[tls] listen_address is set: cert_file and key_file are required",
               pair_where(c, "tls", t.cert_file.empty() ? "key_file" : "cert_file", "tls", "listen_address").c_str());
  if (!https && t.cert_file.empty() != t.key_file.empty())
    errors.add("%s[tls] cert_file and key_file go together",
               key_where(c, "tls", t.cert_file.empty() ? "key_file" : "cert_file").c_str());
  auto auth = static_cast<http::ClientAuth>(t.client_auth);
  if (auth != http::ClientAuth::None && t.client_ca_file.empty())
    errors.add("%s[tls] client_auth = %s needs client_ca_file", key_where(c, "tls", "client_auth").c_str(),
               auth == http::ClientAuth::Optional ? "optional" : "required");
  if (auth == http::ClientAuth::None && !t.client_allowed_names.empty())
    errors.add("%s[tls] client_allowed_names needs client_auth = optional or required",
               key_where(c, "tls", "client_allowed_names").c_str());
  if (t.min_version == 1 && !http::kTls13Available)
    errors.add("%s[tls] min_version = 1.3: this build's mbedTLS has no TLS 1.3 server (Debian's 2.28); use 1.2",
               key_where(c, "tls", "min_version").c_str());
  // The exporter's https:// targets need the TLS client a -DEDGESTAT_TLS=OFF
  // build leaves out.
  if (!http::kTlsBuilt)
    for (const ExportTargetConfig& x : c.exporter.targets)
      if (iequals(x.url.view().substr(0, 8), "https://"))
        errors.add("%s:%u: [export.%.*s.%s] url = \"%s\": this build has no TLS (built with -DEDGESTAT_TLS=OFF); "
                   "use http:// or a TLS build",
                   x.file.c_str(), export_key_line(x, "url"), int(export_kind_name(x.kind).size()),
                   export_kind_name(x.kind).data(), x.name.c_str(), x.url.c_str());
  for (const ConfigString& name : t.cipher_suites)
    if (http::cipher_suite_id(name.view()) == 0)
      errors.add("%s[tls] cipher_suites \"%s\": not available in this build",
                 key_where(c, "tls", "cipher_suites").c_str(), name.c_str());
}

}  // namespace edgestat
