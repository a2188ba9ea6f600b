#include "store/job_mailbox.hpp"

namespace edgestat::store {

bool JobMailbox::init(uv_loop_t* loop, void (*wake)(void*), void* wake_ctx) {
  wake_ = wake;
  wake_ctx_ = wake_ctx;
  if (uv_async_init(loop, &async_, async_cb) != 0) return false;
  async_.data = this;
  open_ = true;
  return true;
}

void JobMailbox::submit(Job* j) {
  j->next = nullptr;
  if (tail_) tail_->next = j;
  else head_ = j;
  tail_ = j;
  if (!in_flight_) post_next();
}

void JobMailbox::post_next() {
  Job* j = head_;
  if (!j) return;
  head_ = j->next;
  if (!head_) tail_ = nullptr;
  in_flight_ = j;
  slot_.store(j, std::memory_order_release);
  if (wake_) wake_(wake_ctx_);
}

bool JobMailbox::run_pending() {
  Job* j = slot_.exchange(nullptr, std::memory_order_acq_rel);
  if (!j) return false;
  j->run(j);
  ran_.store(j, std::memory_order_release);
  uv_async_send(&async_);
  return true;
}

void JobMailbox::async_cb(uv_async_t* a) {
  JobMailbox* m = static_cast<JobMailbox*>(a->data);
  Job* j = m->ran_.exchange(nullptr, std::memory_order_acq_rel);
  if (!j) return;
  m->in_flight_ = nullptr;
  j->done(j);
  if (!m->in_flight_) m->post_next();
}

void JobMailbox::close() {
  if (!open_) return;
  open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

}  // namespace edgestat::store
