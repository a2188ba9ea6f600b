#include "app/security_metrics.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kCertExpiry{"edgestat_tls_cert_expiry_timestamp_seconds",
                                 "Expiry (notAfter) of the serving TLS certificate, in unix seconds.",
                                 MetricType::Gauge};
constexpr FamilyDesc kTlsOpen{"edgestat_tls_connections", "TLS connections open now.", MetricType::Gauge};
constexpr FamilyDesc kTlsMax{"edgestat_tls_max_connections", "TLS connections allowed at once ([tls] max_connections).",
                             MetricType::Gauge};
constexpr FamilyDesc kHandshakes{"edgestat_tls_handshakes_total", "TLS handshakes by result: ok, failed, timeout.",
                                 MetricType::Counter};
constexpr FamilyDesc kRefused{"edgestat_http_refused_total",
                              "Connections and requests refused by access control, by reason.", MetricType::Counter};
constexpr FamilyDesc kRateClients{"edgestat_rate_limit_clients", "Client addresses the rate limiter tracks now.",
                                  MetricType::Gauge};

}  // namespace

void add_security_metrics(Snapshot& snap, const SecurityInputs& in) {
  if (in.access) {
    const http::AccessStats& s = in.access->stats();
    for (size_t r = 0; r < http::kRefusalCount; ++r) {
      Label l{"reason", http::refusal_name(static_cast<http::Refusal>(r))};
      snap.add(kRefused, static_cast<double>(s.refused[r]), &l, 1);
    }
    if (in.access->limiter().enabled()) snap.add(kRateClients, static_cast<double>(in.access->limiter().tracked()));
  }
  if (in.tls) {
    if (in.cert_not_after != 0) snap.add(kCertExpiry, static_cast<double>(in.cert_not_after));
    snap.add(kTlsOpen, static_cast<double>(in.tls->open));
    snap.add(kTlsMax, static_cast<double>(in.tls_max_connections));
    Label ok{"result", "ok"}, failed{"result", "failed"}, timeout{"result", "timeout"};
    snap.add(kHandshakes, static_cast<double>(in.tls->handshakes_ok), &ok, 1);
    snap.add(kHandshakes, static_cast<double>(in.tls->handshakes_failed), &failed, 1);
    snap.add(kHandshakes, static_cast<double>(in.tls->handshake_timeouts), &timeout, 1);
  }
}

}  // namespace edgestat
