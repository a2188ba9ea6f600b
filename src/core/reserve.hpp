#pragma once
// Every long-lived buffer is taken through reserve() at start-up so the
// agent can say in its `started` line how much memory its config reserves,
// and so nothing else in the code calls malloc.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

namespace edgestat {

size_t reserved_bytes();
void note_reserved(size_t n);

// Zeroed array of n T, or nullptr if memory is short (callers report it).
template <class T>
T* reserve_array(size_t n) {
  void* p = std::calloc(n ? n : 1, sizeof(T));
  if (!p) return nullptr;
  note_reserved(n * sizeof(T));
  T* t = static_cast<T*>(p);
  // calloc's memory is already what value-initialising a trivial type
  // writes; skipping the loop leaves untouched pages unmapped, so a buffer
  // counts in RSS only as far as it is used (render buffers, snapshot).
  if constexpr (!std::is_trivially_default_constructible_v<T>)
    for (size_t i = 0; i < n; ++i) new (t + i) T();
  return t;
}

// Room for n T, zeroed and not constructed: the caller placement-news the
// elements as it needs them, so pages it never reaches are never touched
// (a table sized for the worst case costs RSS only for what is used).
template <class T>
T* reserve_storage(size_t n) {
  void* p = std::calloc(n ? n : 1, sizeof(T));
  if (!p) return nullptr;
  note_reserved(n * sizeof(T));
  return static_cast<T*>(p);
}

// Destroys the first constructed elements of reserve_storage(n) and frees it.
template <class T>
void release_storage(T* p, size_t constructed, size_t n) {
  if (!p) return;
  for (size_t i = 0; i < constructed; ++i) p[i].~T();
  std::free(p);
  note_reserved(0 - n * sizeof(T));
}

template <class T>
void release_array(T* p, size_t n) {
  if (!p) return;
  for (size_t i = 0; i < n; ++i) p[i].~T();
  std::free(p);
  note_reserved(0 - n * sizeof(T));
}

}  // namespace edgestat
