// The remote write and OTLP encoders against the reference decoder: the
// bytes we produce are decoded by protoc --decode with the pinned .proto
// files and compared with the expected message, field by field.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/regex.hpp"
#include "export/encode.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;
using namespace edgestat::exporter;

namespace {

constexpr FamilyDesc kLoad{"node_load1", "1m load average.", MetricType::Gauge};
constexpr FamilyDesc kCpu{"node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", MetricType::Counter};
constexpr FamilyDesc kHist{"edgestat_operation_duration_seconds", "Operation durations.", MetricType::Histogram};
constexpr FamilyDesc kSum{"edgestat_operation_duration_window_seconds", "Window quantiles.", MetricType::Summary};

struct Fixture {
  Snapshot s;
  SeriesIndex ix;
  Fixture() {
    SnapshotLimits lim{64, 256, 65536};
    REQUIRE(s.init(lim));
    REQUIRE(ix.init(256));
    s.set_collector(1);
    s.add(kLoad, 0.5);
    s.add(kCpu, 12.25, {{"cpu", "0"}, {"mode", "idle"}});
    s.add(kCpu, 3, {{"cpu", "0"}, {"mode", "user"}});
    s.set_collector(2);
    Label op[] = {{"type", "db"}, {"name", "say \"hi\"\\"}};
    s.add(kHist, SampleKind::Bucket, 0.1, 1, op, 2);
    s.add(kHist, SampleKind::Bucket, 1, 3, op, 2);
    s.add(kHist, SampleKind::Bucket, INFINITY, 4, op, 2);
    s.add(kHist, SampleKind::Sum, 0, 2.5, op, 2);
    s.add(kHist, SampleKind::Count, 0, 4, op, 2);
    s.add(kSum, SampleKind::Quantile, 0.5, 0.01, op, 2);
    s.add(kSum, SampleKind::Quantile, 0.99, 0.2, op, 2);
    s.add(kSum, SampleKind::Sum, 0, 0.3, op, 2);
    s.add(kSum, SampleKind::Count, 0, 3, op, 2);
    s.finish();
  }
};

std::string protoc_decode(const std::vector<uint8_t>& bytes, const std::string& type, const std::string& includes,
                          const std::string& file) {
  char path[] = "/tmp/edgestat-export-pb-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  close(fd);
  std::string cmd = "protoc --decode=" + type + " " + includes + " " + file + " < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  CHECK(pclose(p) == 0);
  unlink(path);
  return out;
}

std::vector<uint8_t> encode(WireFormat f, const EncodeContext& c, uint32_t b, uint32_t e) {
  std::vector<uint8_t> buf(65536);
  size_t n = encode_batch(f, c, b, e, buf.data(), buf.size());
  REQUIRE(n > 0);
  buf.resize(n);
  return buf;
}

const std::string kPrompb = std::string("-I ") + EDGESTAT_PROTOS + "/prompb -I " + EDGESTAT_GOGO_PROTO_DIR;
const std::string kOtlp = std::string("-I ") + EDGESTAT_PROTOS;

}  // namespace

std::string read_golden(const char* name) {
  std::string path = std::string(EDGESTAT_SOURCE_DIR) + "/tests/fixtures/export/" + name;
  FILE* f = fopen(path.c_str(), "r");
  REQUIRE_MESSAGE(f, "missing golden ", path);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  // EDGESTAT_UPDATE_GOLDEN=1 rewrites them (then review the diff).
  return s;
}

void check_golden(const char* name, const std::string& got) {
  if (getenv("EDGESTAT_UPDATE_GOLDEN")) {
    std::string path = std::string(EDGESTAT_SOURCE_DIR) + "/tests/fixtures/export/" + name;
    FILE* f = fopen(path.c_str(), "w");
    REQUIRE(f);
    fputs(got.c_str(), f);
    fclose(f);
  }
  CHECK(got == read_golden(name));
}

