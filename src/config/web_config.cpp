#include "config/web_config.hpp"

#include <cstdlib>

#include "config/schema.hpp"
#include "config/yaml_subset.hpp"
#include "core/ascii.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// A web-config.yml larger than this is not one.
constexpr size_t kMaxWebConfigBytes = 64 * 1024;

struct Mapper {
  std::string_view origin, dir;
  Config& c;
  ConfigErrors& e;
  // Keys seen, for "set twice" and for the checks at the end.
  bool cert_file = false, key_file = false, client_auth = false, client_ca = false;
  bool any_tls = false, any_users = false;
  bool list_started[4] = {};  // cipher_suites, client_allowed_sans, curve_preferences

  void err(const YamlEntry& y, const char* why) {
    e.add("%.*s:%u: %.*s: %s", int(origin.size()), origin.data(), y.line, int(y.path.size()), y.path.data(), why);
  }
  void warn(const YamlEntry& y, const char* what) {
    e.warn("%.*s:%u: %.*s: %s", int(origin.size()), origin.data(), y.line, int(y.path.size()), y.path.data(), what);
  }
  // Sets an edgestat key from this entry, naming the YAML line on failure.
  void set(const YamlEntry& y, std::string_view section, std::string_view key, std::string_view value, bool append) {
    const KeySpec* k = find_key(section, key);
    const char* why = "";
    if (!k || !set_key(c, *k, value, append, &why)) {
      e.add("%.*s:%u: %.*s = \"%.*s\": %s", int(origin.size()), origin.data(), y.line, int(y.path.size()),
            y.path.data(), int(value.size() > 120 ? 120 : value.size()), value.data(), k ? why : "no such key");
    }
  }
  void set_path(const YamlEntry& y, std::string_view key) {
    if (y.value.empty()) return;
    if (y.value[0] == '/' || dir.empty()) return set(y, "tls", key, y.value, false);
    FixedString<512> full;
    full.assign(dir);
    full.push_back('/');
    if (!full.append(y.value)) return err(y, "path too long");
    set(y, "tls", key, full.view(), false);
  }
  bool list(const YamlEntry& y, size_t slot) {
    // A sequence's first item replaces the default; the rest append.
    bool append = list_started[slot];
    list_started[slot] = true;
    if (!y.seq && !y.value.empty()) {
      err(y, "expected a list ([a, b] or - items)");
      return false;
    }
    return append;
  }
  void tls(const YamlEntry& y, std::string_view key);
  void header(const YamlEntry& y, std::string_view name);
  void entry(const YamlEntry& y);
};

