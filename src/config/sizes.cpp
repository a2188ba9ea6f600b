#include "config/sizes.hpp"

#include "config/config.hpp"
#include "config/origin.hpp"

namespace edgestat {
namespace {

// where: the file:line (or variable, flag) of the first of the product's
// keys that was set, so the message names a line a person wrote.
void check(ConfigErrors& e, const KeyWhere& where, const char* what, uint64_t a, uint64_t b, uint64_t c,
           uint64_t limit) {
  uint64_t total = 0;
  if (checked_mul_add<uint64_t>(a, b, c, &total, limit)) return;
  // The exact total when it fits 64 bits, else "over 2^64".
  if (checked_mul_add<uint64_t>(a, b, c, &total))
    e.add("%s%s = %llu bytes: more than this build can allocate in one piece (%llu bytes)", where.c_str(), what,
          static_cast<unsigned long long>(total), static_cast<unsigned long long>(limit));
  else
    e.add("%s%s: over 2^64 bytes, more than this build can allocate in one piece (%llu bytes)", where.c_str(), what,
          static_cast<unsigned long long>(limit));
}

}  // namespace

void validate_sizes(const Config& c, ConfigErrors& e, uint64_t limit) {
  check(e, pair_where(c, "web", "max_connections", "web", "max_body_bytes"), "[web] max_connections x ([web] max_body_bytes + 8 KiB head)", c.web.max_connections,
        c.web.max_body_bytes + kConnectionHeadBytes, 0, limit);
  check(e, pair_where(c, "limits", "render_buffers", "limits", "render_buffer_bytes"), "[limits] render_buffers x [limits] render_buffer_bytes", c.limits.render_buffers,
        c.limits.render_buffer_bytes, 0, limit);
  check(e, pair_where(c, "store", "ring_slots", "store", "record_bytes"), "[store] ring_slots x [store] record_bytes", c.store.ring_slots, c.store.record_bytes, 0, limit);
  check(e, pair_where(c, "store", "max_batch", "store", "record_bytes"), "[store] max_batch x [store] record_bytes", c.store.max_batch, c.store.record_bytes, 0, limit);
  check(e, pair_where(c, "history", "depth", "history", "series"), "[history] depth x 8 bytes x series", c.history.depth, 8 * (c.history.series.size() + 1), 0, limit);
}

}  // namespace edgestat
