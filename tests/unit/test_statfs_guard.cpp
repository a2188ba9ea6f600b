// Tests for statfs with a deadline (collect/statfs_guard.hpp). The hang is
// real: a FUSE mount whose /dev/fuse descriptor nobody reads, so the kernel's
// INIT request is never answered and statfs on the mount waits; closing the
// descriptor aborts the connection and the waiting call returns ENOTCONN.
// That part needs root and /dev/fuse and says so when it cannot run.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "collect/statfs_guard.hpp"
#include "core/clock.hpp"

using namespace edgestat;

namespace {

double seconds_since(int64_t t0) { return static_cast<double>(monotonic_ns() - t0) / 1e9; }

// A FUSE mount that never answers, in a scratch directory; undone on scope
// exit. ok is false (and why says why) where it cannot be made.
struct HungFuseMount {
  std::string dir, why;
  int fd = -1;
  bool ok = false;
  HungFuseMount() {
    char tmpl[] = "/tmp/edgestat-statfs-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      why = "mkdtemp failed";
      return;
    }
    dir = tmpl;
    if (::geteuid() != 0) {
      why = "needs root to mount a FUSE filesystem";
      return;
    }
    fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      why = "no /dev/fuse";
      return;
    }
    char opts[96];
    std::snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
    if (::mount("edgestat-hang", dir.c_str(), "fuse.edgestat-hang", 0, opts) != 0) {
      why = std::string("mount: ") + std::strerror(errno);
      return;
    }
    ok = true;
  }
  // The daemon goes away: every call waiting on the mount returns.
  void abort_connection() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~HungFuseMount() {
    abort_connection();
    if (ok) ::umount2(dir.c_str(), MNT_DETACH);
    if (!dir.empty()) ::rmdir(dir.c_str());
  }
};

}  // namespace

TEST_CASE("guarded statfs answers like statfs") {
  struct statfs st{};
  int err = 0;
  REQUIRE(guarded_statfs("/", 2000, &st, &err) == StatfsResult::Ok);
  CHECK(st.f_blocks > 0);
  CHECK(guarded_statfs("/nonexistent/edgestat", 2000, &st, &err) == StatfsResult::Failed);
  CHECK(err == ENOENT);
  // timeout 0: the plain call on this thread.
  err = 0;
  CHECK(guarded_statfs("/nonexistent/edgestat", 0, &st, &err) == StatfsResult::Failed);
  CHECK(err == ENOENT);
  // Back to back, the worker and this thread trading requests (TSan runs this).
  for (int i = 0; i < 2000; ++i) REQUIRE(guarded_statfs("/", 2000, &st, &err) == StatfsResult::Ok);
}

TEST_CASE("a mount that never answers costs one timeout, then nothing, until it returns") {
  HungFuseMount hung;
  if (!hung.ok) {
    MESSAGE("SKIPPED: " << hung.why);
    return;
  }
  struct statfs st{};
  int err = 0;
  int64_t t0 = monotonic_ns();
  REQUIRE(guarded_statfs(hung.dir.c_str(), 300, &st, &err) == StatfsResult::TimedOut);
  double waited = seconds_since(t0);
  CHECK(waited >= 0.29);
  CHECK(waited < 5.0);

  // The worker is still in the kernel: every request is answered at once.
  t0 = monotonic_ns();
  CHECK(guarded_statfs("/", 300, &st, &err) == StatfsResult::Stuck);
  CHECK(guarded_statfs(hung.dir.c_str(), 300, &st, &err) == StatfsResult::Stuck);
  CHECK(seconds_since(t0) < 0.2);

  // The connection dies, the stuck call returns (its answer is dropped), and
  // the worker takes requests again.
  hung.abort_connection();
  StatfsResult r = StatfsResult::Stuck;
  for (int i = 0; i < 200 && r == StatfsResult::Stuck; ++i) {
    r = guarded_statfs("/", 300, &st, &err);
    if (r == StatfsResult::Stuck) ::usleep(10000);
  }
  CHECK(r == StatfsResult::Ok);
  CHECK(guarded_statfs(hung.dir.c_str(), 2000, &st, &err) == StatfsResult::Failed);
  CHECK(err == ENOTCONN);
}
