#include "http/auth_budget.hpp"

#include <cmath>

namespace edgestat::http {

bool CostBucket::may_start(uint64_t now_ms, double rate, double burst, uint32_t* retry_s) {
  if (now_ms > last_ms) {
    tokens += static_cast<double>(now_ms - last_ms) * rate / 1000.0;
    if (tokens > burst) tokens = burst;
    last_ms = now_ms;
  }
  if (tokens >= 0) return true;
  // Out of debt after -tokens / rate seconds.
  double up = std::ceil(-tokens / rate);
  *retry_s = up < 1 ? 1 : up > 3600 ? 3600 : static_cast<uint32_t>(up);
  return false;
}

}  // namespace edgestat::http
