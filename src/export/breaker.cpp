#include "export/breaker.hpp"

namespace edgestat::exporter {

std::string_view breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half_open";
  }
  return "closed";
}

bool Breaker::allow(int64_t now_ms) {
  if (state_ == BreakerState::Open && now_ms >= until_ms_) {
    state_ = BreakerState::HalfOpen;
    successes_ = 0;
  }
  return state_ != BreakerState::Open;
}

void Breaker::open(int64_t now_ms) {
  state_ = BreakerState::Open;
  until_ms_ = now_ms + static_cast<int64_t>(open_for_ms_);
  ++opened_total_;
}

void Breaker::success() {
  failures_ = 0;
  if (state_ == BreakerState::HalfOpen && ++successes_ < p_.success_threshold) return;
  state_ = BreakerState::Closed;
  open_for_ms_ = p_.open_ms;
}

void Breaker::failure(int64_t now_ms) {
  ++failures_;
  if (state_ == BreakerState::HalfOpen) {
    // The probe failed: stay away longer this time.
    open_for_ms_ = open_for_ms_ * 2 > p_.max_open_ms ? p_.max_open_ms : open_for_ms_ * 2;
    open(now_ms);
    return;
  }
  if (state_ == BreakerState::Closed && failures_ >= p_.failure_threshold) open(now_ms);
}

}  // namespace edgestat::exporter
