#pragma once
// exporter-toolkit's web-config.yml (node_exporter --web.config.file), read
// strictly as exporter-toolkit reads it (an unknown key is an error) and
// mapped onto the [tls], [auth] and [access] keys it corresponds to, so one
// code path serves both spellings (README, Securing edgestat):
//
//   tls_server_config.cert_file/key_file  -> [tls] cert_file/key_file, and
//       every [web] listen_address becomes a [tls] listen_address (node_exporter
//       serves TLS on its listen addresses)
//   client_auth_type, client_ca_file, client_allowed_sans, min_version,
//   cipher_suites                          -> [tls] client_auth, ...
//   basic_auth_users (bcrypt hashes)       -> [auth] users name:$2y$...
//   http_server_config.headers             -> [tls] hsts_max_age and the
//       security headers edgestat always sends
//
// What edgestat cannot honour exactly (TLS 1.0/1.1, curve_preferences,
// rate_limit, client certificates that are not verified) is a warning that
// says what is done instead; inline PEM (cert, key, client_ca) is an error.
// Relative file names are relative to the YAML file's directory, as in
// exporter-toolkit.
#include <string_view>

#include "config/config.hpp"
#include "config/errors.hpp"

namespace edgestat {

// Pure: applies the text (origin names it in messages, dir resolves
// relative file names) onto c.
void apply_web_config(std::string_view text, std::string_view origin, std::string_view dir, Config& c,
                      ConfigErrors& e);
// Reads path and applies it.
void apply_web_config_file(const char* path, Config& c, ConfigErrors& e);

}  // namespace edgestat
