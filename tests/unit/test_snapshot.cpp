#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;

namespace {
constexpr FamilyDesc kB{"b_total", "B help.", MetricType::Counter};
constexpr FamilyDesc kA{"a_gauge", "A help with \\ and\nnewline.", MetricType::Gauge};
constexpr FamilyDesc kH{"req_seconds", "Hist.", MetricType::Histogram};

std::string render(const Snapshot& s, ExpositionFormat f, uint64_t mask = kAllCollectors) {
  static char buf[65536];
  OutBuffer out(buf, sizeof buf);
  render_exposition(s, f, mask, out);
  REQUIRE_FALSE(out.overflowed());
  return std::string(out.view());
}

struct Fixture {
  Snapshot s;
  Fixture() {
    SnapshotLimits lim;
    lim.max_families = 64;
    lim.max_samples = 64;
    lim.arena_bytes = 16384;
    REQUIRE(s.init(lim));
  }
};
}  // namespace

TEST_CASE("text format: families sorted, contiguous, one HELP/TYPE, labels sorted and escaped") {
  Fixture f;
  f.s.set_collector(1);
  f.s.add(kB, 2, {{"x", "2"}});
  f.s.add(kA, 1.5, {{"v", "q\"uo\\te\nnl"}});
  f.s.add(kB, 10, {{"x", "10"}});
  f.s.set_collector(2);
  f.s.add(kB, 1, {{"x", "1"}});
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004) ==
        "# HELP a_gauge A help with \\\\ and\\nnewline.\n"
        "# TYPE a_gauge gauge\n"
        "a_gauge{v=\"q\\\"uo\\\\te\\nnl\"} 1.5\n"
        "# HELP b_total B help.\n"
        "# TYPE b_total counter\n"
        "b_total{x=\"1\"} 1\n"
        "b_total{x=\"10\"} 10\n"
        "b_total{x=\"2\"} 2\n");
  // collect[] of collector 2 only: a_gauge disappears entirely.
  CHECK(render(f.s, ExpositionFormat::Text004, uint64_t{1} << 2) ==
        "# HELP b_total B help.\n# TYPE b_total counter\nb_total{x=\"1\"} 1\n");
}

TEST_CASE("OpenMetrics: counter family without _total, unknown type, EOF") {
  Fixture f;
  constexpr FamilyDesc kU{"u", "U.", MetricType::Untyped};
  constexpr FamilyDesc kC{"c", "C \"q\".", MetricType::Counter};
  f.s.add(kB, 3);
  f.s.add(kU, 4);
  f.s.add(kC, 5);
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::OpenMetrics100) ==
        "# HELP b B help.\n# TYPE b counter\nb_total 3\n"
        "# HELP c C \\\"q\\\".\n# TYPE c counter\nc_total 5\n"
        "# HELP u U.\n# TYPE u unknown\nu 4\n"
        "# EOF\n");
}

TEST_CASE("histogram lines: buckets in le order, then sum and count") {
  Fixture f;
  Label l{"h", "x"};
  f.s.add(kH, SampleKind::Count, 0, 7, &l, 1);
  f.s.add(kH, SampleKind::Bucket, INFINITY, 7, &l, 1);
  f.s.add(kH, SampleKind::Bucket, 0.5, 3, &l, 1);
  f.s.add(kH, SampleKind::Sum, 0, 2.25, &l, 1);
  f.s.add(kH, SampleKind::Bucket, 0.05, 1, nullptr, 0);
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004) ==
        "# HELP req_seconds Hist.\n# TYPE req_seconds histogram\n"
        "req_seconds_bucket{le=\"0.05\"} 1\n"
        "req_seconds_bucket{h=\"x\",le=\"0.5\"} 3\n"
        "req_seconds_bucket{h=\"x\",le=\"+Inf\"} 7\n"
        "req_seconds_sum{h=\"x\"} 2.25\n"
        "req_seconds_count{h=\"x\"} 7\n");
}

