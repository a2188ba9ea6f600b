#include "http/body_pool.hpp"

#include "core/checked.hpp"
#include "core/reserve.hpp"

namespace edgestat::http {

BodyPool::~BodyPool() { release_array(mem_, n_ * bytes_); }  // checked by init

bool BodyPool::init(uint32_t slots, size_t bytes_each) {
  if (mem_ || slots == 0 || slots > kMaxSlots || bytes_each == 0) return false;
  size_t total = 0;
  if (!alloc_size(slots, bytes_each, &total)) return false;  // would wrap on 32-bit
  mem_ = reserve_array<char>(total);
  if (!mem_) return false;
  n_ = slots;
  bytes_ = bytes_each;
  for (uint32_t i = 0; i < n_; ++i) slot_[i].data = mem_ + i * bytes_;
  return true;
}

int BodyPool::lookup(uint64_t key) const {
  for (uint32_t i = 0; i < n_; ++i)
    if (slot_[i].cached && slot_[i].key == key) return static_cast<int>(i);
  return kNone;
}

int BodyPool::newest(uint64_t mask, uint64_t want) const {
  int best = kNone;
  for (uint32_t i = 0; i < n_; ++i) {
    const Slot& s = slot_[i];
    if (!s.cached || (s.key & mask) != want) continue;
    if (best == kNone || s.stamp > slot_[best].stamp) best = static_cast<int>(i);
  }
  return best;
}

int BodyPool::take() {
  int best = kNone;
  for (uint32_t i = 0; i < n_; ++i) {
    const Slot& s = slot_[i];
    if (s.pins != 0) continue;
    if (!s.cached) {
      best = static_cast<int>(i);
      break;
    }
    if (best == kNone || s.stamp < slot_[best].stamp) best = static_cast<int>(i);
  }
  if (best != kNone) {
    slot_[best].cached = false;
    slot_[best].len = 0;
  }
  return best;
}

void BodyPool::publish(int slot, uint64_t key, size_t len) {
  Slot& s = slot_[slot];
  s.len = len;
  s.key = key;
  s.cached = true;
  s.stamp = ++clock_;
}

void BodyPool::set_uncached(int slot, size_t len) {
  Slot& s = slot_[slot];
  s.len = len;
  s.cached = false;
  s.stamp = ++clock_;
}

}  // namespace edgestat::http
