#include "config/errors.hpp"

#include <cstdarg>
#include <cstdio>

namespace edgestat {

namespace {

// Errors and warnings are listed the same way: formatted into a bounded
// line, and only counted once the list is full.
template <class List>
void append(List& list, size_t& unlisted, const char* fmt, va_list ap) {
  if (list.full()) {
    ++unlisted;
    return;
  }
  char buf[400];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  list.emplace_back(std::string_view(buf));
}

}  // namespace

void ConfigErrors::add(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  append(items, unlisted, fmt, ap);
  va_end(ap);
}

void ConfigErrors::warn(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  append(warnings, unlisted_warnings, fmt, ap);
  va_end(ap);
}

}  // namespace edgestat
