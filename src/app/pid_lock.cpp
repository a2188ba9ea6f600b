#include "app/pid_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/log.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {

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
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "edgestat: cannot open lock %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (e == EWOULDBLOCK) {
      char buf[32] = {};
      ssize_t r = ::pread(fd, buf, sizeof buf - 1, 0);
      auto pid = parse_u64(trim(std::string_view(buf, r > 0 ? static_cast<size_t>(r) : 0)));
      std::fprintf(stderr, "edgestat: another instance is running (pid %llu, lock %s)\n",
                   static_cast<unsigned long long>(pid ? *pid : 0), path.c_str());
    } else {
      std::fprintf(stderr, "edgestat: cannot lock %s: %s\n", path.c_str(), std::strerror(e));
    }
    ::close(fd);
    return false;
  }
  char pid[24];
  int n = std::snprintf(pid, sizeof pid, "%ld\n", static_cast<long>(getpid()));
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid, static_cast<size_t>(n), 0) != n)
    log_warn("cannot write pid file", {{"path", path.view()}});
  fd_ = fd;
  return true;
}

}  // namespace edgestat
