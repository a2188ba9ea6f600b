#include "health/cert_expiry.hpp"

#include <cstdio>

namespace edgestat {

HealthCheck check_tls_certificate(int64_t not_before, int64_t not_after, int64_t now) {
  HealthCheck c;
  c.name = "tls_certificate";
  char buf[160];
  int64_t left = not_after - now;
  if (now < not_before) {
    c.status = HealthStatus::Unhealthy;
    std::snprintf(buf, sizeof buf, "server certificate is not valid for another %lld s",
                  static_cast<long long>(not_before - now));
  } else if (left <= 0) {
    c.status = HealthStatus::Unhealthy;
    std::snprintf(buf, sizeof buf, "server certificate expired %lld days ago", static_cast<long long>(-left / 86400));
  } else if (left < kCertExpiryDegradedDays * 86400) {
    c.status = HealthStatus::Degraded;
    std::snprintf(buf, sizeof buf, "server certificate expires in %lld days, %lld hours",
                  static_cast<long long>(left / 86400), static_cast<long long>(left % 86400 / 3600));
  } else {
    std::snprintf(buf, sizeof buf, "server certificate valid for %lld more days", static_cast<long long>(left / 86400));
  }
  c.detail.assign(buf);
  return c;
}

}  // namespace edgestat
