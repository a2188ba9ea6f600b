// app/render_cache: cached snapshot renderings and one-off bodies.
#include <doctest/doctest.h>

#include <string>

#include "app/render_cache.hpp"
#include "app_harness.hpp"

using namespace edgestat;

namespace {

constexpr FamilyDesc kUp{"test_up", "Whether the test is up.", MetricType::Gauge};

struct Fixture {
  Snapshot snap;
  http::BodyPool pool;
  RenderCache cache;
  explicit Fixture(size_t slot_bytes = 4096) {
    SnapshotLimits lim;
    lim.max_families = 64;
    lim.max_samples = 256;
    lim.arena_bytes = 16384;
    REQUIRE(snap.init(lim));
    REQUIRE(pool.init(2, slot_bytes));
    cache.init(&pool, &snap);
    collect(1);
  }
  void collect(double v) {
    snap.clear();
    snap.set_collector(0);
    snap.add(kUp, v);
    snap.finish();
  }
};

}  // namespace

TEST_CASE("one rendering per snapshot and format; a new generation renders again") {
  Fixture f;
  http::Reply a, b, c, j;
  REQUIRE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, a));
  REQUIRE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, b));
  CHECK(a.body_slot == b.body_slot);  // the cached body, not a second render
  CHECK(std::string(a.body).find("test_up 1\n") != std::string::npos);
  CHECK(f.pool.pins(a.body_slot) == 2);
  f.pool.unpin(a.body_slot);
  f.pool.unpin(b.body_slot);
  f.collect(2);
  f.cache.bump();
  REQUIRE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, c));
  CHECK(std::string(c.body).find("test_up 2\n") != std::string::npos);
  f.pool.unpin(c.body_slot);
  REQUIRE(f.cache.serve(BodyFormat::Json, kAllCollectors, true, j));
  CHECK(std::string(j.body).find("\"test_up\"") != std::string::npos);
  CHECK(f.cache.stale_total() == 0);
}

TEST_CASE("every buffer pinned: the newest body of the format, counted stale; else 503") {
  Fixture f;
  http::Reply a, b, c, d;
  REQUIRE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, a));
  REQUIRE(f.cache.serve(BodyFormat::OpenMetrics100, kAllCollectors, true, b));  // both slots pinned now
  f.collect(3);
  f.cache.bump();
  REQUIRE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, c));
  CHECK(c.body_slot == a.body_slot);  // the older text body, never one being written
  CHECK(f.cache.stale_total() == 1);
  // A filtered scrape cannot use a cached body of another mask.
  CHECK_FALSE(f.cache.serve(BodyFormat::Text004, 1, false, d));
  CHECK(d.status == 503);
}

TEST_CASE("a body larger than a buffer is a counted 500, never a cut scrape") {
  Fixture f(16);
  http::Reply r;
  CHECK_FALSE(f.cache.serve(BodyFormat::Text004, kAllCollectors, true, r));
  CHECK(r.status == 500);
  CHECK(f.cache.overflow_total() == 1);
}

TEST_CASE("one-off bodies: the small buffer, a pool slot, or a clear refusal") {
  Fixture f(8192);
  test::TestExchange small;
  reply_rendered(f.pool, small.ex, kJsonType, [](OutBuffer& o) { o.put("{}"); });
  CHECK(small.body() == "{}");
  CHECK(small.ex.reply.body_slot == -1);
  test::TestExchange big;
  std::string large(6000, 'x');
  reply_rendered(f.pool, big.ex, kJsonType, [&](OutBuffer& o) { o.put(large); });
  REQUIRE(big.ex.reply.body_slot >= 0);
  CHECK(big.body() == large);
  CHECK(f.pool.pins(big.ex.reply.body_slot) == 1);
  test::TestExchange huge;
  std::string too_large(9000, 'y');
  reply_rendered(f.pool, huge.ex, kJsonType, [&](OutBuffer& o) { o.put(too_large); });
  CHECK(huge.ex.reply.status == 500);
}
