// Allocation counter for the edgestat_alloccount test binary only (never
// part of edgestat_lib or the release binary). It interposes the C
// allocator, forwarding to glibc's __libc_* entry points, and counts every
// allocation call, so the e2e test can scrape edgestat_debug_allocations_total
// before and after a burst of requests and prove the steady state allocates
// nothing. Frees are not counted: a free without an allocation is harmless.
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);
}

namespace {
std::atomic<uint64_t> g_allocations{0};
inline void count() { g_allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

extern "C" {

uint64_t edgestat_debug_allocations() { return g_allocations.load(std::memory_order_relaxed); }

void* malloc(size_t n) {
  count();
  return __libc_malloc(n);
}

void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t n) {
  count();
  return __libc_realloc(p, n);
}

void free(void* p) { __libc_free(p); }

int posix_memalign(void** out, size_t align, size_t n) {
  count();
  if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
  void* p = __libc_memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

void* aligned_alloc(size_t align, size_t n) {
  count();
  return __libc_memalign(align, n);
}

void* memalign(size_t align, size_t n) {
  count();
  return __libc_memalign(align, n);
}

}  // extern "C"