void Mapper::tls(const YamlEntry& y, std::string_view key) {
  any_tls = any_tls || !y.value.empty();
  if (key == "cert_file") {
    cert_file = !y.value.empty();
    set_path(y, "cert_file");
  } else if (key == "key_file") {
    key_file = !y.value.empty();
    set_path(y, "key_file");
  } else if (key == "client_ca_file") {
    client_ca = !y.value.empty();
    set_path(y, "client_ca_file");
  } else if (key == "cert" || key == "key" || key == "client_ca") {
    if (!y.value.empty()) err(y, "inline PEM is not supported: put it in a file and use cert_file, key_file, client_ca_file");
  } else if (key == "client_auth_type") {
    client_auth = true;
    std::string_view v = y.value;
    if (v.empty() || v == "NoClientCert") {
      set(y, "tls", "client_auth", "none", false);
    } else if (v == "VerifyClientCertIfGiven") {
      set(y, "tls", "client_auth", "optional", false);
    } else if (v == "RequireAndVerifyClientCert") {
      set(y, "tls", "client_auth", "required", false);
    } else if (v == "RequestClientCert") {
      warn(y, "RequestClientCert: edgestat verifies a client certificate that is sent against client_ca_file "
              "(as VerifyClientCertIfGiven)");
      set(y, "tls", "client_auth", "optional", false);
    } else if (v == "RequireAnyClientCert" || v == "RequireClientCert") {
      warn(y, "RequireAnyClientCert: edgestat verifies the required client certificate against client_ca_file "
              "(as RequireAndVerifyClientCert)");
      set(y, "tls", "client_auth", "required", false);
    } else {
      err(y, "not one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
             "RequireAndVerifyClientCert");
    }
  } else if (key == "client_allowed_sans") {
    bool append = list(y, 1);
    if (y.seq) set(y, "tls", "client_allowed_names", y.value, append);
  } else if (key == "cipher_suites") {
    bool append = list(y, 0);
    if (y.seq) set(y, "tls", "cipher_suites", y.value, append);
  } else if (key == "curve_preferences") {
    list(y, 2);
    if (!y.seq) return;
    std::string_view v = y.value;
    if (v != "X25519" && v != "CurveP256" && v != "CurveP384" && v != "CurveP521")
      return err(y, "unknown curve (X25519, CurveP256, CurveP384, CurveP521)");
    warn(y, "curve preferences are not applied: mbedTLS's default groups are offered");
  } else if (key == "min_version") {
    std::string_view v = y.value;
    if (v == "TLS12" || v.empty()) {
      set(y, "tls", "min_version", "1.2", false);
    } else if (v == "TLS13") {
      set(y, "tls", "min_version", "1.3", false);
    } else if (v == "TLS10" || v == "TLS11") {
      warn(y, "edgestat's lowest TLS version is 1.2");
      set(y, "tls", "min_version", "1.2", false);
    } else {
      err(y, "not one of TLS10, TLS11, TLS12, TLS13");
    }
  } else if (key == "max_version") {
    std::string_view v = y.value;
    if (v == "TLS10" || v == "TLS11") return err(y, "edgestat's lowest TLS version is 1.2");
    if (v != "TLS12" && v != "TLS13" && !v.empty()) return err(y, "not one of TLS10, TLS11, TLS12, TLS13");
    if (v == "TLS12") warn(y, "TLS12: not enforced; an mbedTLS 3 build also offers TLS 1.3 (set min_version to pin one)");
  } else if (key == "prefer_server_cipher_suites") {
    if (y.value != "true" && y.value != "false" && !y.value.empty()) return err(y, "expected true or false");
    // Go ignores it too since 1.18: the server's order is used.
  } else {
    err(y, "unknown key (exporter-toolkit's tls_server_config keys: cert_file, key_file, client_auth_type, "
           "client_ca_file, client_allowed_sans, cipher_suites, curve_preferences, min_version, max_version, "
           "prefer_server_cipher_suites)");
  }
}

// exporter-toolkit allows these headers only; edgestat sends its own
// security headers (access.security_headers) and HSTS from [tls].
void Mapper::header(const YamlEntry& y, std::string_view name) {
  std::string_view v = y.value;
  if (name == "Strict-Transport-Security") {
    std::string_view rest = trim(v);
    if (!starts_with(rest, "max-age=")) return err(y, "edgestat sends Strict-Transport-Security: max-age=N only");
    rest.remove_prefix(8);
    std::string_view num = trim(next_field(rest, ';'));
    if (!trim(rest).empty()) warn(y, "only max-age is sent (includeSubDomains and preload are left out)");
    FixedString<32> ms;
    ms.assign(num);
    ms.push_back('s');
    set(y, "tls", "hsts_max_age", ms.view(), false);
  } else if (name == "X-Content-Type-Options") {
    if (v != "nosniff") return err(y, "exporter-toolkit allows only nosniff");
    set(y, "access", "security_headers", "true", false);
  } else if (name == "X-Frame-Options") {
    if (!iequals(v, "deny") && !iequals(v, "sameorigin")) return err(y, "exporter-toolkit allows only deny or sameorigin");
    if (!iequals(v, "deny")) warn(y, "edgestat sends X-Frame-Options: DENY");
    set(y, "access", "security_headers", "true", false);
  } else if (name == "X-XSS-Protection") {
    warn(y, "not sent: browsers dropped X-XSS-Protection; edgestat sends Content-Security-Policy instead");
  } else {
    err(y, "exporter-toolkit does not allow this header (Strict-Transport-Security, X-Content-Type-Options, "
           "X-Frame-Options, X-XSS-Protection)");
  }
}