TEST_CASE("encoders: golden WriteRequest and ExportMetricsServiceRequest decoded by protoc") {
  Fixture f;
  REQUIRE(f.ix.build(f.s, {}) == 5);  // a histogram, a summary, 2 counters, a gauge
  LabelPair ext[] = {{"instance", "router-1"}, {"job", "edgestat"}, {"mode", "never-wins"}};
  EncodeContext c{&f.ix, 1700000000123, 1699990000000, ext, "0.1.0"};
  check_golden("remote_write.txt",
               protoc_decode(encode(WireFormat::RemoteWrite, c, 0, 5), "prometheus.WriteRequest", kPrompb, "remote.proto"));
  check_golden("otlp.txt", protoc_decode(encode(WireFormat::Otlp, c, 0, 5),
                                         "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest", kOtlp,
                                         "opentelemetry/proto/collector/metrics/v1/metrics_service.proto"));
}

TEST_CASE("encoders: plan_batch cuts at whole series within samples and bytes") {
  Fixture f;
  REQUIRE(f.ix.build(f.s, {}) == 5);
  EncodeContext c{&f.ix, 1700000000123, 0, {}, "0.1.0"};
  for (WireFormat w : {WireFormat::RemoteWrite, WireFormat::Otlp}) {
    // Everything fits: the plan's size is what encode writes (remote write
    // exactly; OTLP an upper bound).
    Plan all = plan_batch(w, c, 0, 1000, 1 << 20);
    CHECK(all.begin == 0);
    CHECK(all.end == 5);
    CHECK(all.samples == 12);
    size_t n = encode(w, c, 0, 5).size();
    if (w == WireFormat::RemoteWrite) CHECK(all.bytes == n);
    else CHECK(all.bytes >= n);
    // 6 samples: the 5-sample histogram fits, the 4-sample summary does not.
    Plan p = plan_batch(w, c, 0, 6, 1 << 20);
    CHECK(p.end == 1);
    CHECK(p.samples == 5);
    // A first series larger than the limit is never split: it goes alone.
    p = plan_batch(w, c, 0, 1, 1 << 20);
    CHECK(p.end == 1);
    // Bytes: walking batch by batch with room for the largest series
    // covers every series exactly once.
    size_t largest = 0;
    for (uint32_t i = 0; i < 5; ++i) largest = std::max(largest, plan_batch(w, c, i, 1, 1 << 20).bytes);
    uint32_t at = 0, batches = 0, samples = 0;
    while (at < 5) {
      Plan q = plan_batch(w, c, at, 1000, largest);
      REQUIRE(q.end > at);
      CHECK(q.skipped == 0);
      CHECK(q.bytes <= largest);
      samples += q.samples;
      at = q.end;
      ++batches;
    }
    CHECK(samples == 12);
    CHECK(batches >= 2);
    // A series alone bigger than max_bytes is skipped and counted.
    Plan tiny = plan_batch(w, c, 0, 1000, 8);
    CHECK(tiny.skipped >= 1);
  }
}

TEST_CASE("encoders: the filter drops collectors and metric names") {
  Fixture f;
  Regex re;
  char err[128];
  REQUIRE(re.compile("^node_load.*", err, sizeof err));
  SeriesFilter filt;
  filt.collector_mask = ~(uint64_t{1} << 2);  // exclude collector 2 (histogram, summary)
  filt.drop_metrics = &re;
  CHECK(f.ix.build(f.s, filt) == 2);
  CHECK(f.ix.samples() == 2);
}

TEST_CASE("labels: rendered label sets parse back, escapes undone, hostile input refused") {
  LabelPair l[4];
  char scratch[64];
  size_t n = 0;
  REQUIRE(parse_rendered_labels("a=\"x\",b=\"q\\\"\\\\\\n\"", l, 4, &n, scratch, sizeof scratch));
  CHECK(n == 2);
  CHECK(l[1].value == "q\"\\\n");
  CHECK(parse_rendered_labels("", l, 4, &n, scratch, sizeof scratch));
  CHECK(n == 0);
  for (const char* bad : {"a", "a=\"x", "=\"x\"", "a=\"x\"b=\"y\"", "a=\"x\",", "a=\"x\\\""})
    CHECK_FALSE(parse_rendered_labels(bad, l, 4, &n, scratch, sizeof scratch));
  CHECK_FALSE(parse_rendered_labels("a=\"1\",b=\"2\",c=\"3\",d=\"4\",e=\"5\"", l, 4, &n, scratch, sizeof scratch));
  CHECK_FALSE(parse_rendered_labels("a=\"\\\\\\\\\\\\\\\\\"", l, 4, &n, scratch, 2));
}
