// Tests for src/http/body_pool.*: caching by key, pins protecting bodies
// being sent, the newest-body fallback when every slot is pinned.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "http/body_pool.hpp"

using edgestat::http::BodyPool;

namespace {
int render(BodyPool& p, const char* text, uint64_t key) {
  int s = p.take();
  if (s == BodyPool::kNone) return s;
  std::memcpy(p.data(s), text, std::strlen(text));
  p.publish(s, key, std::strlen(text));
  return s;
}
}  // namespace

TEST_SUITE("http.body_pool") {

TEST_CASE("init bounds") {
  BodyPool a, b, c;
  CHECK_FALSE(a.init(0, 16));
  CHECK_FALSE(b.init(BodyPool::kMaxSlots + 1, 16));
  CHECK_FALSE(c.init(2, 0));
  BodyPool d;
  REQUIRE(d.init(3, 16));
  CHECK_FALSE(d.init(3, 16));  // once
  CHECK(d.slots() == 3);
  CHECK(d.slot_bytes() == 16);
}

TEST_CASE("a published body is found by key until its slot is taken again") {
  BodyPool p;
  REQUIRE(p.init(2, 64));
  CHECK(p.lookup(10) == BodyPool::kNone);
  int s = render(p, "gen1", 10);
  REQUIRE(s != BodyPool::kNone);
  CHECK(p.lookup(10) == s);
  CHECK(std::string(p.body(s)) == "gen1");
  int t = render(p, "gen2", 20);
  CHECK(t != s);  // the empty slot is preferred over evicting a cached one
  int u = render(p, "gen3", 30);
  CHECK(u == s);  // least recently filled is evicted
  CHECK(p.lookup(10) == BodyPool::kNone);
  CHECK(p.lookup(20) == t);
}

TEST_CASE("a pinned slot is never handed out for re-rendering") {
  BodyPool p;
  REQUIRE(p.init(3, 64));
  int a = render(p, "old body", 1);
  p.pin(a);  // a slow client is reading it
  p.pin(a);  // and a second one
  for (int i = 0; i < 10; ++i) {
    int s = render(p, "new", 100 + i);
    REQUIRE(s != BodyPool::kNone);
    CHECK(s != a);
  }
  CHECK(std::string(p.body(a)) == "old body");
  CHECK(p.pins(a) == 2);
  p.unpin(a);
  CHECK(p.pins(a) == 1);
  // Still pinned once: still protected.
  for (int i = 0; i < 4; ++i) CHECK(render(p, "x", 200 + i) != a);
  p.unpin(a);
  p.unpin(a);  // extra unpins are harmless
  CHECK(p.pins(a) == 0);
  // Now the oldest unpinned slot, it is eventually reused.
  bool reused = false;
  for (int i = 0; i < 4; ++i) reused = reused || render(p, "y", 300 + i) == a;
  CHECK(reused);
}

TEST_CASE("every slot pinned: take() refuses, newest() offers the freshest body of the format") {
  BodyPool p;
  REQUIRE(p.init(2, 64));
  // key = generation * 4 + format
  int a = render(p, "text g1", 1 * 4 + 0);
  int b = render(p, "text g2", 2 * 4 + 0);
  p.pin(a);
  p.pin(b);
  CHECK(p.take() == BodyPool::kNone);
  CHECK(p.newest(3, 0) == b);
  CHECK(p.newest(3, 1) == BodyPool::kNone);  // no OpenMetrics body cached
  p.unpin(b);
  CHECK(p.take() == b);
  // take() dropped what b cached.
  CHECK(p.lookup(2 * 4 + 0) == BodyPool::kNone);
  CHECK(p.newest(3, 0) == a);
}

TEST_CASE("uncached one-off bodies (filtered renders) are never looked up and free after unpin") {
  BodyPool p;
  REQUIRE(p.init(2, 64));
  int s = p.take();
  std::memcpy(p.data(s), "filtered", 8);
  p.set_uncached(s, 8);
  p.pin(s);
  CHECK(p.lookup(0) == BodyPool::kNone);
  CHECK(p.newest(0, 0) == BodyPool::kNone);
  CHECK(p.take() != s);
  p.unpin(s);
  CHECK(p.take() == s);
}

}  // TEST_SUITE
