#include "config/errors.hpp"

#include <cstdarg>
#include <cstdio>

namespace edgestat {

void ConfigErrors::add(const char* fmt, ...) {
  if (items.full()) {
    ++unlisted;
    return;
  }
  char buf[400];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  items.emplace_back(std::string_view(buf));
}

void ConfigErrors::warn(const char* fmt, ...) {
  if (warnings.full()) {
    ++unlisted_warnings;
    return;
  }
  char buf[400];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  warnings.emplace_back(std::string_view(buf));
}

}  // namespace edgestat