void Mapper::entry(const YamlEntry& y) {
  std::string_view path = y.path;
  std::string_view top = next_field(path, '.');
  if (top == "tls_server_config") {
    if (path.empty()) return;  // an empty section
    if (path.find('.') != std::string_view::npos) return err(y, "unknown key");
    return tls(y, path);
  }
  if (top == "http_server_config") {
    if (path.empty()) return;
    if (path == "http2") {
      if (y.value != "true" && y.value != "false") return err(y, "expected true or false");
      return;  // edgestat speaks HTTP/1.1; clients fall back without ALPN h2
    }
    std::string_view sub = next_field(path, '.');
    if (sub == "headers") return path.empty() ? void() : header(y, path);
    return err(y, "unknown key (http_server_config keys: http2, headers)");
  }
  if (top == "basic_auth_users") {
    if (path.empty()) return;
    if (y.seq) return err(y, "expected user: bcrypt hash");
    if (!starts_with(y.value, "$2a$") && !starts_with(y.value, "$2b$") && !starts_with(y.value, "$2y$"))
      return err(y, "not a bcrypt hash ($2y$..., e.g. from htpasswd -nBC 10 \"\" | tr -d ':\\n')");
    FixedString<256> u;
    u.assign(path);
    u.push_back(':');
    if (!u.append(y.value)) return err(y, "user and hash too long");
    any_users = true;
    return set(y, "auth", "users", u.view(), true);
  }
  if (top == "rate_limit") {
    if (path == "burst" || path == "interval" || path.empty())
      return path.empty() ? void() : warn(y, "exporter-toolkit's global rate limit is not applied: use [access] rate_limit (per client)");
    return err(y, "unknown key (rate_limit keys: burst, interval)");
  }
  err(y, "unknown key (exporter-toolkit's web config has tls_server_config, http_server_config, basic_auth_users, "
         "rate_limit)");
}

}  // namespace

void apply_web_config(std::string_view text, std::string_view origin, std::string_view dir, Config& c,
                      ConfigErrors& e) {
  Mapper m{origin, dir, c, e};
  YamlReader r(text);
  YamlEntry y;
  for (;;) {
    YamlStatus st = r.next(&y);
    if (st == YamlStatus::End) break;
    if (st == YamlStatus::Error) {
      e.add("%.*s:%u: %s", int(origin.size()), origin.data(), r.line(), r.error());
      return;  // the structure is unknown from here on
    }
    m.entry(y);
  }
  // exporter-toolkit: TLS is off only when none of these is set.
  bool tls_on = m.cert_file || m.key_file || m.client_ca;
  if (!tls_on) {
    if (m.any_tls) e.add("%.*s: tls_server_config without cert_file and key_file", int(origin.size()), origin.data());
    return;
  }
  if (!m.cert_file || !m.key_file) {
    e.add("%.*s: tls_server_config needs both cert_file and key_file", int(origin.size()), origin.data());
    return;
  }
  if (!c.tls.listen_address.empty()) {
    e.add("%.*s: tls_server_config and [tls] listen_address: use one or the other", int(origin.size()),
          origin.data());
    return;
  }
  // node_exporter serves TLS on its --web.listen-address.
  c.tls.listen_address = c.web.listen_address;
  c.web.listen_address.clear();
}

void apply_web_config_file(const char* path, Config& c, ConfigErrors& e) {
  char* buf = static_cast<char*>(std::malloc(kMaxWebConfigBytes));  // start-up and reload only, freed below
  if (!buf) {
    e.add("%s: out of memory reading the web config", path);
    return;
  }
  size_t n = 0;
  Status st = read_file(path, buf, kMaxWebConfigBytes, &n);
  if (!st) {
    e.add("--web.config.file: %s", st.c_str());
  } else {
    std::string_view p(path);
    size_t slash = p.rfind('/');
    std::string_view dir = slash == std::string_view::npos ? std::string_view(".") : p.substr(0, slash == 0 ? 1 : slash);
    apply_web_config(std::string_view(buf, n), p, dir, c, e);
  }
  std::free(buf);
}

}  // namespace edgestat
