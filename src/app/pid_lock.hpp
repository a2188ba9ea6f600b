#pragma once
// One running agent per runtime directory: an exclusive flock on
// RUNTIME_DIR/edgestat.pid, held for the life of the process. The lock,
// not the file, is the truth: a stale file from a crash is simply locked
// again, and the file is never unlinked, so two instances can never hold
// locks on two different inodes.
//
// Only an exclusive holder is another instance. A shared lock is what a
// status check takes (`flock -s`, older init scripts) for a moment: while
// the lock is merely shared, the agent waits for the readers to let go, so
// a status check can never make a start fail.
#include <cstdint>
#include <string_view>

namespace edgestat {

enum class PidLockStatus : uint8_t {
  Taken,        // fd holds the exclusive lock; the pid has been written
  HeldByAgent,  // another process holds it exclusively: another instance runs
  ReaderStuck,  // only shared holders, but one kept its lock past the wait
  Error,        // open or flock failed for another reason (err)
};

struct PidLockResult {
  PidLockStatus status = PidLockStatus::Error;
  int fd = -1;              // open (and locked) only when Taken
  int err = 0;              // errno for Error
  uint64_t holder_pid = 0;  // the pid in the file, for HeldByAgent
  bool pid_written = true;  // false: locked, but the pid could not be written
};

// Waiting this long for shared holders to let go means one is stuck (a
// status check holds its lock for microseconds): the start fails naming
// that instead of hanging.
inline constexpr int kPidLockReaderWaitMs = 10000;

// Opens (creating, mode 0644) PATH and takes the exclusive lock, polling
// every few milliseconds while only shared locks are held.
PidLockResult take_pid_lock(const char* path, int reader_wait_ms = kPidLockReaderWaitMs);

class PidLock {
 public:
  PidLock() = default;
  PidLock(const PidLock&) = delete;
  PidLock& operator=(const PidLock&) = delete;
  ~PidLock();

  // Creates runtime_dir if missing, takes the lock and writes our pid. On
  // failure prints why on stderr (another instance and its pid, a reader
  // that never let go, or the errno) and returns false. Runs before logging
  // is configured for the daemon, so it speaks to the terminal like the
  // other start-up errors.
  bool acquire(std::string_view runtime_dir);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace edgestat
