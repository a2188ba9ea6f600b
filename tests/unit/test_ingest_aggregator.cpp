// Windowed quantiles against exact nearest-rank percentiles on random data
// (within the stated 2% bound), window expiry, aggregator series cap and
// metrics, StatsD aggregation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/out_buffer.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/history.hpp"
#include "ingest/quantile.hpp"
#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

double exact_nearest_rank(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double k = std::ceil(q * static_cast<double>(v.size()));
  size_t idx = k < 1 ? 0 : static_cast<size_t>(k) - 1;
  return v[std::min(idx, v.size() - 1)];
}

void check_bound(const std::vector<double>& values, const char* what) {
  auto w = std::make_unique<QuantileWindow>();
  w->reset();
  for (double v : values) w->add(v, 100);
  const double qs[] = {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
  double out[8];
  QuantileWindow::Summary s = w->query(100, qs, 8, out);
  REQUIRE(s.count == values.size());
  for (int j = 0; j < 8; ++j) {
    double exact = exact_nearest_rank(values, qs[j]);
    double rel = exact == 0 ? std::fabs(out[j]) : std::fabs(out[j] - exact) / exact;
    INFO(what << " q=" << qs[j] << " exact=" << exact << " got=" << out[j]);
    // The stated bound, plus rounding in log() at bucket edges.
    CHECK(rel <= LogScale::kAlpha + 1e-9);
  }
}

std::string render(const Snapshot& snap) {
  std::vector<char> buf(1 << 20);
  OutBuffer out(buf.data(), buf.size());
  render_exposition(snap, ExpositionFormat::Text004, kAllCollectors, out);
  REQUIRE_FALSE(out.overflowed());
  return std::string(out.view());
}

}  // namespace

TEST_CASE("ingest_quantile: the scale covers [1 us, 1e7 ms] with 2% relative error per bucket") {
  CHECK(LogScale::index(0) == 0);
  CHECK(LogScale::index(0.0009) == 0);
  CHECK(LogScale::index(LogScale::kMinMs) == 1);
  // The last regular bucket reaches kMaxMs; beyond that values are clamped.
  CHECK(LogScale::lower(LogScale::kBuckets - 1) * (1 + LogScale::kAlpha) / (1 - LogScale::kAlpha) >=
        LogScale::kMaxMs);
  CHECK(LogScale::index(1e12) == LogScale::kBuckets - 1);
  for (double v = 1e-3; v < 1e7; v *= 1.37) {
    double r = LogScale::value(LogScale::index(v));
    CHECK(std::fabs(r - v) / v <= LogScale::kAlpha + 1e-9);
  }
  CHECK(sizeof(QuantileWindow) <= 11800);
}

// index() finds buckets from a table instead of a logarithm: it must agree
// with the definition everywhere, bucket edges (a few ulps either side)
// and random values over the whole scale included.
TEST_CASE("ingest_quantile: the table index is the logarithm's index exactly") {
  for (uint32_t i = 1; i < LogScale::kBuckets; ++i) {
    double x = LogScale::lower(i);
    for (int k = 0; k < 8; ++k) x = std::nextafter(x, 0.0);
    for (int k = 0; k < 16; ++k, x = std::nextafter(x, HUGE_VAL)) {
      INFO(x);
      CHECK(LogScale::index(x) == LogScale::index_by_log(x));
    }
  }
  uint64_t r = 88172645463325252ull;
  for (int k = 0; k < 300000; ++k) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    double x = std::ldexp(static_cast<double>(r >> 11) * 0x1p-53 + 0.5, static_cast<int>(r % 70) - 30);
    INFO(x);
    CHECK(LogScale::index(x) == LogScale::index_by_log(x));
  }
  for (double x : {0.0, -1.0, 1e-300, 0.000999, 1e-3, 1.0, 996.0, 1e7, 1e12, HUGE_VAL, double(NAN)})
    CHECK(LogScale::index(x) == LogScale::index_by_log(x));
}

