#include "app/render_cache.hpp"

#include "core/log.hpp"
#include "metrics/render.hpp"

namespace edgestat {
namespace {

// Cache keys: generation * kKeyFormats + format.
constexpr uint64_t kKeyFormats = 4;

void render(const Snapshot& snap, BodyFormat fmt, uint64_t mask, OutBuffer& out) {
  if (fmt == BodyFormat::Json) {
    render_json(snap, mask, out);
  } else {
    render_exposition(snap, fmt == BodyFormat::OpenMetrics100 ? ExpositionFormat::OpenMetrics100
                                                              : ExpositionFormat::Text004,
                      mask, out);
  }
}

}  // namespace

bool RenderCache::serve(BodyFormat fmt, uint64_t mask, bool cacheable, http::Reply& reply) {
  http::BodyPool& pool = *pool_;
  uint64_t f = static_cast<uint64_t>(fmt);
  uint64_t key = generation_ * kKeyFormats + f;
  int slot = cacheable ? pool.lookup(key) : http::BodyPool::kNone;
  if (slot == http::BodyPool::kNone) {
    slot = pool.take();
    if (slot == http::BodyPool::kNone) {
      // Every buffer is pinned by a slow reader: serve the newest body of
      // this format rather than corrupt one being sent.
      slot = cacheable ? pool.newest(kKeyFormats - 1, f) : http::BodyPool::kNone;
      if (slot == http::BodyPool::kNone) {
        reply.status = 503;
        reply.content_type = kTextPlain;
        reply.body = "Every render buffer is in use by slow clients, try again later.\n";
        return false;
      }
      ++stale_total_;
    } else {
      OutBuffer out(pool.data(slot), pool.slot_bytes());
      render(*snap_, fmt, mask, out);
      if (out.overflowed()) {
        ++overflow_total_;
        log_error("rendered body exceeds [limits] render_buffer_bytes", {{"render_buffer_bytes", pool.slot_bytes()}});
        reply.status = 500;
        reply.content_type = kTextPlain;
        reply.body = "The rendered body exceeds [limits] render_buffer_bytes; raise it.\n";
        return false;
      }
      if (cacheable) pool.publish(slot, key, out.size());
      else pool.set_uncached(slot, out.size());
    }
  }
  pool.pin(slot);
  reply.body = pool.body(slot);
  reply.body_slot = slot;
  return true;
}

}  // namespace edgestat
