#pragma once
// An append-only writer over a caller-owned fixed buffer. Overflow is sticky:
// once a write does not fit, the buffer is marked and later writes are
// ignored, so a renderer can write freely and check once at the end.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/copy.hpp"
#include "core/number.hpp"

namespace edgestat {

class OutBuffer {
 public:
  OutBuffer() = default;
  OutBuffer(char* data, size_t cap) : data_(data), cap_(cap) {}

  void reset(char* data, size_t cap) {
    data_ = data;
    cap_ = cap;
    len_ = 0;
    overflow_ = false;
  }
  void clear() {
    len_ = 0;
    overflow_ = false;
  }

  void put(char c) {
    if (!overflow_ && len_ < cap_) {
      data_[len_++] = c;
    } else {
      overflow_ = true;
    }
  }
  void put(std::string_view s) {
    if (s.empty()) return;  // an empty view may carry a null pointer memcpy must not see
    if (overflow_ || s.size() > cap_ - len_) {
      overflow_ = true;
      return;
    }
    copy_bytes(data_ + len_, s.data(), s.size());
    len_ += s.size();
  }
  void put_u64(uint64_t v) {
    char tmp[kIntChars];
    put(std::string_view(tmp, format_u64(v, tmp)));
  }
  void put_i64(int64_t v) {
    char tmp[kIntChars];
    put(std::string_view(tmp, format_i64(v, tmp)));
  }
  void put_double(double v) {
    char tmp[kDoubleChars];
    put(std::string_view(tmp, format_double(v, tmp)));
  }

  // Room for n bytes written straight at the returned pointer, then
  // commit(k) with k <= n: one bounds check for a whole line instead of
  // one per piece. Null (and the buffer marked overflowed) when n does not
  // fit, as put() would.
  char* reserve(size_t n) {
    if (overflow_ || n > cap_ - len_) {
      overflow_ = true;
      return nullptr;
    }
    return data_ + len_;
  }
  void commit(size_t k) { len_ += k; }

  bool overflowed() const { return overflow_; }
  size_t size() const { return len_; }
  size_t capacity() const { return cap_; }
  char* data() { return data_; }
  std::string_view view() const { return {data_, len_}; }
  void truncate(size_t n) {
    if (n < len_) len_ = n;
  }

 private:
  char* data_ = nullptr;
  size_t cap_ = 0;
  size_t len_ = 0;
  bool overflow_ = false;
};

}  // namespace edgestat
