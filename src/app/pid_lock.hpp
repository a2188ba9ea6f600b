#pragma once
// One running agent per runtime directory: an exclusive flock on
// RUNTIME_DIR/edgestat.pid, held for the life of the process. The lock,
// not the file, is the truth: a stale file from a crash is simply locked
// again, and the file is never unlinked, so two instances can never hold
// locks on two different inodes.
#include <string_view>

namespace edgestat {

class PidLock {
 public:
  PidLock() = default;
  PidLock(const PidLock&) = delete;
  PidLock& operator=(const PidLock&) = delete;
  ~PidLock();

  // Creates runtime_dir if missing, takes the lock and writes our pid. On
  // failure prints why on stderr (another instance and its pid, or the
  // errno) and returns false. Runs before logging is configured for the
  // daemon, so it speaks to the terminal like the other start-up errors.
  bool acquire(std::string_view runtime_dir);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace edgestat
