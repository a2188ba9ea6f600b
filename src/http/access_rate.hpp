#pragma once
// Per-client token-bucket rate limit in a fixed table with LRU eviction.
//
// Each client address has a bucket holding up to `burst` tokens, refilled
// at `rate` tokens a second; a request takes one token or is refused (429
// with Retry-After: the seconds until a token is back). Buckets live in a
// table of `clients` entries reserved at start, found through a hash with
// chaining and kept in LRU order; a new client when the table is full takes
// the least recently seen client's entry (which restarts with a full bucket
// when it returns). One noisy client only ever drains its own bucket.
//
// IPv6 clients are keyed by their /64: one host usually owns a whole /64
// and could otherwise hop addresses to get fresh buckets. IPv4 (and mapped)
// clients are keyed by the full address.
//
// Time is passed in (milliseconds, monotonic), so tests drive it.
#include <cstddef>
#include <cstdint>

#include "http/access_cidr.hpp"
#include "http/auth_budget.hpp"

namespace edgestat::http {

class RateLimiter {
 public:
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;
  ~RateLimiter();

  // Reserves the table; rate 0 disables limiting. False if memory is short.
  bool init(uint32_t clients, double rate_per_s, double burst);
  // New rate and burst from a reload (the table size stays).
  void set_rate(double rate_per_s, double burst) {
    rate_ = rate_per_s;
    burst_ = burst < 1 ? 1 : burst;
  }
  bool enabled() const { return rate_ > 0 && cap_ > 0; }

  // True if the client may proceed (a token was taken). Otherwise
  // *retry_after_s is the whole seconds until a token is back (>= 1).
  bool allow(const IpAddr& client, uint64_t now_ms, uint32_t* retry_after_s);

  // The client's password-check budget (auth_budget.hpp) in the same
  // table, whether or not the rate limit is on; a new entry starts with
  // `full` ms. Null when the table has no room reserved (rate_limit_clients
  // 0). Valid until the next call.
  CostBucket* cost_bucket(const IpAddr& client, uint64_t now_ms, double full);

  uint32_t tracked() const { return used_; }
  uint64_t evictions() const { return evictions_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Entry {
    IpAddr key;
    double tokens;
    uint64_t last_ms;
    uint32_t chain;  // next entry in the same hash bucket
    uint32_t prev, next;  // LRU list: head is the most recently used
    CostBucket cost;      // password checks (auth_budget.hpp)
    bool cost_set;        // cost started full for this client
  };
  // The entry of client key k (found, or added in place of the least
  // recently seen), moved to the LRU head; *added when it is new.
  uint32_t touch(const IpAddr& k, uint64_t now_ms, bool* added);
  uint32_t hash(const IpAddr& k) const;
  void lru_unlink(uint32_t i);
  void lru_push_front(uint32_t i);
  void chain_remove(uint32_t i);

  Entry* entries_ = nullptr;
  uint32_t* heads_ = nullptr;  // hash buckets, nbuckets_ (power of two)
  uint32_t cap_ = 0, nbuckets_ = 0, used_ = 0;
  uint32_t lru_head_ = kNone, lru_tail_ = kNone;
  uint32_t seed_ = 0;
  double rate_ = 0, burst_ = 1;
  uint64_t evictions_ = 0;
};

}  // namespace edgestat::http