TEST_CASE("ingest_quantile: random data within the bound (uniform, lognormal, bimodal, constant, tiny n)") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uni(0.01, 5000);
  std::lognormal_distribution<double> logn(2.0, 1.5);
  std::vector<double> a, b, c;
  for (int i = 0; i < 100000; ++i) a.push_back(uni(rng));
  for (int i = 0; i < 100000; ++i) b.push_back(logn(rng));
  for (int i = 0; i < 50000; ++i) c.push_back(i % 10 == 0 ? 900 + uni(rng) / 50 : 1 + uni(rng) / 5000);
  check_bound(a, "uniform");
  check_bound(b, "lognormal");
  check_bound(c, "bimodal");
  check_bound(std::vector<double>(1000, 42.0), "constant");
  check_bound({3.0}, "one value");
  check_bound({1.0, 1000.0}, "two values");
  for (int n = 1; n < 40; ++n) {
    std::vector<double> small;
    for (int i = 0; i < n; ++i) small.push_back(logn(rng));
    check_bound(small, "small");
  }
}

TEST_CASE("ingest_quantile: zero durations report 0, and the window slides") {
  auto w = std::make_unique<QuantileWindow>();
  w->reset();
  const double qs[] = {0.5, 0.99};
  double out[2];
  CHECK(w->query(10, qs, 2, out).count == 0);
  CHECK(out[0] == 0);
  for (int i = 0; i < 100; ++i) w->add(0, 10);
  CHECK(w->query(10, qs, 2, out).count == 100);
  CHECK(out[1] == 0);
  // Sub-windows 10..14 are inside a 5-slot window ending at 14; at 15 the
  // zeros of epoch 10 leave.
  for (int i = 0; i < 100; ++i) w->add(1000, 14);
  QuantileWindow::Summary s = w->query(14, qs, 2, out);
  CHECK(s.count == 200);
  CHECK(out[0] == 0);
  CHECK(out[1] == doctest::Approx(1000).epsilon(0.02));
  s = w->query(15, qs, 2, out);
  CHECK(s.count == 100);
  CHECK(out[0] == doctest::Approx(1000).epsilon(0.02));
  CHECK(s.sum == 100000);
  s = w->query(19, qs, 2, out);
  CHECK(s.count == 0);
  // A slot reused by a later epoch starts empty.
  w->add(5, 20);  // same slot as 10 and 15
  s = w->query(20, qs, 2, out);
  CHECK(s.count == 1);
}

TEST_CASE("ingest_aggregator: counts, histogram, quantiles and the series cap") {
  AggregatorConfig cfg;
  cfg.max_series = 3;
  cfg.window_ms = 300000;
  const char* why = "";
  REQUIRE(parse_duration_buckets("0.01, 0.1,1", cfg.buckets_s, &cfg.nbuckets, &why));
  CHECK(cfg.nbuckets == 3);
  OperationAggregator agg;
  REQUIRE(agg.init(cfg));
  int64_t now = 1700000000000000;
  for (int i = 0; i < 100; ++i) CHECK(agg.observe("db", "select", i + 1, i % 10 != 0, now));
  CHECK(agg.observe("http", "GET /", 5, true, now));
  CHECK(agg.observe("http", "POST /", 50, true, now));
  CHECK(agg.size() == 3);
  // A fourth series is refused and counted; existing ones still count.
  CHECK_FALSE(agg.observe("http", "PUT /", 5, true, now));
  CHECK_FALSE(agg.observe("http", "PUT /", 5, true, now));
  CHECK(agg.series_overflow() == 2);
  CHECK(agg.observe("db", "select", 1, true, now));
  CHECK(agg.size() == 3);

  const OperationSeries& s = agg.series(0);
  CHECK(s.type.view() == "db");
  CHECK(s.success == 91);
  CHECK(s.errors == 10);
  double q[3];
  auto sm = agg.quantiles(0, now, q);
  CHECK(sm.count == 101);
  CHECK(q[0] == doctest::Approx(50).epsilon(0.02));
  CHECK(q[1] == doctest::Approx(95).epsilon(0.02));
  CHECK(q[2] == doctest::Approx(99).epsilon(0.02));

  Snapshot snap;
  REQUIRE(snap.init({}));
  snap.clear();
  agg.add_metrics(snap, now);
  snap.finish();
  std::string text = render(snap);
  CHECK(text.find("edgestat_operations_total{name=\"select\",result=\"error\",type=\"db\"} 10\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_operations_total{name=\"select\",result=\"success\",type=\"db\"} 91\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_operation_duration_seconds_bucket{name=\"select\",type=\"db\",le=\"0.01\"} 11\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_operation_duration_seconds_bucket{name=\"select\",type=\"db\",le=\"0.1\"} 101\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_operation_duration_seconds_bucket{name=\"select\",type=\"db\",le=\"+Inf\"} 101\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_operation_duration_window_seconds{name=\"select\",type=\"db\",quantile=\"0.5\"}") !=
        std::string::npos);
  CHECK(text.find("edgestat_operation_duration_window_seconds_count{name=\"select\",type=\"db\"} 101\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_series_overflow_total{table=\"operations\"} 2\n") != std::string::npos);

  std::vector<char> buf(65536);
  OutBuffer out(buf.data(), buf.size());
  agg.render_json(out, now);
  std::string json(out.view());
  CHECK(json.find("\"operation_type\":\"db\",\"operation_name\":\"select\",\"count\":101,\"success\":91,"
                  "\"errors\":10,\"error_rate\":0.09900990099009901,\"window_count\":101") != std::string::npos);
  CHECK(json.find("\"series_overflow\":2") != std::string::npos);
  // Five minutes later the window is empty but the totals stay.
  auto later = agg.quantiles(0, now + 301000000, q);
  CHECK(later.count == 0);
}

