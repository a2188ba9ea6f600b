#pragma once
// The project's one sort: an in-place heapsort over bytes (no allocation:
// glibc's qsort_r is a merge sort that mallocs a buffer, which broke the
// no-allocation-after-start rule on glibc builds; e2e.alloc_count caught
// it), compiled once, behind a typed wrapper. std::sort instantiates a 2-6 KB introsort per comparator:
// nine call sites cost 47 KB of the aarch64 binary (toolchains/sizes.sh,
// README "Footprint"), here each costs one small comparison thunk.
// Not stable: comparators must be a total order on what the caller can
// tell apart (every call site breaks ties down to a unique key). Elements
// are moved with memcpy, hence trivially copyable only.
#include <cstddef>
#include <cstdlib>
#include <type_traits>

namespace edgestat {

// In place, O(n log n), no allocation; elements of at most 64 bytes.
void heapsort_bytes(void* base, size_t n, size_t size, int (*cmp)(const void*, const void*, void*), void* ctx);

template <class T, class Less>
void sort(T* first, T* last, Less less) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 64, "moved bytewise through a 64-byte buffer");
  if (last - first < 2) return;
  heapsort_bytes(
      first, static_cast<size_t>(last - first), sizeof(T),
      [](const void* a, const void* b, void* ctx) -> int {
        const Less& lt = *static_cast<const Less*>(ctx);
        const T& x = *static_cast<const T*>(a);
        const T& y = *static_cast<const T*>(b);
        return lt(x, y) ? -1 : lt(y, x) ? 1 : 0;
      },
      &less);
}

template <class T>
void sort(T* first, T* last) {
  sort(first, last, [](const T& a, const T& b) { return a < b; });
}

}  // namespace edgestat
