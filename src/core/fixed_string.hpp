#pragma once
// A string with its capacity in the type: no allocation, and an append that
// does not fit is refused whole and remembered, never silently truncated.
#include <cstddef>
#include <cstring>
#include <string_view>

#include "core/copy.hpp"

namespace edgestat {

template <size_t N>
class FixedString {
 public:
  FixedString() { buf_[0] = '\0'; }
  FixedString(std::string_view s) { assign(s); }  // NOLINT: implicit by design

  static constexpr size_t capacity() { return N; }

  bool assign(std::string_view s) {
    clear();
    return append(s);
  }
  bool append(std::string_view s) {
    if (s.empty()) return true;  // may carry a null pointer memcpy must not see
    if (s.size() > N - len_) {
      overflow_ = true;
      return false;
    }
    copy_bytes(buf_ + len_, s.data(), s.size());
    len_ += s.size();
    buf_[len_] = '\0';
    return true;
  }
  bool push_back(char c) { return append(std::string_view(&c, 1)); }
  void clear() {
    len_ = 0;
    overflow_ = false;
    buf_[0] = '\0';
  }
  void truncate(size_t n) {
    if (n < len_) {
      len_ = n;
      buf_[len_] = '\0';
    }
  }

  std::string_view view() const { return {buf_, len_}; }
  const char* c_str() const { return buf_; }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  bool overflowed() const { return overflow_; }
  bool operator==(std::string_view s) const { return view() == s; }

 private:
  char buf_[N + 1];
  size_t len_ = 0;
  bool overflow_ = false;
};

}  // namespace edgestat
