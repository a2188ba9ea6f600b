// SpscRing: sizes, full/empty edges, free-running index wrap, oversize
// refusal, zero-copy peek/pop, and a short two-thread smoke run (the long
// one is tests/stress/ring_stress.cpp under TSan).
#include <doctest/doctest.h>
#include <pthread.h>

#include <cstdint>
#include <cstring>

#include "core/spsc_ring.hpp"

using edgestat::SpscRing;

namespace {

const void* volatile g_opaque = "";

bool push_u32(SpscRing& r, uint32_t v) { return r.try_push(&v, sizeof v); }

bool pop_u32(SpscRing& r, uint32_t* v) {
  uint32_t n = 0;
  const uint8_t* p = r.front(&n);
  if (!p || n != sizeof *v) return false;
  std::memcpy(v, p, sizeof *v);
  r.pop();
  return true;
}

}  // namespace

TEST_CASE("test_spsc_ring: init validates sizes") {
  SpscRing a;
  CHECK_FALSE(a.init(0, 64));
  CHECK_FALSE(a.init(3, 64));
  CHECK_FALSE(a.init(6, 64));
  CHECK_FALSE(a.init(SpscRing::kMaxSlots * 2, 64));
  CHECK_FALSE(a.init(4, SpscRing::kLengthBytes));  // no room for a payload
  CHECK_FALSE(a.init(4, SpscRing::kMaxSlotBytes + 1));
  CHECK(a.init(4, 5));
  CHECK(a.capacity() == 4);
  CHECK(a.max_payload() == 1);
  CHECK_FALSE(a.init(4, 64));  // once only

  SpscRing uninit;
  CHECK_FALSE(uninit.try_push("x", 1));
  CHECK_FALSE(uninit.try_push(nullptr, 0));
  uint32_t n;
  CHECK(uninit.front(&n) == nullptr);
  CHECK(uninit.size() == 0);
}

TEST_CASE("test_spsc_ring: empty, fill to full, drain in order") {
  SpscRing r;
  REQUIRE(r.init(8, 16));
  uint32_t n = 0, v = 0;
  CHECK(r.empty());
  CHECK(r.front(&n) == nullptr);
  CHECK(r.readable() == 0);
  for (uint32_t i = 0; i < 8; ++i) CHECK(push_u32(r, i));
  CHECK(r.size() == 8);
  CHECK_FALSE(push_u32(r, 99));  // full: refused, nothing changes
  CHECK(r.size() == 8);
  for (uint32_t i = 0; i < 8; ++i) {
    REQUIRE(pop_u32(r, &v));
    CHECK(v == i);
  }
  CHECK(r.empty());
  CHECK(r.front(&n) == nullptr);
  // Full again after a drain: the producer's cached tail must refresh.
  for (uint32_t i = 0; i < 8; ++i) CHECK(push_u32(r, 100 + i));
  CHECK_FALSE(push_u32(r, 0));
  REQUIRE(pop_u32(r, &v));
  CHECK(v == 100);
  CHECK(push_u32(r, 108));
  CHECK_FALSE(push_u32(r, 0));
}

TEST_CASE("test_spsc_ring: capacity 1") {
  SpscRing r;
  REQUIRE(r.init(1, 8));
  uint32_t v = 0;
  for (uint32_t i = 0; i < 10; ++i) {
    CHECK(push_u32(r, i));
    CHECK_FALSE(push_u32(r, 1000));
    CHECK(r.size() == 1);
    REQUIRE(pop_u32(r, &v));
    CHECK(v == i);
    CHECK(r.empty());
  }
}

TEST_CASE("test_spsc_ring: large capacity fills completely") {
  SpscRing r;
  const uint32_t cap = 1u << 16;
  REQUIRE(r.init(cap, 8));
  for (uint32_t i = 0; i < cap; ++i) REQUIRE(push_u32(r, i));
  CHECK(r.size() == cap);
  CHECK_FALSE(push_u32(r, 0));
  uint32_t v = 0;
  bool in_order = true;
  for (uint32_t i = 0; i < cap; ++i) in_order &= pop_u32(r, &v) && v == i;
  CHECK(in_order);
  CHECK(r.empty());
}

TEST_CASE("test_spsc_ring: payload sizes") {
  SpscRing r;
  REQUIRE(r.init(4, 36));
  char big[64];
  std::memset(big, 'x', sizeof big);
  CHECK(r.max_payload() == 32);
  CHECK_FALSE(r.try_push(big, 33));  // one byte too many: refused whole
  // A length near 2^32 must not wrap the size check. (The pointer is never
  // read; it comes from an opaque global so the compiler does not warn
  // about a 4 GiB read of a 64-byte array.)
  CHECK_FALSE(r.try_push(g_opaque, 0xffffffffu));
  CHECK(r.empty());
  CHECK(r.try_push(big, 32));     // exactly the slot
  CHECK(r.try_push(nullptr, 0));  // an empty record is a record
  uint32_t n = 99;
  const uint8_t* p = r.front(&n);
  REQUIRE(p);
  CHECK(n == 32);
  CHECK(std::memcmp(p, big, 32) == 0);
  r.pop();
  p = r.front(&n);
  REQUIRE(p);
  CHECK(n == 0);
  r.pop();
  CHECK(r.empty());
}

