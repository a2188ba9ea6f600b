#pragma once
// Encoded request bodies waiting to be sent, oldest first, in one byte ring
// reserved at start (queue_bytes of the target). Each entry is contiguous
// (a body goes to uv_write or the spool as one piece): an entry that does
// not fit before the end of the ring starts again at its beginning, and
// the unused end is skipped. No allocation; a full queue refuses.
#include <cstddef>
#include <cstdint>

namespace edgestat::exporter {

struct QueuedBatch {
  const uint8_t* data = nullptr;
  uint32_t len = 0;
  uint32_t samples = 0;
  int64_t created_ms = 0;
};

class BatchQueue {
 public:
  BatchQueue() = default;
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;
  ~BatchQueue();

  bool init(size_t bytes);
  // Room for a body of up to max_len bytes, or nullptr when full.
  uint8_t* reserve(size_t max_len);
  // Makes the reserved body (len <= the reserved max_len) the newest entry.
  void commit(size_t len, uint32_t samples, int64_t created_ms);
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  size_t used() const { return used_; }
  size_t capacity() const { return cap_; }
  QueuedBatch front() const;
  void pop();

 private:
  struct Header {
    uint32_t len;  // kWrap: the rest of the ring is unused
    uint32_t samples;
    int64_t created_ms;
  };
  static constexpr uint32_t kWrap = 0xffffffffu;
  static size_t span(size_t len) { return sizeof(Header) + ((len + 7) & ~size_t{7}); }

  uint8_t* buf_ = nullptr;
  size_t cap_ = 0, head_ = 0, tail_ = 0, used_ = 0, count_ = 0;
  size_t reserved_at_ = 0;
};

}  // namespace edgestat::exporter
