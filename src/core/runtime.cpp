// The few C++ runtime entry points our code can reach, defined here so the
// release binary links with the C driver and no C++ runtime library (zig's
// libc++ does not build for 32-bit ARM, and we need none of it). Memory is
// taken once at start-up through these and never returned in steady state.
#include <cstdio>
#include <cstdlib>
#include <new>

void* operator new(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) {
    std::fputs("edgestat: out of memory\n", stderr);
    std::abort();
  }
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

extern "C" void __cxa_pure_virtual() {
  std::fputs("edgestat: pure virtual call\n", stderr);
  std::abort();
}

// Bounds-checked standard library calls (string_view::substr) report
// misuse through these hooks. With exceptions off there is nothing to throw
// to, so a misuse is a bug that stops the process with a message, the way
// the C++ runtime library would.
#include <cstdarg>

[[noreturn]] static void abort_with(const char* fmt, va_list ap) {
  std::fputs("edgestat: ", stderr);
  std::vfprintf(stderr, fmt, ap);
  std::fputs("\n", stderr);
  std::abort();
}

#if defined(__GLIBCXX__)
namespace std {
void __throw_out_of_range_fmt(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  abort_with(fmt, ap);
}
}  // namespace std
#endif

#if defined(_LIBCPP_VERSION)
namespace std {
inline namespace __1 {
[[noreturn]] void __libcpp_verbose_abort(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  abort_with(fmt, ap);
}
}  // namespace __1
}  // namespace std
#endif
