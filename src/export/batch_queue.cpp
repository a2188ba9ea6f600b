#include "export/batch_queue.hpp"

#include <cstring>

#include "core/reserve.hpp"

namespace edgestat::exporter {

BatchQueue::~BatchQueue() { release_array(buf_, cap_); }

bool BatchQueue::init(size_t bytes) {
  cap_ = bytes & ~size_t{7};
  buf_ = reserve_array<uint8_t>(cap_);
  return buf_ != nullptr;
}

uint8_t* BatchQueue::reserve(size_t max_len) {
  const size_t need = span(max_len);
  if (need > cap_) return nullptr;
  if (count_ == 0) head_ = tail_ = 0;
  if (count_ == 0 || tail_ > head_) {
    // Free: [tail, cap) and [0, head).
    if (cap_ - tail_ >= need) {
      reserved_at_ = tail_;
      return buf_ + tail_ + sizeof(Header);
    }
    if (head_ > need) {  // strictly: tail must not catch up with head
      reserved_at_ = 0;
      return buf_ + sizeof(Header);
    }
    return nullptr;
  }
  // tail < head (wrapped): free is [tail, head).
  if (head_ - tail_ > need) {
    reserved_at_ = tail_;
    return buf_ + tail_ + sizeof(Header);
  }
  return nullptr;
}

void BatchQueue::commit(size_t len, uint32_t samples, int64_t created_ms) {
  if (reserved_at_ == 0 && tail_ != 0 && count_ > 0) {
    // Wrapped: mark the skipped end (if a header fits there) and count it.
    if (cap_ - tail_ >= sizeof(Header)) {
      Header w{kWrap, 0, 0};
      std::memcpy(buf_ + tail_, &w, sizeof w);
    }
    used_ += cap_ - tail_;
  }
  Header h{static_cast<uint32_t>(len), samples, created_ms};
  std::memcpy(buf_ + reserved_at_, &h, sizeof h);
  tail_ = reserved_at_ + span(len);
  used_ += span(len);
  ++count_;
}

QueuedBatch BatchQueue::front() const {
  QueuedBatch b;
  if (count_ == 0) return b;
  size_t at = head_;
  Header h;
  if (cap_ - at < sizeof h) at = 0;
  std::memcpy(&h, buf_ + at, sizeof h);
  if (h.len == kWrap) {
    at = 0;
    std::memcpy(&h, buf_, sizeof h);
  }
  b.data = buf_ + at + sizeof h;
  b.len = h.len;
  b.samples = h.samples;
  b.created_ms = h.created_ms;
  return b;
}

void BatchQueue::pop() {
  if (count_ == 0) return;
  Header h;
  if (cap_ - head_ < sizeof h) {
    used_ -= cap_ - head_;
    head_ = 0;
  }
  std::memcpy(&h, buf_ + head_, sizeof h);
  if (h.len == kWrap) {
    used_ -= cap_ - head_;
    head_ = 0;
    std::memcpy(&h, buf_, sizeof h);
  }
  head_ += span(h.len);
  used_ -= span(h.len);
  if (--count_ == 0) head_ = tail_ = used_ = 0;
}

}  // namespace edgestat::exporter
