#pragma once
// Retry timing for one target, as a pure state machine over times the
// caller passes in (tests drive it with a fake clock): exponential backoff
// with full jitter (AWS's "full jitter": a uniform draw in [base/2, base],
// so a fleet of agents that lost the same receiver does not come back in
// lock-step), capped, reset by a success, and never sooner than a server's
// Retry-After.
#include <cstdint>
#include <string_view>

namespace edgestat::exporter {

struct BackoffPolicy {
  uint64_t initial_ms = 1000;
  uint64_t max_ms = 60000;
  // A Retry-After beyond this is clamped: a misconfigured receiver must not
  // park an agent for a day.
  uint64_t max_retry_after_ms = 300000;
};

class Backoff {
 public:
  explicit Backoff(const BackoffPolicy& p = {}) : p_(p), next_ms_(p.initial_ms) {}
  void set_policy(const BackoffPolicy& p) {
    p_ = p;
    reset();
  }

  // After a failure at now_ms: when to try again. random is any 32-bit draw
  // (the caller's PRNG), retry_after_ms the server's hint (0: none).
  int64_t fail(int64_t now_ms, uint32_t random, uint64_t retry_after_ms = 0);
  void reset() { next_ms_ = p_.initial_ms; attempts_ = 0; }
  uint32_t attempts() const { return attempts_; }  // failures since the last success
  uint64_t last_delay_ms() const { return last_ms_; }

 private:
  BackoffPolicy p_;
  uint64_t next_ms_;
  uint64_t last_ms_ = 0;
  uint32_t attempts_ = 0;
};

// Retry-After in delay-seconds form ("120"). The HTTP-date form is taken as
// "no hint" (receivers we push to send seconds); false if absent or bad.
bool parse_retry_after(std::string_view v, uint64_t* ms);

// xorshift32: a deterministic, allocation-free draw for jitter, seeded per
// target from the clock and the target's index.
inline uint32_t xorshift32(uint32_t& s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

}  // namespace edgestat::exporter
