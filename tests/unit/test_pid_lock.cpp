// app/pid_lock: one agent per runtime directory. flock() locks belong to an
// open file description, so a second open() of the same file in this
// process stands in for another process: an exclusive holder is an agent,
// a shared holder a status check (`flock -s`).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "app/pid_lock.hpp"
#include "collector_harness.hpp"

using namespace edgestat;

namespace {

std::string contents(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// A status check's shared lock on PATH, held until released.
int shared_reader(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_SH | LOCK_NB) == 0);
  return fd;
}

}  // namespace

TEST_CASE("the lock is exclusive, names the holder, and outlives a stale file") {
  test::TempTree t;
  std::string dir = t.path("run");  // created by acquire
  {
    PidLock a;
    REQUIRE(a.acquire(dir));
    CHECK(a.held());
    CHECK(contents(dir + "/edgestat.pid") == std::to_string(getpid()) + "\n");
    PidLock b;
    CHECK_FALSE(b.acquire(dir));
    CHECK_FALSE(b.held());
    PidLockResult r = take_pid_lock((dir + "/edgestat.pid").c_str(), 50);
    CHECK(r.status == PidLockStatus::HeldByAgent);
    CHECK(r.holder_pid == static_cast<uint64_t>(getpid()));
    CHECK(r.fd == -1);
  }
  // The holder is gone; its file stays, and is simply locked again.
  PidLock c;
  CHECK(c.acquire(dir));
}

TEST_CASE("a stale file with another pid is overwritten") {
  test::TempTree t;
  t.write("run/edgestat.pid", "999999999\n");
  PidLock a;
  REQUIRE(a.acquire(t.path("run")));
  CHECK(contents(t.path("run/edgestat.pid")) == std::to_string(getpid()) + "\n");
}

TEST_CASE("a status check's shared lock delays the start, never fails it") {
  test::TempTree t;
  t.mkdir("run");
  int reader = shared_reader(t.path("run/edgestat.pid"));
  std::atomic<bool> released{false};
  std::thread releaser([reader, &released] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    released = true;
    ::flock(reader, LOCK_UN);
  });
  PidLock a;
  bool ok = a.acquire(t.path("run"));
  releaser.join();
  // Taken, and only after the reader let go (the flag is set before the unlock).
  CHECK(ok);
  CHECK(released.load());
  ::close(reader);
}

TEST_CASE("a reader that never lets go fails the start with its own reason") {
  test::TempTree t;
  t.mkdir("run");
  int reader = shared_reader(t.path("run/edgestat.pid"));
  PidLockResult r = take_pid_lock(t.path("run/edgestat.pid").c_str(), 60);
  CHECK(r.status == PidLockStatus::ReaderStuck);
  CHECK(r.fd == -1);
  ::close(reader);
}

TEST_CASE("a runtime directory that cannot be made or named is refused") {
  test::TempTree t;
  t.write("file", "x");
  PidLock a;
  CHECK_FALSE(a.acquire(t.path("file/run")));  // a file where a directory must be
  CHECK_FALSE(a.acquire(std::string(600, 'd')));
  CHECK_FALSE(a.held());
  PidLockResult r = take_pid_lock(t.path("missing/edgestat.pid").c_str());
  CHECK(r.status == PidLockStatus::Error);
  CHECK(r.err == ENOENT);
}