TEST_CASE("capacity: excess samples and families are refused and counted, never overflow") {
  Snapshot s;
  SnapshotLimits lim;
  lim.max_families = 2;
  lim.max_samples = 3;
  lim.arena_bytes = 64;
  REQUIRE(s.init(lim));
  CHECK(s.add(kA, 1));
  CHECK(s.add(kB, 1));
  constexpr FamilyDesc kX{"x", "X.", MetricType::Gauge};
  CHECK_FALSE(s.add(kX, 1));  // third family
  CHECK(s.add(kA, 2, {{"l", "v"}}));
  CHECK_FALSE(s.add(kA, 3, {{"l", "w"}}));  // fourth sample
  CHECK(s.refused() == 2);
  s.clear();
  CHECK_FALSE(s.add(kA, 1, {{"l", std::string(100, 'x')}}));  // arena
  CHECK(s.refused() == 1);
}

TEST_CASE("type conflicts are refused; rollback drops a failed collector's samples") {
  Fixture f;
  CHECK(f.s.add_dynamic("m", "h", MetricType::Gauge, SampleKind::Plain, 0, 1, nullptr, 0));
  CHECK_FALSE(f.s.add_dynamic("m", "h", MetricType::Counter, SampleKind::Plain, 0, 1, nullptr, 0));
  uint32_t mark = f.s.mark();
  f.s.add(kA, 1);
  f.s.add(kB, 1);
  f.s.rollback(mark);
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004) == "# HELP m h\n# TYPE m gauge\nm 1\n");
}

TEST_CASE("invalid UTF-8 in label values becomes U+FFFD") {
  Fixture f;
  f.s.add(kA, 1, {{"d", "a\xFF"}});
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004).find("a_gauge{d=\"a\xEF\xBF\xBD\"} 1\n") != std::string::npos);
}

TEST_CASE("JSON rendering unescapes label values and names kinds") {
  Fixture f;
  f.s.add(kA, 1.5, {{"v", "q\"\\\n"}, {"w", "z"}});
  Label l{"h", "x"};
  f.s.add(kH, SampleKind::Bucket, INFINITY, 7, &l, 1);
  f.s.timestamp_ms = 42;
  f.s.finish();
  static char buf[4096];
  OutBuffer out(buf, sizeof buf);
  render_json(f.s, kAllCollectors, out);
  CHECK(std::string(out.view()) ==
        R"({"timestamp_ms":42,"families":[)"
        R"({"name":"a_gauge","type":"gauge","help":"A help with \\ and\nnewline.","samples":[{"labels":{"v":"q\"\\\n","w":"z"},"value":1.5}]},)"
        R"({"name":"req_seconds","type":"histogram","help":"Hist.","samples":[{"labels":{"h":"x"},"kind":"bucket","le":"+Inf","value":7}]}]})");
}

TEST_CASE("duplicate series: the second sample with the same labels is refused and counted") {
  Fixture f;
  f.s.set_collector(3);
  CHECK(f.s.add(kB, 1, {{"x", "1"}, {"y", "a"}}));
  CHECK(f.s.add(kB, 2, {{"x", "1"}, {"y", "b"}}));
  f.s.set_collector(5);
  CHECK_FALSE(f.s.add(kB, 9, {{"x", "1"}, {"y", "a"}}));  // same series, another producer
  // Run-time names intern to the same family: no labels is another series,
  // the same again is a duplicate.
  CHECK(f.s.add_dynamic("b_total", "B help.", MetricType::Counter, SampleKind::Plain, 0, 8, nullptr, 0));
  CHECK_FALSE(f.s.add_dynamic("b_total", "B help.", MetricType::Counter, SampleKind::Plain, 0, 7, nullptr, 0));
  // Same labels in another family, or another histogram line, are not duplicates.
  CHECK(f.s.add(kA, 1, {{"x", "1"}, {"y", "a"}}));
  Label l{"h", "x"};
  CHECK(f.s.add(kH, SampleKind::Bucket, 0.5, 1, &l, 1));
  CHECK(f.s.add(kH, SampleKind::Bucket, 1, 2, &l, 1));
  CHECK_FALSE(f.s.add(kH, SampleKind::Bucket, 1, 3, &l, 1));
  CHECK(f.s.add(kH, SampleKind::Sum, 0, 3, &l, 1));
  CHECK(f.s.add(kH, SampleKind::Count, 0, 2, &l, 1));
  CHECK_FALSE(f.s.add(kH, SampleKind::Count, 0, 2, &l, 1));
  // Escaping is part of the rendered label set: "a\n" and "a\\n" differ.
  CHECK(f.s.add(kA, 1, {{"v", "a\n"}}));
  CHECK(f.s.add(kA, 1, {{"v", "a\\n"}}));
  CHECK_FALSE(f.s.add(kA, 2, {{"v", "a\n"}}));
  CHECK(f.s.duplicates() == 5);
  CHECK(f.s.duplicate_collectors() == (uint64_t{1} << 5));  // only the second producer
  CHECK(f.s.refused() == 0);
  f.s.finish();
  std::string text = render(f.s, ExpositionFormat::Text004);
  CHECK(text.find("b_total{x=\"1\",y=\"a\"} 1\n") != std::string::npos);  // the first one is kept
  CHECK(text.find(" 9\n") == std::string::npos);
  // After finish() (which moves samples) and after a rollback the set is
  // still exact.
  CHECK_FALSE(f.s.add(kB, 4, {{"x", "1"}, {"y", "b"}}));
  uint32_t mark = f.s.mark();
  CHECK(f.s.add(kB, 4, {{"x", "2"}}));
  f.s.rollback(mark);
  CHECK(f.s.add(kB, 5, {{"x", "2"}}));
  CHECK_FALSE(f.s.add(kB, 5, {{"x", "2"}}));
  f.s.clear();
  CHECK(f.s.duplicates() == 0);
  CHECK(f.s.add(kB, 1, {{"x", "1"}, {"y", "a"}}));
}

