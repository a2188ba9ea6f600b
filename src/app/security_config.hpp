#pragma once
// Cross-key checks of [tls], [access] and [auth] that the generic loader
// cannot make (CIDR syntax, password hash format, TLS prerequisites), run by
// load_config so check-config, start-up and SIGHUP all report them with
// the key named. Files (certificates, keys) are read at start and reload,
// not here.
#include "config/config.hpp"
#include "config/errors.hpp"

namespace edgestat {

void validate_security_config(const Config& c, ConfigErrors& errors);

}  // namespace edgestat
