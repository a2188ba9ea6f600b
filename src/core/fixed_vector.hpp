#pragma once
// A vector with its capacity in the type (the Embedded Template Library's
// idea): elements live inline, push_back past capacity fails and says so.
// Indexing past size() is a bug: debug builds (no NDEBUG: the sanitizer
// and fuzz builds) stop at the assert, release builds do not check.
#include <cassert>
#include <cstddef>
#include <new>
#include <utility>

namespace edgestat {

template <class T, size_t N>
class FixedVector {
 public:
  FixedVector() = default;
  FixedVector(const FixedVector& o) { *this = o; }
  FixedVector& operator=(const FixedVector& o) {
    if (this != &o) {
      clear();
      for (const T& v : o) push_back(v);
    }
    return *this;
  }
  ~FixedVector() { clear(); }

  static constexpr size_t capacity() { return N; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == N; }

  // Returns nullptr when full so the caller decides what overflow means.
  T* push_back(const T& v) {
    if (size_ == N) return nullptr;
    T* p = new (slot(size_)) T(v);
    ++size_;
    return p;
  }
  template <class... A>
  T* emplace_back(A&&... a) {
    if (size_ == N) return nullptr;
    T* p = new (slot(size_)) T(std::forward<A>(a)...);
    ++size_;
    return p;
  }
  void pop_back() {
    if (size_ > 0) slot(--size_)->~T();
  }
  void clear() {
    while (size_ > 0) pop_back();
  }

  T& operator[](size_t i) {
    assert(i < size_);
    return *slot(i);
  }
  const T& operator[](size_t i) const {
    assert(i < size_);
    return *slot(i);
  }
  T* begin() { return slot(0); }
  T* end() { return slot(size_); }
  const T* begin() const { return slot(0); }
  const T* end() const { return slot(size_); }
  T& back() {
    assert(size_ > 0);
    return *slot(size_ - 1);
  }

 private:
  T* slot(size_t i) { return reinterpret_cast<T*>(storage_) + i; }
  const T* slot(size_t i) const { return reinterpret_cast<const T*>(storage_) + i; }

  alignas(T) unsigned char storage_[sizeof(T) * (N ? N : 1)];
  size_t size_ = 0;
};

}  // namespace edgestat
