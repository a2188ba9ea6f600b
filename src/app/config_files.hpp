#pragma once
// What start-up finds beyond the config's own syntax, found without
// starting: the HTTPS certificate and key (readable, parseable, the key the
// certificate's own), the push targets' CA, client certificate and key and
// credential files, the [ingest] and [history] specs the pipeline parses,
// and the records writer's retention budget. Each check calls the same loader start-up calls, so check-config
// and start-up cannot disagree, and each error names where the key was set
// (file:line, variable or flag). Reads files and allocates (mbedTLS):
// check-config only; start-up finds the same problems when it loads them.
#include "config/config.hpp"
#include "config/errors.hpp"

namespace edgestat {

void check_config_files(const Config& c, ConfigErrors& errors);

}  // namespace edgestat
