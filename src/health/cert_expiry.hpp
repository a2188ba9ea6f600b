#pragma once
// /health's tls_certificate check: the serving certificate expires within
// kCertExpiryDegradedDays -> degraded (renew it), has expired (or is not
// valid yet) -> unhealthy: clients verifying it cannot scrape. Pure.
#include <cstdint>

#include "health/health.hpp"

namespace edgestat {

// Fourteen days: time for a human or an ACME timer to notice and renew.
inline constexpr int64_t kCertExpiryDegradedDays = 14;

HealthCheck check_tls_certificate(int64_t not_before, int64_t not_after, int64_t now);

}  // namespace edgestat
