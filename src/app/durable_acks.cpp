#include "app/durable_acks.hpp"

#include "app/ingest_pipeline.hpp"
#include "app/render_cache.hpp"
#include "core/reserve.hpp"

namespace edgestat {
namespace {

// The answer to a request whose records were not durable in time: they are
// in the ring and may still be written, so a retry can duplicate them.
constexpr std::string_view kTimeoutBody =
    "{\"error\":\"not durable in time\",\"status\":503,\"field\":\"body\",\"reason\":\"the records were not "
    "persisted within [store] ack_timeout; they may still be written, a retry can duplicate them\"}\n";
constexpr std::string_view kRetryAfter = "Retry-After: 1\r\n";

}  // namespace

DurableAcks::~DurableAcks() { release_array(table_, cap_); }

bool DurableAcks::init(uv_loop_t* loop, IngestPipeline* p, uint32_t capacity, uint64_t timeout_ms) {
  loop_ = loop;
  p_ = p;
  timeout_ms_ = timeout_ms;
  table_ = reserve_array<Entry>(capacity);
  if (!table_) return false;
  cap_ = capacity;
  if (uv_async_init(loop, &async_, async_cb) != 0) return false;
  async_.data = this;
  uv_timer_init(loop, &timer_);
  timer_.data = this;
  // The async handle keeps the loop alive only while requests wait (the
  // timer is stopped when none do).
  uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
  open_ = true;
  p->set_durable_hook(hook, this);
  return true;
}

DurableAcks::Park DurableAcks::park(http::Exchange& ex, uint64_t seq) {
  // Ask first, then look: the writer publishes durable before it reads the
  // request (both sequentially consistent), so either it sees this request
  // and signals, or this look sees its batch.
  p_->request_durable(seq);
  if (p_->durable_seq() >= seq) {
    p_->count_ack(AckResult::Durable);
    return Park::Durable;
  }
  if (!open_ || count_ == cap_) return Park::Full;
  Entry& e = table_[(head_ + count_) % cap_];
  e.ticket = ex.ticket;
  e.reply = ex.reply;
  e.seq = seq;
  e.deadline_ms = uv_now(loop_) + timeout_ms_;
  ex.parked = true;
  if (++count_ == 1) {
    uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
    arm();
  }
  return Park::Parked;
}

void DurableAcks::pop() {
  head_ = (head_ + 1) % cap_;
  --count_;
}

void DurableAcks::complete() {
  if (count_ == 0) return;
  uint64_t durable = p_->durable_seq();
  bool popped = false;
  while (count_ > 0 && table_[head_].seq <= durable) {
    Entry& e = table_[head_];
    // false: the client left meanwhile; its records are durable anyway.
    p_->count_ack(e.ticket.finish(e.reply) ? AckResult::Durable : AckResult::Gone);
    pop();
    popped = true;
  }
  if (popped) arm();
}

void DurableAcks::expire() {
  uint64_t now = uv_now(loop_);
  http::Reply r;
  r.status = 503;
  r.content_type = kJsonType;
  r.body = kTimeoutBody;
  r.extra_headers = kRetryAfter;
  while (count_ > 0 && table_[head_].deadline_ms <= now) {
    p_->count_ack(table_[head_].ticket.finish(r) ? AckResult::Timeout : AckResult::Gone);
    pop();
  }
  arm();
}

void DurableAcks::arm() {
  if (count_ == 0) {
    uv_timer_stop(&timer_);
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    return;
  }
  uint64_t now = uv_now(loop_), due = table_[head_].deadline_ms;
  uv_timer_start(&timer_, timer_cb, due > now ? due - now : 0, 0);
}

void DurableAcks::hook(void* self) { uv_async_send(&static_cast<DurableAcks*>(self)->async_); }

void DurableAcks::async_cb(uv_async_t* a) { static_cast<DurableAcks*>(a->data)->complete(); }

void DurableAcks::timer_cb(uv_timer_t* t) {
  auto* d = static_cast<DurableAcks*>(t->data);
  d->complete();  // a batch may have landed just now
  d->expire();
}

void DurableAcks::close() {
  if (!open_) return;
  open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
}

}  // namespace edgestat
