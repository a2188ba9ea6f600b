#include "core/copy.hpp"

namespace edgestat {

void copy_bytes_long(char* d, const char* s, size_t n) {
  if (n > kInlineCopyMax) {
    std::memcpy(d, s, n);
  } else if (n > 128) {
    copy_ends<128>(d, s, n);
  } else if (n > 64) {
    copy_ends<64>(d, s, n);
  } else {
    copy_ends<32>(d, s, n);
  }
}

}  // namespace edgestat
