#include "core/sort.hpp"

#include <cstring>

#include "core/copy.hpp"

namespace edgestat {

namespace {
struct Heap {
  char* b;
  size_t size;
  int (*cmp)(const void*, const void*, void*);
  void* ctx;
  char* at(size_t i) const { return b + i * size; }
  void swap(size_t i, size_t j) const {
    char t[64];
    copy_bytes(t, at(i), size);
    copy_bytes(at(i), at(j), size);
    copy_bytes(at(j), t, size);
  }
  // Moves element i down until the max-heap of the first n holds.
  void sift(size_t i, size_t n) const {
    for (;;) {
      size_t c = 2 * i + 1;
      if (c >= n) return;
      if (c + 1 < n && cmp(at(c), at(c + 1), ctx) < 0) ++c;
      if (cmp(at(i), at(c), ctx) >= 0) return;
      swap(i, c);
      i = c;
    }
  }
};
}  // namespace

void heapsort_bytes(void* base, size_t n, size_t size, int (*cmp)(const void*, const void*, void*), void* ctx) {
  Heap h{static_cast<char*>(base), size, cmp, ctx};
  for (size_t i = n / 2; i-- > 0;) h.sift(i, n);
  for (size_t end = n; end-- > 1;) {
    h.swap(0, end);
    h.sift(0, end);
  }
}

}  // namespace edgestat
