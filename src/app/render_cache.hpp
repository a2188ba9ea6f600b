#pragma once
// Rendered bodies in the BodyPool. A snapshot rendering (text 0.0.4,
// OpenMetrics, JSON) is cached under (generation, format), so concurrent
// scrapes of one snapshot render once; a refresh bumps the generation. A
// filtered scrape (collect[]) renders a one-off body. One-off API answers
// (the JSON endpoints) go into the connection's small buffer when they fit,
// else into a pool slot.
#include <cstdint>
#include <string_view>

#include "core/out_buffer.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

enum class BodyFormat : uint8_t { Text004, OpenMetrics100, Json };

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kHtmlType = "text/html; charset=utf-8";

class RenderCache {
 public:
  void init(http::BodyPool* pool, const Snapshot* snap) {
    pool_ = pool;
    snap_ = snap;
  }
  // The snapshot changed: cached bodies of the old one are no longer found.
  void bump() { ++generation_; }

  // Points reply at a pinned slot holding the rendering of the snapshot in
  // fmt under mask (cached when cacheable); false with reply set to the
  // error (503: every buffer pinned by slow readers; 500: the body exceeds
  // [limits] render_buffer_bytes).
  bool serve(BodyFormat fmt, uint64_t mask, bool cacheable, http::Reply& reply);

  uint64_t stale_total() const { return stale_total_; }
  uint64_t overflow_total() const { return overflow_total_; }

 private:
  http::BodyPool* pool_ = nullptr;
  const Snapshot* snap_ = nullptr;
  uint64_t generation_ = 0;
  uint64_t stale_total_ = 0;     // served an older body: every buffer pinned
  uint64_t overflow_total_ = 0;  // bodies larger than a buffer
};

// Renders a one-off body with render(OutBuffer&): into the connection's
// small buffer when it fits, else into an unpinned pool slot (pinned until
// written). 503 with Retry-After when every slot is pinned, 500 when even a
// slot is too small.
template <class Render>
void reply_rendered(http::BodyPool& pool, http::Exchange& ex, std::string_view content_type, Render render) {
  OutBuffer small(ex.small, ex.small_cap);
  render(small);
  if (!small.overflowed()) {
    ex.reply.content_type = content_type;
    ex.reply.body = small.view();
    return;
  }
  int slot = pool.take();
  if (slot == http::BodyPool::kNone) {
    ex.reply.status = 503;
    ex.reply.content_type = kTextPlain;
    ex.reply.body = "Every render buffer is in use by slow clients, try again later.\n";
    ex.reply.extra_headers = "Retry-After: 1\r\n";
    return;
  }
  OutBuffer out(pool.data(slot), pool.slot_bytes());
  render(out);
  if (out.overflowed()) {
    ex.reply.status = 500;
    ex.reply.content_type = kTextPlain;
    ex.reply.body = "The response exceeds [limits] render_buffer_bytes; raise it.\n";
    return;
  }
  pool.set_uncached(slot, out.size());
  pool.pin(slot);
  ex.reply.content_type = content_type;
  ex.reply.body = pool.body(slot);
  ex.reply.body_slot = slot;
}

}  // namespace edgestat
