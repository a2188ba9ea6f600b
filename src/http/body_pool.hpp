#pragma once
// A few fixed body buffers shared by every response that carries a
// rendered body (/metrics, /api/v1/snapshot). A buffer holds one rendering,
// cached under a key (snapshot generation and format) so concurrent scrapes
// of one snapshot render once; each in-flight write pins the buffer it
// sends from, and only an unpinned buffer is ever re-rendered into, so a
// slow client reading an old body never sees it change under it.
//
// Invariant: take() never returns a pinned slot. Everything else follows:
// a pinned slot's bytes are immutable until its last unpin.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::http {

class BodyPool {
 public:
  static constexpr int kNone = -1;
  // More slots than this would mean a config error (memory is slots x bytes).
  static constexpr uint32_t kMaxSlots = 64;

  BodyPool() = default;
  BodyPool(const BodyPool&) = delete;
  BodyPool& operator=(const BodyPool&) = delete;
  ~BodyPool();

  // Reserves slots x bytes_each. Call once.
  bool init(uint32_t slots, size_t bytes_each);
  uint32_t slots() const { return n_; }
  size_t slot_bytes() const { return bytes_; }

  // The cached slot holding key, or kNone.
  int lookup(uint64_t key) const;
  // The newest cached slot whose key matches want under mask (same format,
  // any generation), or kNone: the fallback when every slot is pinned.
  int newest(uint64_t mask, uint64_t want) const;
  // An unpinned slot to render into, preferring one that caches nothing,
  // then the least recently filled; its cached body is dropped. kNone when
  // every slot is pinned.
  int take();
  // Caches the len bytes rendered into slot under key.
  void publish(int slot, uint64_t key, size_t len);
  // A one-off body (a filtered render): never found by lookup(), free for
  // take() again once unpinned.
  void set_uncached(int slot, size_t len);

  void pin(int slot) { ++slot_[slot].pins; }
  void unpin(int slot) {
    if (slot_[slot].pins > 0) --slot_[slot].pins;
  }
  uint32_t pins(int slot) const { return slot_[slot].pins; }
  char* data(int slot) { return slot_[slot].data; }
  std::string_view body(int slot) const { return {slot_[slot].data, slot_[slot].len}; }
  uint64_t key(int slot) const { return slot_[slot].key; }
  bool cached(int slot) const { return slot_[slot].cached; }

 private:
  struct Slot {
    char* data = nullptr;
    size_t len = 0;
    uint64_t key = 0;
    uint64_t stamp = 0;  // when filled; larger is newer
    uint32_t pins = 0;
    bool cached = false;
  };
  Slot slot_[kMaxSlots];
  char* mem_ = nullptr;
  uint32_t n_ = 0;
  size_t bytes_ = 0;
  uint64_t clock_ = 0;
};

}  // namespace edgestat::http
