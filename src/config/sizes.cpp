#include "config/sizes.hpp"

namespace edgestat {
namespace {

void check(ConfigErrors& e, const char* what, uint64_t a, uint64_t b, uint64_t c, uint64_t limit) {
  uint64_t total = 0;
  if (checked_mul_add<uint64_t>(a, b, c, &total, limit)) return;
  // The exact total when it fits 64 bits, else "over 2^64".
  if (checked_mul_add<uint64_t>(a, b, c, &total))
    e.add("%s = %llu bytes: more than this build can allocate in one piece (%llu bytes)", what,
          static_cast<unsigned long long>(total), static_cast<unsigned long long>(limit));
  else
    e.add("%s: over 2^64 bytes, more than this build can allocate in one piece (%llu bytes)", what,
          static_cast<unsigned long long>(limit));
}

}  // namespace

void validate_sizes(const Config& c, ConfigErrors& e, uint64_t limit) {
  check(e, "[web] max_connections x ([web] max_body_bytes + 8 KiB head)", c.web.max_connections,
        c.web.max_body_bytes + kConnectionHeadBytes, 0, limit);
  check(e, "[limits] render_buffers x [limits] render_buffer_bytes", c.limits.render_buffers,
        c.limits.render_buffer_bytes, 0, limit);
  check(e, "[store] ring_slots x [store] record_bytes", c.store.ring_slots, c.store.record_bytes, 0, limit);
  check(e, "[store] max_batch x [store] record_bytes", c.store.max_batch, c.store.record_bytes, 0, limit);
  check(e, "[history] depth x 8 bytes x series", c.history.depth, 8 * (c.history.series.size() + 1), 0, limit);
}

}  // namespace edgestat
