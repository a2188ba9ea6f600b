// app/pid_lock: one agent per runtime directory.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "app/pid_lock.hpp"
#include "collector_harness.hpp"

using namespace edgestat;

TEST_CASE("the lock is exclusive, names the holder, and outlives a stale file") {
  test::TempTree t;
  std::string dir = t.path("run");  // created by acquire
  {
    PidLock a;
    REQUIRE(a.acquire(dir));
    CHECK(a.held());
    std::ifstream f(dir + "/edgestat.pid");
    long pid = 0;
    f >> pid;
    CHECK(pid == static_cast<long>(getpid()));
    // flock locks belong to open file descriptions: a second open in the
    // same process is refused like another process would be.
    PidLock b;
    CHECK_FALSE(b.acquire(dir));
    CHECK_FALSE(b.held());
  }
  // The holder is gone; its file stays, and is simply locked again.
  PidLock c;
  CHECK(c.acquire(dir));
}

TEST_CASE("a runtime directory that cannot be made or named is refused") {
  test::TempTree t;
  t.write("file", "x");
  PidLock a;
  CHECK_FALSE(a.acquire(t.path("file/run")));  // a file where a directory must be
  CHECK_FALSE(a.acquire(std::string(600, 'd')));
  CHECK_FALSE(a.held());
}
