#include "collect/statfs_guard.hpp"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <cstring>

#include "collect/host/filesystem_parse.hpp"
#include "core/thread.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// statfs needs little stack; the thread's pages are mapped, not touched.
constexpr size_t kWorkerStackBytes = 64 * 1024;
// rootfs + a decoded mount point, as the filesystem collector builds it.
constexpr size_t kMaxStatfsPath = kMaxPath + kMaxMountPoint + 1;

// Shared between the loop thread and the worker, under mu. A request is
// pending while requested != answered; the worker owns path while it is.
struct Worker {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t wake;  // loop -> worker: a new request
  pthread_cond_t done;  // worker -> loop: answered (CLOCK_MONOTONIC waits)
  uint64_t requested = 0, answered = 0;
  char path[kMaxStatfsPath];
  struct statfs result;
  int err = 0;
  bool started = false, start_failed = false;
};
Worker g_worker;

void* worker_main(void*) {
  Worker& w = g_worker;
  pthread_mutex_lock(&w.mu);
  for (;;) {
    while (w.answered == w.requested) pthread_cond_wait(&w.wake, &w.mu);
    uint64_t id = w.requested;
    pthread_mutex_unlock(&w.mu);
    // path is not written while this request is pending; only the call
    // runs unlocked, so a stuck call never holds the mutex.
    struct statfs st;
    int rc = ::statfs(w.path, &st);
    int e = rc == 0 ? 0 : errno;
    pthread_mutex_lock(&w.mu);
    w.result = st;
    w.err = e;
    w.answered = id;
    pthread_cond_signal(&w.done);
  }
  return nullptr;
}

timespec deadline_after(uint64_t ms) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += static_cast<time_t>(ms / 1000);
  ts.tv_nsec += static_cast<long>(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

StatfsResult direct_statfs(const char* path, struct statfs* out, int* err) {
  if (::statfs(path, out) == 0) return StatfsResult::Ok;
  *err = errno;
  return StatfsResult::Failed;
}

}  // namespace

bool statfs_worker_start() {
  Worker& w = g_worker;
  if (w.started) return true;
  if (w.start_failed) return false;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w.done, &ca);
  pthread_condattr_destroy(&ca);
  pthread_cond_init(&w.wake, nullptr);
  // Detached: a worker stuck in the kernel must not hold up exit.
  pthread_t t;
  int rc = start_thread(&t, worker_main, nullptr, kWorkerStackBytes, true, "edgestat-statfs");
  if (rc != 0) {
    w.start_failed = true;
    errno = rc;
    return false;
  }
  w.started = true;
  return true;
}

StatfsResult guarded_statfs(const char* path, uint64_t timeout_ms, struct statfs* out, int* err) {
  Worker& w = g_worker;
  size_t len = std::strlen(path);
  if (timeout_ms == 0 || len >= sizeof w.path || !statfs_worker_start()) return direct_statfs(path, out, err);

  pthread_mutex_lock(&w.mu);
  if (w.answered != w.requested) {
    pthread_mutex_unlock(&w.mu);
    return StatfsResult::Stuck;
  }
  std::memcpy(w.path, path, len + 1);
  uint64_t id = ++w.requested;
  pthread_cond_signal(&w.wake);
  const timespec deadline = deadline_after(timeout_ms);
  while (w.answered != id) {
    if (pthread_cond_timedwait(&w.done, &w.mu, &deadline) == ETIMEDOUT) break;
  }
  StatfsResult r = StatfsResult::TimedOut;
  if (w.answered == id) {
    *out = w.result;
    *err = w.err;
    r = w.err == 0 ? StatfsResult::Ok : StatfsResult::Failed;
  }
  pthread_mutex_unlock(&w.mu);
  return r;
}

}  // namespace edgestat