TEST_CASE("test_spsc_ring: free-running indices wrap past UINT32_MAX") {
  for (uint32_t cap : {1u, 2u, 4u, 8u}) {
    CAPTURE(cap);
    SpscRing r;
    REQUIRE(r.init(cap, 8));
    r.test_set_indices(UINT32_MAX - 2 * cap + 1);
    uint32_t next_push = 0, next_pop = 0, v = 0;
    bool ok = true;
    // Interleave fills and drains of varying depth across the wrap.
    for (int round = 0; round < 50; ++round) {
      uint32_t fill = 1 + static_cast<uint32_t>(round) % cap;
      for (uint32_t i = 0; i < fill; ++i) ok &= push_u32(r, next_push++);
      ok &= r.size() == fill;
      if (fill == cap) ok &= !push_u32(r, 0);
      for (uint32_t i = 0; i < fill; ++i) ok &= pop_u32(r, &v) && v == next_pop++;
      ok &= r.empty();
    }
    CHECK(ok);
  }
}

TEST_CASE("test_spsc_ring: full and size are right exactly at the wrap") {
  SpscRing r;
  REQUIRE(r.init(4, 8));
  r.test_set_indices(UINT32_MAX - 1);  // head and tail straddle 2^32 when full
  for (uint32_t i = 0; i < 4; ++i) CHECK(push_u32(r, i));
  CHECK(r.size() == 4);
  CHECK_FALSE(push_u32(r, 9));
  uint32_t v = 0;
  REQUIRE(pop_u32(r, &v));
  CHECK(v == 0);
  CHECK(r.size() == 3);
  CHECK(push_u32(r, 4));
  for (uint32_t i = 1; i <= 4; ++i) {
    REQUIRE(pop_u32(r, &v));
    CHECK(v == i);
  }
  CHECK(r.empty());
}

TEST_CASE("test_spsc_ring: peek and pop_n keep records until released") {
  SpscRing r;
  REQUIRE(r.init(8, 8));
  r.test_set_indices(UINT32_MAX - 3);
  for (uint32_t i = 0; i < 6; ++i) REQUIRE(push_u32(r, i * 10));
  uint32_t n = 0, v = 0;
  for (uint32_t i = 0; i < 6; ++i) {
    const uint8_t* p = r.peek(i, &n);
    REQUIRE(p);
    std::memcpy(&v, p, 4);
    CHECK(v == i * 10);
  }
  CHECK(r.peek(6, &n) == nullptr);
  CHECK(r.size() == 6);  // peeking releases nothing
  r.pop_n(4);
  CHECK(r.size() == 2);
  REQUIRE(pop_u32(r, &v));
  CHECK(v == 40);
  CHECK(r.readable() == 1);
}

namespace {

struct SmokeRun {
  SpscRing ring;
  uint32_t count = 0;
  bool ok = true;
};

void* smoke_producer(void* arg) {
  auto* s = static_cast<SmokeRun*>(arg);
  for (uint32_t i = 0; i < s->count;) {
    uint8_t buf[12];
    std::memcpy(buf, &i, 4);
    std::memset(buf + 4, static_cast<int>(i & 0xff), 8);
    if (s->ring.try_push(buf, 4 + i % 9)) ++i;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("test_spsc_ring: two threads keep order and lose nothing") {
  SmokeRun s;
  REQUIRE(s.ring.init(16, 16));
  s.ring.test_set_indices(UINT32_MAX - 1000);
  s.count = 200000;
  pthread_t t;
  REQUIRE(pthread_create(&t, nullptr, smoke_producer, &s) == 0);
  uint32_t expect = 0;
  while (expect < s.count) {
    uint32_t n = 0;
    const uint8_t* p = s.ring.front(&n);
    if (!p) continue;
    uint32_t v;
    std::memcpy(&v, p, 4);
    bool good = v == expect && n == 4 + expect % 9;
    for (uint32_t j = 4; j < n; ++j) good &= p[j] == (expect & 0xff);
    if (!good) s.ok = false;
    s.ring.pop();
    ++expect;
  }
  pthread_join(t, nullptr);
  CHECK(s.ok);
  CHECK(s.ring.empty());
}

#ifndef NDEBUG
#include <sys/wait.h>

#include <csignal>
#include <unistd.h>

#include "core/fixed_vector.hpp"

namespace {
// Runs f in a child process; true when the child died of SIGABRT (a failed
// assert), false when it returned normally.
template <class F>
bool aborts(F f) {
  pid_t pid = fork();
  if (pid == 0) {
    // The test runner's crash handler would turn the abort into a report
    // (and TSan into its own exit code): die of the signal itself.
    signal(SIGABRT, SIG_DFL);
    f();
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}
}  // namespace

// Only in builds with asserts (the sanitizer builds): a broken precondition
// stops the program instead of corrupting records.
TEST_CASE("test_spsc_ring: debug builds assert the stated preconditions") {
  CHECK(aborts([] {
    SpscRing r;
    r.init(4, 16);
    uint32_t v = 1;
    r.try_push(&v, sizeof v);
    r.pop_n(2);  // one record was there, and none was peeked
  }));
  CHECK(aborts([] {
    SpscRing r;
    r.init(4, 16);
    uint32_t v = 1;
    r.try_push(&v, sizeof v);
    r.test_set_indices(0);  // not empty
  }));
  CHECK_FALSE(aborts([] {
    SpscRing r;
    r.init(4, 16);
    uint32_t v = 1, n = 0;
    r.try_push(&v, sizeof v);
    REQUIRE(r.front(&n));
    r.pop_n(1);  // what peek() showed: fine
  }));
  CHECK(aborts([] {
    edgestat::FixedVector<int, 2> fv;
    fv.push_back(1);
    (void)fv[1];
  }));
}
#endif
