#pragma once
// A bounded single-producer single-consumer ring of fixed-size slots, the
// only thing the loop thread and the writer thread share.
//
// The shape is Linux kfifo's: a power-of-two slot count and free-running
// unsigned indices that are masked on access, so "used = head - tail" stays
// right across the 2^32 wrap with no special case. The threading is rigtorp's
// SPSCQueue: each index is written by one side only, published with release
// and read with acquire, and each side keeps a private copy of the other
// side's index so it touches the shared cache line only when its copy says
// the ring looks full (producer) or empty (consumer).
//
// A slot is a 4-byte length followed by up to slot_bytes - 4 payload bytes.
// Slots are reserved once by init(); push and pop never allocate. A push
// that does not fit (ring full, payload too big) is refused whole and the
// caller counts the drop.
//
// The stated preconditions (pop only what was peeked, reset indices only
// on an empty ring) are asserted in debug builds
// (the sanitizer and fuzz builds keep asserts), where a violation would
// otherwise corrupt records silently.
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/checked.hpp"
#include "core/reserve.hpp"

namespace edgestat {

class SpscRing {
 public:
  // Bytes in front of each payload holding its length.
  static constexpr uint32_t kLengthBytes = 4;
  // 2^24 slots is far beyond any config we ship and keeps head - tail well
  // inside uint32 (the free-running arithmetic needs capacity <= 2^31).
  static constexpr uint32_t kMaxSlots = 1u << 24;
  // One slot may hold a record of at most 16 MiB; larger is a config error.
  static constexpr uint32_t kMaxSlotBytes = 16u << 20;
  // Cache line size for separating the two sides' indices. 64 bytes on every
  // x86 and ARM core we target (std::hardware_destructive_interference_size
  // warns under GCC because it may differ between -mtune settings).
  static constexpr size_t kCacheLine = 64;

  SpscRing() = default;
  ~SpscRing() { release_array(slots_, bytes_); }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Reserves slots x slot_bytes. slots must be a power of two in
  // [1, kMaxSlots]; slot_bytes in (kLengthBytes, kMaxSlotBytes]. False on a
  // bad size or when memory is short. Call once, before the threads start.
  bool init(uint32_t slots, uint32_t slot_bytes) {
    if (slots_ || slots == 0 || slots > kMaxSlots || (slots & (slots - 1)) != 0) return false;
    if (slot_bytes <= kLengthBytes || slot_bytes > kMaxSlotBytes) return false;
    size_t total = 0;
    if (!alloc_size(slots, slot_bytes, &total)) return false;  // 32-bit targets: refuse, never wrap.
    slots_ = reserve_array<uint8_t>(total);
    if (!slots_) return false;
    bytes_ = total;
    mask_ = slots - 1;
    slot_bytes_ = slot_bytes;
    max_payload_ = slot_bytes - kLengthBytes;
    return true;
  }

  uint32_t capacity() const { return mask_ + 1; }
  // Largest payload a push accepts.
  uint32_t max_payload() const { return max_payload_; }
  uint32_t slot_bytes() const { return slot_bytes_; }

  // ---- producer side (one thread) ----

  // Copies n bytes into the next slot. False when the ring is full or n is
  // larger than max_payload(): nothing is written, the caller counts a drop.
  bool try_push(const void* p, uint32_t n) {
    if (n > max_payload_ || !slots_) return false;
    const uint32_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_cache_ > mask_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head - tail_cache_ > mask_) return false;
    }
    uint8_t* slot = slot_at(head);
    std::memcpy(slot, &n, kLengthBytes);
    if (n) std::memcpy(slot + kLengthBytes, p, n);
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // ---- consumer side (one thread) ----

  // The oldest record, or nullptr when the ring is empty. The bytes stay
  // valid and unchanged until pop().
  const uint8_t* front(uint32_t* n) { return peek(0, n); }

  // The i-th oldest record (0 is front()), or nullptr if fewer than i + 1
  // are readable. Lets the consumer build a batch and pop it only once the
  // batch is safely stored.
  const uint8_t* peek(uint32_t i, uint32_t* n) {
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (head_cache_ - tail <= i) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (head_cache_ - tail <= i) return nullptr;
    }
    const uint8_t* slot = slot_at(tail + i);
    std::memcpy(n, slot, kLengthBytes);
    return slot + kLengthBytes;
  }

  // Records the consumer can read now (refreshes its copy of head).
  uint32_t readable() {
    head_cache_ = head_.load(std::memory_order_acquire);
    return head_cache_ - tail_.load(std::memory_order_relaxed);
  }

  // Releases the front record. Only after front()/peek() returned it.
  void pop() { pop_n(1); }
  // Releases the k oldest records; k must not exceed what peek() has shown.
  void pop_n(uint32_t k) {
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    assert(head_cache_ - tail >= k && "pop_n past what peek() has shown");
    tail_.store(tail + k, std::memory_order_release);
  }

  // ---- either side ----

  // Records in the ring, approximate while the other side runs: tail is
  // read before head, so the result is never negative, and it is clamped to
  // capacity (head may have moved on after tail was read).
  uint32_t size() const {
    const uint32_t tail = tail_.load(std::memory_order_acquire);
    const uint32_t head = head_.load(std::memory_order_acquire);
    const uint32_t used = head - tail;
    return used > mask_ ? mask_ + 1 : used;
  }
  bool empty() const { return size() == 0; }

  // Test hook: start both indices at `start` (e.g. just below UINT32_MAX) so
  // tests cross the wrap. Only on an empty ring with neither side running.
  void test_set_indices(uint32_t start) {
    assert(empty() && "test_set_indices on a ring holding records");
    head_.store(start, std::memory_order_relaxed);
    tail_.store(start, std::memory_order_relaxed);
    tail_cache_ = start;
    head_cache_ = start;
  }

 private:
  uint8_t* slot_at(uint32_t index) const { return slots_ + static_cast<size_t>(index & mask_) * slot_bytes_; }

  // Written by the producer: its index and its copy of the consumer's.
  alignas(kCacheLine) std::atomic<uint32_t> head_{0};
  uint32_t tail_cache_ = 0;
  // Written by the consumer: its index and its copy of the producer's.
  alignas(kCacheLine) std::atomic<uint32_t> tail_{0};
  uint32_t head_cache_ = 0;
  // Read-only after init(); on its own line so index writes never evict it.
  alignas(kCacheLine) uint8_t* slots_ = nullptr;
  size_t bytes_ = 0;
  uint32_t mask_ = 0;
  uint32_t slot_bytes_ = 0;
  uint32_t max_payload_ = 0;
};

}  // namespace edgestat
