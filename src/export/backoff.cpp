#include "export/backoff.hpp"

#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::exporter {

int64_t Backoff::fail(int64_t now_ms, uint32_t random, uint64_t retry_after_ms) {
  uint64_t base = next_ms_;
  // Full jitter in the upper half: at least base/2, so the backoff still
  // grows, at most base.
  uint64_t half = base / 2;
  uint64_t delay = half + (half ? random % (half + 1) : 0);
  if (retry_after_ms) {
    if (retry_after_ms > p_.max_retry_after_ms) retry_after_ms = p_.max_retry_after_ms;
    if (delay < retry_after_ms) delay = retry_after_ms;
  }
  next_ms_ = base * 2 > p_.max_ms ? p_.max_ms : base * 2;
  last_ms_ = delay;
  ++attempts_;
  return now_ms + static_cast<int64_t>(delay);
}

bool parse_retry_after(std::string_view v, uint64_t* ms) {
  v = trim(v);
  auto s = parse_u64(v);
  // A day in seconds fits easily; anything longer is clamped by the policy.
  if (!s || *s > 86400ull * 365) return false;
  *ms = *s * 1000;
  return true;
}

}  // namespace edgestat::exporter
