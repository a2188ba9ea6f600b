#pragma once
// Every long-lived buffer is taken through reserve() at start-up so the
// agent can say in its `started` line how much memory its config reserves,
// and so nothing else in the code calls malloc.
#include <algorithm>
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
  // Pages nobody writes stay unmapped, so a buffer counts in RSS only as
  // far as it is used (render buffers, snapshot, connection and series
  // tables sized for the worst case). calloc's zeroes already are a trivial
  // type's value. They also are the value of a type whose constructor only
  // sets members to zero, false and nullptr (default member initialisers),
  // if the type is trivially copyable and destructible (implicit-lifetime:
  // calloc creates such objects): the first element is constructed and, if
  // it is still all zero bytes, the others are left as calloc gave them.
  if constexpr (!std::is_trivially_default_constructible_v<T>) {
    new (t) T();
    bool zero = false;
    if constexpr (std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>) {
      const unsigned char* b = reinterpret_cast<const unsigned char*>(t);
      zero = std::all_of(b, b + sizeof(T), [](unsigned char x) { return x == 0; });
    }
    if (!zero)
      for (size_t i = 1; i < n; ++i) new (t + i) T();
  }
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