TEST_CASE("duplicate series: a full table of distinct series is accepted (no false positives)") {
  Snapshot s;
  SnapshotLimits lim;
  lim.max_families = 4;
  lim.max_samples = 5001;  // room for the duplicates to be tried
  lim.arena_bytes = 1 << 20;
  REQUIRE(s.init(lim));
  for (int i = 0; i < 5000; ++i) REQUIRE(s.add(kB, i, {{"i", std::to_string(i)}}));
  CHECK(s.duplicates() == 0);
  for (int i = 0; i < 5000; i += 7) CHECK_FALSE(s.add(kB, i, {{"i", std::to_string(i)}}));
  CHECK(s.refused() == 0);
}

TEST_CASE("finish: interleaved families, long and short unsorted ranges and histograms come out in order") {
  // finish() groups by family (counting sort), then sorts each family's
  // range: insertion up to a couple dozen samples, the heapsort beyond.
  // Each range here is added out of order and interleaved with the others.
  SnapshotLimits lim;
  lim.max_families = 16;
  lim.max_samples = 256;
  lim.arena_bytes = 16384;
  Snapshot s;
  REQUIRE(s.init(lim));
  constexpr FamilyDesc kBig{"m_big", "Big.", MetricType::Gauge};
  constexpr FamilyDesc kSmall{"m_small", "Small.", MetricType::Gauge};
  constexpr FamilyDesc kSorted{"m_sorted", "Sorted.", MetricType::Gauge};
  constexpr int kBigN = 100;  // well above the insertion-sort bound
  char v[8];
  for (int i = 0; i < kBigN; ++i) {
    int k = (i * 37) % kBigN;  // 37 is prime to 100: a permutation
    std::snprintf(v, sizeof v, "v%03d", k);
    REQUIRE(s.add(kBig, k, {{"i", v}}));
    if (i < 5) {
      std::snprintf(v, sizeof v, "s%d", 4 - i);
      REQUIRE(s.add(kSmall, 4 - i, {{"i", v}}));
      std::snprintf(v, sizeof v, "o%d", i);
      REQUIRE(s.add(kSorted, i, {{"i", v}}));
      Label l{"h", "x"};
      // Buckets backwards, count before sum: out of line order.
      if (i == 0) REQUIRE(s.add(kH, SampleKind::Count, 0, 4, &l, 1));
      REQUIRE(s.add(kH, SampleKind::Bucket, 5 - i, 4 - i, &l, 1));
      if (i == 0) REQUIRE(s.add(kH, SampleKind::Sum, 0, 7, &l, 1));
    }
  }
  s.finish();
  std::string want = "# HELP m_big Big.\n# TYPE m_big gauge\n";
  for (int k = 0; k < kBigN; ++k) {
    std::snprintf(v, sizeof v, "v%03d", k);
    want += "m_big{i=\"" + std::string(v) + "\"} " + std::to_string(k) + "\n";
  }
  want += "# HELP m_small Small.\n# TYPE m_small gauge\n";
  for (int k = 0; k < 5; ++k) want += "m_small{i=\"s" + std::to_string(k) + "\"} " + std::to_string(k) + "\n";
  want += "# HELP m_sorted Sorted.\n# TYPE m_sorted gauge\n";
  for (int k = 0; k < 5; ++k) want += "m_sorted{i=\"o" + std::to_string(k) + "\"} " + std::to_string(k) + "\n";
  want +=
      "# HELP req_seconds Hist.\n# TYPE req_seconds histogram\n"
      "req_seconds_bucket{h=\"x\",le=\"1\"} 0\n"
      "req_seconds_bucket{h=\"x\",le=\"2\"} 1\n"
      "req_seconds_bucket{h=\"x\",le=\"3\"} 2\n"
      "req_seconds_bucket{h=\"x\",le=\"4\"} 3\n"
      "req_seconds_bucket{h=\"x\",le=\"5\"} 4\n"
      "req_seconds_sum{h=\"x\"} 7\n"
      "req_seconds_count{h=\"x\"} 4\n";
  CHECK(render(s, ExpositionFormat::Text004) == want);
}

