// ingest/history + history_file: spacing at the collection interval,
// split series, != matchers, histogram _sum/_count, and the history file
// (round trip, restore into another config, every kind of corruption).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ingest/history.hpp"
#include "ingest/history_file.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

constexpr FamilyDesc kLoad{"node_load1", "load", MetricType::Gauge};
constexpr FamilyDesc kRx{"node_network_receive_bytes_total", "rx", MetricType::Counter};
constexpr FamilyDesc kCpu{"lxc_cpu_usage_seconds_total", "cpu", MetricType::Counter};
constexpr FamilyDesc kDur{"edgestat_operation_duration_seconds", "d", MetricType::Histogram};

constexpr int64_t kT0 = 1700000000 * int64_t{1000000};
constexpr int64_t kSec = 1000000;

void fill(Snapshot& snap, double load, std::initializer_list<const char*> containers = {"web", "db"}) {
  snap.clear();
  snap.add(kLoad, load);
  snap.add(kRx, 100, {{"device", "eth0"}});
  snap.add(kRx, 1000, {{"device", "lo"}});
  snap.add(kRx, 50, {{"device", "wlan0"}});
  double v = 1;
  for (const char* c : containers) snap.add(kCpu, v++, {{"name", c}});
  Label l[] = {{"operation_name", "q"}, {"operation_type", "db"}};
  snap.add(kDur, SampleKind::Bucket, 1, 3, l, 2);
  snap.add(kDur, SampleKind::Sum, 0, 0.75, l, 2);
  snap.add(kDur, SampleKind::Count, 0, 3, l, 2);
  snap.finish();
}

void init(History& h, std::vector<std::string> texts, uint32_t depth) {
  static HistorySpec specs[kMaxHistorySeries];
  const char* why = "";
  for (size_t i = 0; i < texts.size(); ++i) REQUIRE_MESSAGE(parse_history_spec(texts[i], &specs[i], &why), why);
  REQUIRE(h.init(specs, texts.size(), depth));
}

std::string json(const History& h, std::string_view only = {}) {
  static char buf[1 << 16];
  OutBuffer out(buf, sizeof buf);
  h.render_json(out, only, 0);
  return std::string(out.view());
}

}  // namespace

TEST_CASE("history: a point per interval; a scrape-triggered collection right after adds none") {
  Snapshot snap;
  REQUIRE(snap.init({}));
  History h;
  init(h, {"node_load1"}, 10);
  h.set_min_spacing_us(15 * kSec * 9 / 10);
  fill(snap, 1);
  CHECK(h.record(snap, kT0));
  CHECK_FALSE(h.record(snap, kT0 + 5000));     // 5 ms later: a scrape's collection
  CHECK_FALSE(h.record(snap, kT0 + 10 * kSec)); // still within the interval
  CHECK(h.record(snap, kT0 + 15 * kSec - 200000));  // the timer, a little early
  // The timer postponed to 1.5 intervals by a scrape: the next point comes then.
  CHECK(h.record(snap, kT0 + 37 * kSec));
  REQUIRE(h.size() == 3);
  for (uint32_t i = 1; i < h.size(); ++i) CHECK(h.time_us(i) - h.time_us(i - 1) >= 13 * kSec);
}

TEST_CASE("history: != matchers, _sum/_count of a histogram, series split by a label") {
  Snapshot snap;
  REQUIRE(snap.init({}));
  History h;
  init(h,
       {"node_network_receive_bytes_total{device!=\"lo\"}", "edgestat_operation_duration_seconds_sum",
        "edgestat_operation_duration_seconds_count", "lxc_cpu_usage_seconds_total by name", "absent by name"},
       4);
  CHECK(h.column_count() == 3 + 2 * kMaxHistoryGroup);
  fill(snap, 1);
  REQUIRE(h.record(snap, kT0));
  CHECK(h.value(0, 0) == 150);   // eth0 + wlan0, not lo
  CHECK(h.value(0, 1) == 0.75);  // the histogram's _sum sample only
  CHECK(h.value(0, 2) == 3);
  std::string j = json(h);
  CHECK(j.find("\"series\":\"lxc_cpu_usage_seconds_total{name=\\\"web\\\"}\",\"points\":[[1700000000.000,1]]") !=
        std::string::npos);
  CHECK(j.find("lxc_cpu_usage_seconds_total{name=\\\"db\\\"}") != std::string::npos);
  CHECK(j.find("absent") == std::string::npos);  // unassigned columns are left out
  // A container that goes away leaves nulls; a new one takes a free column.
  fill(snap, 1, {"web", "new"});
  REQUIRE(h.record(snap, kT0 + 15 * kSec));
  CHECK(json(h, "lxc_cpu_usage_seconds_total{name=\"db\"}").find("[1700000015.000,null]") != std::string::npos);
  CHECK(json(h, "lxc_cpu_usage_seconds_total{name=\"new\"}").find("[1700000015.000,2]") != std::string::npos);
  const char* why = "";
  HistorySpec s;
  CHECK(parse_history_spec("a{b!=\"\"} by c", &s, &why));
  CHECK(s.matchers[0].negate);
  CHECK(s.group == "c");
  CHECK_FALSE(parse_history_spec("a by", &s, &why));
  CHECK_FALSE(parse_history_spec("a by 9x", &s, &why));
  CHECK_FALSE(parse_history_spec("a{!=\"x\"}", &s, &why));
}