TEST_CASE("ingest_aggregator: duration bucket config") {
  double b[kMaxDurationBuckets];
  uint32_t n = 0;
  const char* why = "";
  CHECK_FALSE(parse_duration_buckets("", b, &n, &why));
  CHECK_FALSE(parse_duration_buckets("0.1,0.1", b, &n, &why));
  CHECK_FALSE(parse_duration_buckets("1,0.5", b, &n, &why));
  CHECK_FALSE(parse_duration_buckets("0,1", b, &n, &why));
  CHECK_FALSE(parse_duration_buckets("x", b, &n, &why));
  CHECK_FALSE(parse_duration_buckets("Inf", b, &n, &why));
  std::string many;
  for (int i = 1; i <= 25; ++i) many += std::to_string(i) + ",";
  CHECK_FALSE(parse_duration_buckets(many, b, &n, &why));
  CHECK(parse_duration_buckets("0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10", b, &n, &why));
  CHECK(n == 11);
}

TEST_CASE("ingest_aggregator: many series stay findable (hash collisions)") {
  AggregatorConfig cfg;
  cfg.max_series = 500;
  cfg.nbuckets = 1;
  cfg.buckets_s[0] = 1;
  auto agg = std::make_unique<OperationAggregator>();
  REQUIRE(agg->init(cfg));
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 500; ++i) REQUIRE(agg->observe("t", "op" + std::to_string(i), 1, true, 1));
  CHECK(agg->size() == 500);
  for (size_t i = 0; i < 500; ++i) CHECK(agg->series(i).success == 3);
  CHECK_FALSE(agg->observe("t", "op500", 1, true, 1));
}

TEST_CASE("ingest_aggregator: StatsD counters, gauges, sets and tags as labels") {
  StatsdAggregator agg;
  REQUIRE(agg.init(4));
  auto apply = [&](std::string_view line) {
    StatsdLine l;
    REQUIRE(parse_statsd_line(line, &l) == StatsdError::None);
    return agg.apply(l);
  };
  CHECK(apply("hits:1|c|#env:prod,region:eu"));
  CHECK(apply("hits:2|c|@0.5|#region:eu,env:prod"));  // same series: tags sorted
  CHECK(apply("temp:20|g"));
  CHECK(apply("temp:-5|g"));
  CHECK(apply("temp:+1.5|g"));
  for (int i = 0; i < 1000; ++i) apply("users:u" + std::to_string(i % 300) + "|s");
  CHECK(apply("odd:1|c|#metric:x,9lives:y,__x:z,a.b:c"));
  CHECK_FALSE(apply("new:1|c"));  // cap of 4
  CHECK(agg.series_overflow() == 1);
  CHECK(agg.size() == 4);

  Snapshot snap;
  REQUIRE(snap.init({}));
  snap.clear();
  agg.add_metrics(snap);
  snap.finish();
  std::string text = render(snap);
  CHECK(text.find("edgestat_statsd_counter_total{env=\"prod\",metric=\"hits\",region=\"eu\"} 5\n") !=
        std::string::npos);
  CHECK(text.find("edgestat_statsd_gauge{metric=\"temp\"} 16.5\n") != std::string::npos);
  CHECK(text.find("edgestat_statsd_counter_total{a_b=\"c\",metric=\"odd\",tag_9lives=\"y\",tag___x=\"z\","
                  "tag_metric=\"x\"} 1\n") != std::string::npos);
  size_t at = text.find("edgestat_statsd_set_unique{metric=\"users\"} ");
  REQUIRE(at != std::string::npos);
  double est = std::stod(text.substr(at + 43));
  CHECK(est == doctest::Approx(300).epsilon(0.2));
  CHECK(text.find("edgestat_series_overflow_total{table=\"statsd\"} 1\n") != std::string::npos);
}

