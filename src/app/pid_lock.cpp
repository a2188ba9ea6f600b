#include "app/pid_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// Between tries while readers hold the lock: short enough that a start is
// not slowed noticeably, long enough not to spin.
constexpr long kReaderPollNs = 5'000'000;

uint64_t read_pid(int fd) {
  char buf[32] = {};
  ssize_t r = ::pread(fd, buf, sizeof buf - 1, 0);
  auto pid = parse_u64(trim(std::string_view(buf, r > 0 ? static_cast<size_t>(r) : 0)));
  return pid ? *pid : 0;
}

}  // namespace

PidLockResult take_pid_lock(const char* path, int reader_wait_ms) {
  PidLockResult res;
  int fd = ::open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    res.err = errno;
    return res;
  }
  const int64_t deadline = monotonic_ns() + int64_t{reader_wait_ms} * 1'000'000;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      res.err = errno;
      ::close(fd);
      return res;
    }
    // Held. A shared lock can be had only while nobody holds it
    // exclusively: if it cannot, an agent runs.
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      res.status = errno == EWOULDBLOCK ? PidLockStatus::HeldByAgent : PidLockStatus::Error;
      res.err = errno;
      res.holder_pid = read_pid(fd);
      ::close(fd);
      return res;
    }
    ::flock(fd, LOCK_UN);
    if (monotonic_ns() >= deadline) {
      res.status = PidLockStatus::ReaderStuck;
      ::close(fd);
      return res;
    }
    timespec ts{0, kReaderPollNs};
    ::nanosleep(&ts, nullptr);
  }
  res.status = PidLockStatus::Taken;
  res.fd = fd;
  char pid[24];
  int n = std::snprintf(pid, sizeof pid, "%ld\n", static_cast<long>(::getpid()));
  res.pid_written = ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid, static_cast<size_t>(n), 0) == n;
  return res;
}

PidLock::~PidLock() {
  if (fd_ >= 0) ::close(fd_);
}

bool PidLock::acquire(std::string_view runtime_dir) {
  PathBuf dir, path;
  if (!dir.assign(runtime_dir) || !join_path(path, {runtime_dir, "/edgestat.pid"})) {
    std::fprintf(stderr, "edgestat: runtime directory path too long\n");
    return false;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "edgestat: cannot create runtime directory %s: %s\n", dir.c_str(), std::strerror(errno));
    return false;
  }
  PidLockResult lock = take_pid_lock(path.c_str());
  switch (lock.status) {
    case PidLockStatus::Taken:
      break;
    case PidLockStatus::HeldByAgent:
      std::fprintf(stderr, "edgestat: another instance is running (pid %llu, lock %s)\n",
                   static_cast<unsigned long long>(lock.holder_pid), path.c_str());
      return false;
    case PidLockStatus::ReaderStuck:
      std::fprintf(stderr, "edgestat: %s has been locked shared (by a status check?) for %d ms; not starting\n",
                   path.c_str(), kPidLockReaderWaitMs);
      return false;
    case PidLockStatus::Error:
      std::fprintf(stderr, "edgestat: cannot lock %s: %s\n", path.c_str(), std::strerror(lock.err));
      return false;
  }
  if (!lock.pid_written) log_warn("cannot write pid file", {{"path", path.view()}});
  fd_ = lock.fd;
  return true;
}

}  // namespace edgestat