TEST_CASE("history: more label values than columns are counted; a column all null is reused") {
  Snapshot snap;
  REQUIRE(snap.init({}));
  History h;
  init(h, {"lxc_cpu_usage_seconds_total by name"}, 2);
  const char* names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"};
  snap.clear();
  for (const char* n : names) snap.add(kCpu, 1, {{"name", n}});
  snap.finish();
  REQUIRE(h.record(snap, kT0));
  CHECK(h.overflow() == 1);
  // c0 disappears for the whole depth (2 points): its column goes to c8.
  snap.clear();
  for (size_t i = 1; i < 9; ++i) snap.add(kCpu, 2, {{"name", names[i]}});
  snap.finish();
  REQUIRE(h.record(snap, kT0 + 15 * kSec));
  REQUIRE(h.record(snap, kT0 + 30 * kSec));
  REQUIRE(h.record(snap, kT0 + 45 * kSec));
  CHECK(json(h).find("name=\\\"c8\\\"") != std::string::npos);
  CHECK(json(h).find("name=\\\"c0\\\"") == std::string::npos);
}

TEST_CASE("default series: the page's charts, containers only with the lxc collector") {
  HistorySpec specs[kMaxHistorySeries];
  size_t host = default_history_specs(false, specs, kMaxHistorySeries);
  size_t all = default_history_specs(true, specs, kMaxHistorySeries);
  CHECK(host >= 10);
  CHECK(all == host + 2);
  CHECK(specs[all - 1].group == "name");
  History h;
  REQUIRE(h.init(specs, all, 480));
  CHECK(h.reserved_bytes() == 480 * (8 + 8 * h.column_count()));
}

TEST_CASE("history file: round trip, restore into a changed config, newest depth points kept") {
  Snapshot snap;
  REQUIRE(snap.init({}));
  History a;
  init(a, {"node_load1", "lxc_cpu_usage_seconds_total by name"}, 8);
  for (int i = 0; i < 5; ++i) {
    fill(snap, i);
    REQUIRE(a.record(snap, kT0 + i * 15 * kSec));
  }
  std::vector<char> buf(history_file_capacity(a));
  size_t n = encode_history(a, buf.data(), buf.size());
  REQUIRE(n > 0);
  History b;
  init(b, {"node_load1", "lxc_cpu_usage_seconds_total by name"}, 8);
  const char* why = "";
  REQUIRE_MESSAGE(decode_history(buf.data(), n, &b, &why), why);
  CHECK(json(b) == json(a));
  // Another config: a series gone, one new, a smaller depth.
  History c;
  init(c, {"node_network_receive_bytes_total", "node_load1"}, 3);
  REQUIRE(decode_history(buf.data(), n, &c, &why));
  REQUIRE(c.size() == 3);
  CHECK(c.value(0, 1) == 2);  // points 2, 3, 4 of load
  CHECK(c.value(2, 1) == 4);
  CHECK(std::isnan(c.value(2, 0)));
  CHECK(c.time_us(2) == kT0 + 60 * kSec);
  // It records on after the restored points, spaced from the last one.
  c.set_min_spacing_us(10 * kSec);
  fill(snap, 9);
  CHECK_FALSE(c.record(snap, kT0 + 61 * kSec));
  CHECK(c.record(snap, kT0 + 75 * kSec));
}

TEST_CASE("history file: corrupt, truncated, foreign or newer files are refused whole") {
  Snapshot snap;
  REQUIRE(snap.init({}));
  History a;
  init(a, {"node_load1"}, 4);
  fill(snap, 1);
  REQUIRE(a.record(snap, kT0));
  REQUIRE(a.record(snap, kT0 + 15 * kSec));
  std::vector<char> buf(history_file_capacity(a));
  size_t n = encode_history(a, buf.data(), buf.size());
  REQUIRE(n > 0);
  History b;
  init(b, {"node_load1"}, 4);
  fill(snap, 7);
  REQUIRE(b.record(snap, kT0 + 100 * kSec));
  const char* why = "";
  auto refused = [&](std::vector<char> f, const char* reason) {
    bool ok = decode_history(f.data(), f.size(), &b, &why);
    CHECK_MESSAGE(!ok, reason);
    if (!ok) CHECK_MESSAGE(std::string(why) == reason, why);
    CHECK(b.size() == 1);  // untouched
    CHECK(b.value(0, 0) == 7);
  };
  std::vector<char> good(buf.begin(), buf.begin() + static_cast<long>(n));
  for (size_t cut = 0; cut < n; ++cut) {
    std::vector<char> t(good.begin(), good.begin() + static_cast<long>(cut));
    CHECK_FALSE(decode_history(t.data(), t.size(), &b, &why));
  }
  CHECK(b.size() == 1);
  std::vector<char> f = good;
  f[0] = 'X';
  refused(f, "not a history file (bad magic)");
  f = good;
  f[8] = 2;
  refused(f, "unsupported history file version");
  f = good;
  f[n - 20] ^= 1;  // a value bit
  refused(f, "checksum mismatch");
  f = good;
  f.push_back(0);
  refused(f, "trailing bytes after the data");
  f = good;
  f[16] = static_cast<char>(0xff);  // points: huge
  f[17] = static_cast<char>(0xff);
  f[18] = static_cast<char>(0xff);
  f[19] = static_cast<char>(0xff);
  refused(f, "header claims more than a history file holds");
}
