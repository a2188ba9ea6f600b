#pragma once
// The agent's TLS and access-control metrics, added with its own metrics:
//   edgestat_tls_cert_expiry_timestamp_seconds   serving certificate's notAfter
//   edgestat_tls_connections                     TLS sessions open now
//   edgestat_tls_max_connections                 the [tls] max_connections cap
//   edgestat_tls_handshakes_total{result}        ok, failed, timeout
//   edgestat_http_refused_total{reason}          allowlist, rate_limit, host,
//                                                auth_missing, auth_invalid
//   edgestat_rate_limit_clients                  clients the limiter tracks
#include <cstdint>

#include "http/access_policy.hpp"
#include "http/server.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

struct SecurityInputs {
  const http::AccessPolicy* access = nullptr;
  const http::TlsStats* tls = nullptr;  // null: no HTTPS listeners
  uint32_t tls_max_connections = 0;
  int64_t cert_not_after = 0;           // 0: no certificate loaded
};

void add_security_metrics(Snapshot& snap, const SecurityInputs& in);

}  // namespace edgestat