TEST_CASE("finish: the family order is right across collections that intern families in another sequence") {
  // finish() reuses the last collection's family order when it is still
  // strictly increasing; a new intern sequence of the same count must not.
  Fixture f;
  const std::string sorted =
      "# HELP a_gauge A help with \\\\ and\\nnewline.\n# TYPE a_gauge gauge\na_gauge 1\n"
      "# HELP b_total B help.\n# TYPE b_total counter\nb_total 2\n";
  for (int round = 0; round < 4; ++round) {
    f.s.clear();
    if (round % 2) {
      f.s.add(kB, 2);
      f.s.add(kA, 1);
    } else {
      f.s.add(kA, 1);
      f.s.add(kB, 2);
    }
    f.s.finish();
    CHECK(render(f.s, ExpositionFormat::Text004) == sorted);
  }
  // Another family set of the same size, then a larger one.
  f.s.clear();
  f.s.add_dynamic("z_last", "Z.", MetricType::Gauge, SampleKind::Plain, 0, 3, nullptr, 0);
  f.s.add(kB, 2);
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004) ==
        "# HELP b_total B help.\n# TYPE b_total counter\nb_total 2\n# HELP z_last Z.\n# TYPE z_last gauge\nz_last 3\n");
  f.s.clear();
  f.s.add_dynamic("z_last", "Z.", MetricType::Gauge, SampleKind::Plain, 0, 3, nullptr, 0);
  f.s.add(kB, 2);
  f.s.add(kA, 1);
  f.s.finish();
  CHECK(render(f.s, ExpositionFormat::Text004) == sorted + "# HELP z_last Z.\n# TYPE z_last gauge\nz_last 3\n");
}

// The renderer writes a sample line (and a family's HELP and TYPE lines when
// the HELP needs no escape) in one go when the longest it could be
// fits and piece by piece otherwise: at every buffer size the output must
// be a prefix of the full one (whole pieces only) and overflow flagged
// exactly when something was left out.
TEST_CASE("text format into every too-small buffer: a prefix of the full render, overflow flagged") {
  Fixture f;
  Label l[] = {{"device", "eth0"}, {"mode", "a \"quoted\" value"}};
  f.s.add(kB, 12345.5, l, 2);
  f.s.add(kA, -0.25);
  f.s.add(kH, SampleKind::Bucket, 0.5, 3, l, 1);
  f.s.add(kH, SampleKind::Sum, 0, 1.5, l, 1);
  f.s.finish();
  for (ExpositionFormat fmt : {ExpositionFormat::Text004, ExpositionFormat::OpenMetrics100}) {
    const std::string full = render(f.s, fmt);
    for (size_t cap = 0; cap <= full.size() + 200; ++cap) {
      static char buf[4096];
      REQUIRE(full.size() + 200 <= sizeof buf);
      OutBuffer out(buf, cap);
      render_exposition(f.s, fmt, kAllCollectors, out);
      CAPTURE(cap);
      REQUIRE(out.overflowed() == (cap < full.size()));
      REQUIRE(full.compare(0, out.size(), std::string(out.view())) == 0);
    }
  }
}
