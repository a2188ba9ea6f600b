#pragma once
// A circuit breaker per target, as a pure state machine over times the
// caller passes in (tests use a fake clock).
//
//   closed     requests flow; failure_threshold consecutive failures open it
//   open       nothing is sent (new batches go to the spool) until
//              open_timeout has passed, then one probe is allowed:
//   half_open  the probe's outcome decides: success_threshold successes
//              close it, a failure opens it again with the open time doubled
//              (capped at max_open), so a receiver that is down for an hour
//              is probed rarely, and one that is back is found quickly.
//
// Only delivery failures count (network errors, timeouts, 429 and 5xx); a
// 4xx that drops a batch says the data was bad, not the receiver.
#include <cstdint>
#include <string_view>

namespace edgestat::exporter {

enum class BreakerState : uint8_t { Closed, Open, HalfOpen };
std::string_view breaker_state_name(BreakerState s);

struct BreakerPolicy {
  uint32_t failure_threshold = 5;
  uint32_t success_threshold = 1;
  uint64_t open_ms = 30000;
  uint64_t max_open_ms = 300000;
};

class Breaker {
 public:
  explicit Breaker(const BreakerPolicy& p = {}) : p_(p), open_for_ms_(p.open_ms) {}

  // May a request start at now_ms? In open state this turns half-open once
  // the open time has passed (the caller then sends one probe).
  bool allow(int64_t now_ms);
  void success();
  void failure(int64_t now_ms);

  BreakerState state() const { return state_; }
  // When an open breaker will allow a probe (meaningful in Open).
  int64_t reopen_at_ms() const { return until_ms_; }
  uint64_t opened_total() const { return opened_total_; }
  uint32_t consecutive_failures() const { return failures_; }

 private:
  void open(int64_t now_ms);

  BreakerPolicy p_;
  BreakerState state_ = BreakerState::Closed;
  uint32_t failures_ = 0, successes_ = 0;
  uint64_t open_for_ms_;
  int64_t until_ms_ = 0;
  uint64_t opened_total_ = 0;
};

}  // namespace edgestat::exporter