TEST_CASE("ingest_aggregator: HyperLogLog estimate stays within a few standard errors") {
  uint8_t regs[256] = {};
  StatsdAggregator agg;
  REQUIRE(agg.init(1));
  for (int n : {10, 1000, 100000}) {
    StatsdAggregator a;
    REQUIRE(a.init(1));
    for (int i = 0; i < n; ++i) {
      StatsdLine l;
      std::string line = "s:m" + std::to_string(i) + "|s";
      REQUIRE(parse_statsd_line(line, &l) == StatsdError::None);
      a.apply(l);
    }
    double e = StatsdAggregator::set_estimate(a.series(0).hll);
    CHECK(e == doctest::Approx(n).epsilon(0.2));
  }
  CHECK(StatsdAggregator::set_estimate(regs) == 0);
}

TEST_CASE("ingest_history: specs, matching samples, ring of snapshots, JSON") {
  HistorySpec spec;
  const char* why = "";
  CHECK(parse_history_spec("node_load1", &spec, &why));
  CHECK(spec.nmatchers == 0);
  CHECK(parse_history_spec("node_cpu_seconds_total{mode=\"idle\"; cpu=\"0\"}", &spec, &why));
  CHECK(spec.family == "node_cpu_seconds_total");
  REQUIRE(spec.nmatchers == 2);
  CHECK(spec.matchers[1].name == "cpu");
  CHECK(spec.matchers[1].value == "0");
  CHECK_FALSE(parse_history_spec("", &spec, &why));
  CHECK_FALSE(parse_history_spec("9bad", &spec, &why));
  CHECK_FALSE(parse_history_spec("a{mode=idle}", &spec, &why));
  CHECK_FALSE(parse_history_spec("a{mode=\"idle\"", &spec, &why));

  static constexpr FamilyDesc kCpu{"node_cpu_seconds_total", "cpu", MetricType::Counter};
  static constexpr FamilyDesc kLoad{"node_load1", "load", MetricType::Gauge};
  Snapshot snap;
  REQUIRE(snap.init({}));
  HistorySpec specs[3];
  REQUIRE(parse_history_spec("node_load1", &specs[0], &why));
  REQUIRE(parse_history_spec("node_cpu_seconds_total{mode=\"idle\"}", &specs[1], &why));
  REQUIRE(parse_history_spec("absent_family", &specs[2], &why));
  History h;
  REQUIRE(h.init(specs, 3, 2));
  for (int round = 0; round < 3; ++round) {
    snap.clear();
    snap.add(kLoad, 0.5 + round);
    snap.add(kCpu, 10, {{"cpu", "0"}, {"mode", "idle"}});
    snap.add(kCpu, 20, {{"cpu", "1"}, {"mode", "idle"}});
    snap.add(kCpu, 99, {{"cpu", "0"}, {"mode", "idle_not"}});
    snap.finish();
    h.record(snap, (1700000000 + round) * int64_t{1000000} + 250000);
  }
  REQUIRE(h.size() == 2);  // depth 2: the oldest was overwritten
  CHECK(h.value(0, 0) == 1.5);
  CHECK(h.value(1, 0) == 2.5);
  CHECK(h.value(1, 1) == 30);
  CHECK(std::isnan(h.value(1, 2)));
  std::vector<char> buf(4096);
  OutBuffer out(buf.data(), buf.size());
  REQUIRE(h.render_json(out, "node_load1", 1));
  CHECK(out.view() ==
        "{\"depth\":2,\"reserved_bytes\":64,\"series\":[{\"series\":\"node_load1\",\"points\":[[1700000002.250,2."
        "5]]}]}");
  out.clear();
  CHECK_FALSE(h.render_json(out, "nope", 0));
  out.clear();
  REQUIRE(h.render_record(out, "T"));
  CHECK(out.view() ==
        "{\"kind\":\"snapshot\",\"timestamp\":\"T\",\"series\":{\"node_load1\":2.5,"
        "\"node_cpu_seconds_total{mode=\\\"idle\\\"}\":30,\"absent_family\":null}}");
}
