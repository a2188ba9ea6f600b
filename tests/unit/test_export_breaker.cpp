// The circuit breaker and the backoff as pure state machines, driven by a
// fake clock (plain integers): no sleeps, no timing assumptions.
#include <doctest/doctest.h>

#include "export/backoff.hpp"
#include "export/breaker.hpp"

using namespace edgestat::exporter;

TEST_CASE("breaker: closed -> open after the threshold, half-open probe, closes on success") {
  Breaker b({3, 1, 1000, 8000});
  int64_t t = 0;
  CHECK(b.state() == BreakerState::Closed);
  b.failure(t);
  b.failure(t);
  CHECK(b.allow(t));
  b.success();  // a success resets the count
  b.failure(t);
  b.failure(t);
  CHECK(b.state() == BreakerState::Closed);
  b.failure(t);
  CHECK(b.state() == BreakerState::Open);
  CHECK(b.opened_total() == 1);
  CHECK_FALSE(b.allow(t + 999));
  CHECK(b.allow(t + 1000));
  CHECK(b.state() == BreakerState::HalfOpen);
  b.success();
  CHECK(b.state() == BreakerState::Closed);
}

TEST_CASE("breaker: a failed probe reopens for twice as long, capped; success resets the open time") {
  Breaker b({1, 2, 1000, 3000});
  b.failure(0);
  CHECK(b.reopen_at_ms() == 1000);
  CHECK(b.allow(1000));
  b.failure(1000);
  CHECK(b.state() == BreakerState::Open);
  CHECK(b.reopen_at_ms() == 3000);
  CHECK(b.allow(3000));
  b.failure(3000);
  CHECK(b.reopen_at_ms() == 6000);  // 4000 capped at 3000
  CHECK(b.allow(6000));
  b.success();
  CHECK(b.state() == BreakerState::HalfOpen);  // success_threshold 2
  b.success();
  CHECK(b.state() == BreakerState::Closed);
  b.failure(10000);
  CHECK(b.reopen_at_ms() == 11000);
  CHECK(b.opened_total() == 4);
}

TEST_CASE("backoff: grows with jitter in [base/2, base], capped, reset by success, honours Retry-After") {
  Backoff b({1000, 8000, 60000});
  uint32_t seed = 7;
  uint64_t base = 1000;
  for (int i = 0; i < 10; ++i) {
    int64_t at = b.fail(100, xorshift32(seed));
    uint64_t d = static_cast<uint64_t>(at - 100);
    CHECK(d >= base / 2);
    CHECK(d <= base);
    base = base * 2 > 8000 ? 8000 : base * 2;
  }
  CHECK(b.attempts() == 10);
  // Retry-After longer than the backoff wins; beyond the cap it is clamped.
  CHECK(b.fail(0, 0, 30000) == 30000);
  CHECK(b.fail(0, 0, 999999999) == 60000);
  b.reset();
  CHECK(b.attempts() == 0);
  int64_t first = b.fail(0, 0xffffffffu);
  CHECK(first >= 500);
  CHECK(first <= 1000);
}

TEST_CASE("Retry-After: delay-seconds only") {
  uint64_t ms = 0;
  CHECK(parse_retry_after("120", &ms));
  CHECK(ms == 120000);
  CHECK(parse_retry_after(" 0 ", &ms));
  CHECK(ms == 0);
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", &ms));
  CHECK_FALSE(parse_retry_after("-1", &ms));
  CHECK_FALSE(parse_retry_after("", &ms));
  CHECK_FALSE(parse_retry_after("99999999999999999999999", &ms));
}
