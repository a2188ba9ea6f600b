#pragma once
// statfs(2) with a deadline, for mounts whose server can stop answering
// (NFS, CIFS, FUSE). A blocked syscall cannot be abandoned, so the call runs
// on one small worker thread and the loop thread waits for it at most the
// timeout. While the worker is stuck in such a call, later requests are
// answered Stuck at once without touching the kernel: the loop waits at most
// one timeout per hang, however long the server stays away, and the stuck
// call's result is dropped when it finally returns (node_exporter does the
// same with its stuckMounts set).
#include <sys/statfs.h>

#include <cstddef>
#include <cstdint>

namespace edgestat {

enum class StatfsResult : uint8_t {
  Ok,
  Failed,    // statfs returned an error (*err holds errno)
  TimedOut,  // no answer within the timeout; the worker is now stuck
  Stuck,     // the worker is still stuck in an earlier call
};

// Starts the worker once (a thread with a small stack, all signals
// blocked). The daemon calls it before `started`, because creating a thread
// allocates; guarded_statfs() also starts it on first use. False, with errno,
// if the thread cannot be created.
bool statfs_worker_start();

// statfs(path) on the worker, waiting at most timeout_ms. timeout_ms 0, or a
// worker that cannot be started, means a plain statfs on this thread. Not
// reentrant: the loop thread is the only caller.
StatfsResult guarded_statfs(const char* path, uint64_t timeout_ms, struct statfs* out, int* err);

}  // namespace edgestat
