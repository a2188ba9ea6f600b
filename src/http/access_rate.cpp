#include "http/access_rate.hpp"

#include <cmath>
#include <cstring>

#include "core/hash.hpp"
#include "core/reserve.hpp"
#include "http/access_auth.hpp"

namespace edgestat::http {

RateLimiter::~RateLimiter() {
  release_array(entries_, cap_);
  release_array(heads_, nbuckets_);
}

bool RateLimiter::init(uint32_t clients, double rate_per_s, double burst) {
  set_rate(rate_per_s, burst);
  if (clients == 0) return true;
  cap_ = clients;
  nbuckets_ = 1;
  while (nbuckets_ < clients * 2) nbuckets_ <<= 1;
  entries_ = reserve_array<Entry>(cap_);
  heads_ = reserve_array<uint32_t>(nbuckets_);
  if (!entries_ || !heads_) return false;
  for (uint32_t i = 0; i < nbuckets_; ++i) heads_[i] = kNone;
  // A random seed: clients cannot aim their addresses at one hash chain.
  if (!random_bytes(&seed_, sizeof seed_)) seed_ = 0x9e3779b9u;
  return true;
}

uint32_t RateLimiter::hash(const IpAddr& k) const {
  // FNV-1a, seeded, then a final avalanche.
  return mix32(fnv1a32_bytes(k.b, sizeof k.b, kFnv32Offset ^ seed_)) & (nbuckets_ - 1);
}

void RateLimiter::lru_unlink(uint32_t i) {
  Entry& e = entries_[i];
  if (e.prev != kNone) entries_[e.prev].next = e.next;
  else lru_head_ = e.next;
  if (e.next != kNone) entries_[e.next].prev = e.prev;
  else lru_tail_ = e.prev;
  e.prev = e.next = kNone;
}

void RateLimiter::lru_push_front(uint32_t i) {
  Entry& e = entries_[i];
  e.prev = kNone;
  e.next = lru_head_;
  if (lru_head_ != kNone) entries_[lru_head_].prev = i;
  lru_head_ = i;
  if (lru_tail_ == kNone) lru_tail_ = i;
}

void RateLimiter::chain_remove(uint32_t i) {
  uint32_t* p = &heads_[hash(entries_[i].key)];
  while (*p != kNone && *p != i) p = &entries_[*p].chain;
  if (*p == i) *p = entries_[i].chain;
}

uint32_t RateLimiter::touch(const IpAddr& k, uint64_t now_ms, bool* added) {
  uint32_t b = hash(k);
  uint32_t i = heads_[b];
  while (i != kNone && !(entries_[i].key == k)) i = entries_[i].chain;
  if (i == kNone) {
    if (used_ < cap_) {
      i = used_++;
    } else {
      i = lru_tail_;  // the least recently seen client leaves
      lru_unlink(i);
      chain_remove(i);
      ++evictions_;
    }
    Entry& e = entries_[i];
    e.key = k;
    e.tokens = burst_;
    e.last_ms = now_ms;
    e.chain = heads_[b];
    heads_[b] = i;
    e.prev = e.next = kNone;
    *added = true;
  } else {
    lru_unlink(i);
    *added = false;
  }
  lru_push_front(i);
  return i;
}

CostBucket* RateLimiter::cost_bucket(const IpAddr& client, uint64_t now_ms, double full) {
  if (cap_ == 0) return nullptr;
  bool added = false;
  Entry& e = entries_[touch(client_key(client), now_ms, &added)];
  if (added || !e.cost_set) {  // first seen, or first seen through the rate limit
    e.cost = CostBucket{full, now_ms};
    e.cost_set = true;
  }
  return &e.cost;
}

bool RateLimiter::allow(const IpAddr& client, uint64_t now_ms, uint32_t* retry_after_s) {
  if (!enabled()) return true;
  bool added = false;
  Entry& e = entries_[touch(client_key(client), now_ms, &added)];
  if (added) e.cost_set = false;
  if (now_ms > e.last_ms) {
    e.tokens += static_cast<double>(now_ms - e.last_ms) * rate_ / 1000.0;
    if (e.tokens > burst_) e.tokens = burst_;
    e.last_ms = now_ms;
  }
  if (e.tokens >= 1.0) {
    e.tokens -= 1.0;
    return true;
  }
  double wait_s = (1.0 - e.tokens) / rate_;
  double up = std::ceil(wait_s);
  *retry_after_s = up < 1 ? 1 : up > 86400 ? 86400 : static_cast<uint32_t>(up);
  return false;
}

}  // namespace edgestat::http
