// store/: batch names and document, durable write, retention, and the
// writer thread end to end in temp directories.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "store/batch_format.hpp"
#include "store/durable_file.hpp"
#include "store/record_writer.hpp"
#include "store/retention.hpp"
#include "sys/fs.hpp"

using namespace edgestat;
using namespace edgestat::store;

namespace {

constexpr int64_t kMs = 1000000;  // ns

struct TempDir {
  char path[128];
  TempDir() {
    std::snprintf(path, sizeof path, "/tmp/edgestat-store-XXXXXX");
    if (!::mkdtemp(path)) path[0] = '\0';
  }
  ~TempDir() {
    char cmd[200];
    std::snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    int r = std::system(cmd);
    (void)r;
  }
  // path/name in a buffer that lives until the next call.
  const char* at(const char* name) {
    std::snprintf(buf, sizeof buf, "%s/%s", path, name);
    return buf;
  }
  void put(const char* name, std::string_view content) {
    int fd = ::open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  bool has(const char* name) { return ::access(at(name), F_OK) == 0; }
  char buf[300];
};

// What a directory holds: counts by kind and the greatest name.
struct Listing {
  size_t count = 0, temps = 0, batches = 0;
  char last[64] = {};

  explicit Listing(const char* dir) {
    DirReader d(dir);
    std::string_view n;
    while (d.next(&n)) {
      if (is_temp_name(n)) ++temps;
      if (parse_batch_name(n)) ++batches;
      if (n.size() < sizeof last && n > std::string_view(last)) {
        n.copy(last, n.size());
        last[n.size()] = '\0';
      }
      ++count;
    }
  }
};

bool wait_until(int64_t timeout_ms, auto pred) {
  int64_t end = monotonic_ns() + timeout_ms * kMs;
  while (!pred()) {
    if (monotonic_ns() > end) return false;
    ::usleep(2000);
  }
  return true;
}

// Reads every batch file in dir (name order) and checks each document's
// shape, that records carry {"seq":N} in increasing order across files and
// that batch ids are consecutive. Returns the records found.
struct BatchCheck {
  uint64_t files = 0, records = 0;
  uint64_t max_file_bytes = 0, max_file_records = 0;
  bool shape_ok = true, order_ok = true, ids_ok = true, counts_ok = true;
  uint64_t next_seq = 0;
};

char g_file_buf[8 << 20];

BatchCheck check_batches(const char* dir) {
  BatchCheck c;
  // Batch names, sorted through an index (char rows are not swappable).
  static char names[4096][40];
  size_t count = 0;
  {
    DirReader d(dir);
    std::string_view n;
    while (d.next(&n) && count < 4096)
      if (parse_batch_name(n)) {
        n.copy(names[count], n.size());
        names[count][n.size()] = '\0';
        ++count;
      }
  }
  static uint32_t order[4096];
  for (uint32_t i = 0; i < count; ++i) order[i] = i;
  std::sort(order, order + count, [](uint32_t a, uint32_t b) { return std::strcmp(names[a], names[b]) < 0; });
  uint64_t prev_id = 0;
  for (size_t k = 0; k < count; ++k) {
    char path[300];
    std::snprintf(path, sizeof path, "%s/%s", dir, names[order[k]]);
    size_t len = 0;
    if (!read_file(path, g_file_buf, sizeof g_file_buf, &len)) {
      c.shape_ok = false;
      continue;
    }
    std::string_view doc(g_file_buf, len);
    ++c.files;
    c.max_file_bytes = std::max<uint64_t>(c.max_file_bytes, len);
    constexpr std::string_view kHead = "{\"records\":[";
    if (doc.substr(0, kHead.size()) != kHead || doc.size() < 3 || doc.substr(doc.size() - 2) != "}\n") {
      c.shape_ok = false;
      continue;
    }
    auto id = find_batch_id(doc.substr(doc.size() > 128 ? doc.size() - 128 : 0));
    if (!id || (prev_id && *id != prev_id + 1)) c.ids_ok = false;
    if (id) prev_id = *id;
    size_t tr = doc.rfind("\"total_records\":");
    uint64_t total = tr == std::string_view::npos ? 0 : std::strtoull(doc.data() + tr + 16, nullptr, 10);
    size_t ts = doc.rfind("],\"batch_timestamp\":\"");
    if (ts == std::string_view::npos) c.shape_ok = false;
    // The timestamp in the document is the one in the name.
    char rfc[kRfc3339Len];
    format_rfc3339_us(*parse_batch_name(names[order[k]]), rfc);
    if (ts != std::string_view::npos && doc.substr(ts + 21, kRfc3339Len) != std::string_view(rfc, kRfc3339Len))
      c.shape_ok = false;
    uint64_t in_file = 0;
    size_t pos = 0;
    while ((pos = doc.find("{\"seq\":", pos)) != std::string_view::npos) {
      pos += 7;
      uint64_t seq = std::strtoull(doc.data() + pos, nullptr, 10);
      if (seq != c.next_seq) c.order_ok = false;
      c.next_seq = seq + 1;
      ++in_file;
    }
    if (in_file != total) c.counts_ok = false;
    c.records += total;
    c.max_file_records = std::max<uint64_t>(c.max_file_records, total);
  }
  return c;
}

int make_record(char* buf, size_t cap, uint64_t seq, int pad) {
  return std::snprintf(buf, cap, "{\"seq\":%llu,\"kind\":\"op\",\"pad\":\"%.*s\"}", (unsigned long long)seq, pad,
                       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}

// Pushes records seq [from, to), retrying while the ring is full.
void push_records(RecordWriter& w, uint64_t from, uint64_t to) {
  char rec[256];
  for (uint64_t s = from; s < to;) {
    int n = make_record(rec, sizeof rec, s, static_cast<int>(s % 40));
    if (w.push(rec, static_cast<uint32_t>(n))) {
      ++s;
      w.notify_if_needed();
    } else {
      w.notify_if_needed();
      ::usleep(200);
    }
  }
}

RecordWriterConfig small_config(const char* dir) {
  RecordWriterConfig c;
  c.directory = dir;
  c.ring_slots = 256;
  c.slot_bytes = 256;
  c.max_batch = 50;
  c.flush_interval_ms = 20;
  c.backoff_initial_ms = 10;
  c.backoff_max_ms = 40;
  return c;
}

}  // namespace

// ---------------------------------------------------------------- names

TEST_CASE("test_store: batch file names") {
  char name[kBatchNameLen + 1];
  CHECK(format_batch_name(0, name) == kBatchNameLen);
  CHECK(std::string_view(name) == "metrics_19700101_000000_000000.json");
  format_batch_name(1714566896123456, name);
  CHECK(std::string_view(name) == "metrics_20240501_123456_123456.json");
  format_batch_name(951868799999999, name);  // 2000 is a leap year
  CHECK(std::string_view(name) == "metrics_20000229_235959_999999.json");
  format_batch_name(4107542399999999, name);  // 2100 is not
  CHECK(std::string_view(name) == "metrics_21000228_235959_999999.json");
  format_batch_name(-5, name);  // clamped, never garbage
  CHECK(std::string_view(name) == "metrics_19700101_000000_000000.json");
  format_batch_name(kMaxUnixUs + 1000, name);
  CHECK(std::string_view(name) == "metrics_99991231_235959_999999.json");

  char temp[kTempNameLen + 1];
  CHECK(format_temp_name(1714566896123456, temp) == kTempNameLen);
  CHECK(std::string_view(temp) == ".metrics_20240501_123456_123456.json.tmp");
  CHECK(is_temp_name(temp));
  CHECK_FALSE(parse_batch_name(temp));
}

TEST_CASE("test_store: batch names parse back, and only canonical ones") {
  char name[kBatchNameLen + 1];
  // Every day boundary over 400 years plus odd microseconds round-trips.
  bool ok = true;
  for (int64_t us = 0; us < 13000000000000000; us += 86400LL * 1000000 * 7 + 123457) {
    format_batch_name(us, name);
    auto back = parse_batch_name(name);
    ok &= back && *back == us;
  }
  CHECK(ok);
  CHECK(*parse_batch_name("metrics_20240229_000000_000001.json") == 1709164800000001);
  for (const char* bad : {"metrics_20240230_000000_000000.json",  // Feb 30
                          "metrics_20230229_000000_000000.json",  // not a leap year
                          "metrics_20241301_000000_000000.json",
                          "metrics_20240100_000000_000000.json",
                          "metrics_20240101_240000_000000.json",
                          "metrics_20240101_006000_000000.json",
                          "metrics_20240101_000060_000000.json",
                          "metrics_19691231_235959_999999.json",
                          "metrics_2024010_1000000_000000.json",
                          "metrics_20240101-000000_000000.json",
                          "metrics_20240101_000000_00000a.json",
                          "metrics_20240101_000000_000000.jso",
                          "metrics_20240101_000000_000000.json~",
                          "Metrics_20240101_000000_000000.json",
                          "metrics_20240101_000000_000000.JSON",
                          "metrics_+0240101_000000_000000.json",
                          ".metrics_20240101_000000_000000.json",
                          "metrics_.json",
                          "",
                          "metrics_"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_batch_name(bad));
  }
  CHECK(is_temp_name(".metrics_20240101_000000_000000.json.tmp"));
  CHECK_FALSE(is_temp_name(".metrics_20240101_000000_000000.json"));
  CHECK_FALSE(is_temp_name("metrics_20240101_000000_000000.json.tmp"));
  CHECK_FALSE(is_temp_name(".metrics_20240230_000000_000000.json.tmp"));
  CHECK_FALSE(is_temp_name(".other.tmp"));
}

TEST_CASE("test_store: RFC 3339 timestamps") {
  char ts[kRfc3339Len];
  CHECK(format_rfc3339_us(1714566896123456, ts) == kRfc3339Len);
  CHECK(std::string_view(ts, kRfc3339Len) == "2024-05-01T12:34:56.123456Z");
  format_rfc3339_us(0, ts);
  CHECK(std::string_view(ts, kRfc3339Len) == "1970-01-01T00:00:00.000000Z");
  format_rfc3339_us(1709251199999999, ts);
  CHECK(std::string_view(ts, kRfc3339Len) == "2024-02-29T23:59:59.999999Z");
}

TEST_CASE("test_store: record shape check and batch id lookup") {
  CHECK(looks_like_json_object("{}"));
  CHECK(looks_like_json_object(" {\"a\":1}\n"));
  CHECK_FALSE(looks_like_json_object(""));
  CHECK_FALSE(looks_like_json_object("{"));
  CHECK_FALSE(looks_like_json_object("}"));
  CHECK_FALSE(looks_like_json_object("[1]"));
  CHECK_FALSE(looks_like_json_object("{\"a\":1} x"));
  CHECK_FALSE(looks_like_json_object("   "));

  CHECK(*find_batch_id("...\"batch_id\":42,\"total_records\":3}\n") == 42);
  CHECK(*find_batch_id("\"batch_id\":18446744073709551615,") == 18446744073709551615ull);
  CHECK_FALSE(find_batch_id("\"batch_id\":18446744073709551616,"));  // overflow
  CHECK_FALSE(find_batch_id("\"batch_id\":,"));
  CHECK_FALSE(find_batch_id("no id here"));
  CHECK_FALSE(find_batch_id(""));
}

TEST_CASE("test_store: batch document") {
  char buf[512];
  BatchBuilder b;
  b.reset(buf, sizeof buf);
  CHECK(b.add("{\"a\":1}"));
  CHECK(b.add("{\"b\":\"x,y\"}"));
  CHECK(b.add("{}"));
  CHECK(b.count() == 3);
  CHECK(b.finish(1714566896123456, 7) ==
        "{\"records\":[{\"a\":1},{\"b\":\"x,y\"},{}],\"batch_timestamp\":\"2024-05-01T12:34:56.123456Z\","
        "\"batch_id\":7,\"total_records\":3}\n");

  b.reset(buf, sizeof buf);
  CHECK(b.finish(0, 1) ==
        "{\"records\":[],\"batch_timestamp\":\"1970-01-01T00:00:00.000000Z\",\"batch_id\":1,\"total_records\":0}\n");

  // The worst-case tail (20-digit id, 10-digit count) fits in kTailBytes.
  static_assert(BatchBuilder::kOverheadBytes >= 12 + 110);

  // capacity_for() holds exactly max records of the max size, and no more.
  constexpr uint32_t kRecords = 5, kBytes = 40;
  static char big[BatchBuilder::capacity_for(kRecords, kBytes)];
  char rec[kBytes + 1];
  std::memset(rec, ' ', kBytes);
  rec[0] = '{', rec[kBytes - 1] = '}';
  b.reset(big, sizeof big);
  for (uint32_t i = 0; i < kRecords; ++i) CHECK(b.add(std::string_view(rec, kBytes)));
  CHECK_FALSE(b.add(std::string_view(rec, kBytes)));
  std::string_view doc = b.finish(kMaxUnixUs, UINT64_MAX);
  CHECK_FALSE(doc.empty());
  CHECK(doc.find("\"batch_id\":18446744073709551615,\"total_records\":5}\n") != std::string_view::npos);

  // A too-small buffer refuses records, never writes a cut document.
  char tiny[64];
  b.reset(tiny, sizeof tiny);
  CHECK_FALSE(b.add("{}"));
  CHECK(b.count() == 0);
}

TEST_CASE("test_store: a packed slot goes into the batch as its records, each line that is not an object left out") {
  // What add_lines writes is what add() writes for each object line.
  auto by_lines = [](std::string_view first, std::string_view slot, uint32_t* rejected) {
    static char buf[1024];
    BatchBuilder b;
    b.reset(buf, sizeof buf);
    if (!first.empty()) REQUIRE(b.add(first));
    *rejected = b.add_lines(slot);
    return std::string(b.finish(0, 1)) + "#" + std::to_string(b.count());
  };
  auto by_records = [](std::string_view first, std::initializer_list<std::string_view> recs) {
    static char buf[1024];
    BatchBuilder b;
    b.reset(buf, sizeof buf);
    if (!first.empty()) REQUIRE(b.add(first));
    for (std::string_view r : recs) REQUIRE(b.add(r));
    return std::string(b.finish(0, 1)) + "#" + std::to_string(b.count());
  };
  uint32_t rej = 99;
  // Bare objects one a line, longer than a SWAR word and not: the fast path.
  for (std::string_view first : {std::string_view(), std::string_view("{\"h\":0}")}) {
    CHECK(by_lines(first, "{\"a\":1}", &rej) == by_records(first, {"{\"a\":1}"}));
    CHECK(rej == 0);
    CHECK(by_lines(first, "{\"a\":\"0123456789abcdef\"}\n{}\n{\"c\":3}", &rej) ==
          by_records(first, {"{\"a\":\"0123456789abcdef\"}", "{}", "{\"c\":3}"}));
    CHECK(rej == 0);
  }
  // Blanks around a record, an empty line, a line that is not an object, a
  // trailing newline: line by line, the bad lines left out and counted.
  CHECK(by_lines("", " {\"a\":1} \n{\"b\":2}", &rej) == by_records("", {" {\"a\":1} ", "{\"b\":2}"}));
  CHECK(rej == 0);
  CHECK(by_lines("", "{\"a\":1}\n\n{\"b\":2}", &rej) == by_records("", {"{\"a\":1}", "{\"b\":2}"}));
  CHECK(rej == 1);
  CHECK(by_lines("", "{\"a\":1}\nnot json\n{\"b\":2}", &rej) == by_records("", {"{\"a\":1}", "{\"b\":2}"}));
  CHECK(rej == 1);
  CHECK(by_lines("", "{\"a\":1}\n", &rej) == by_records("", {"{\"a\":1}"}));
  CHECK(rej == 0);
  CHECK(by_lines("{}", "", &rej) == by_records("{}", {}));
  CHECK(rej == 1);  // an empty slot is one empty record
  // A slot without room is refused whole by the fast path and record by
  // record after it: nothing cut is ever written.
  char tiny[BatchBuilder::kOverheadBytes];
  BatchBuilder b;
  b.reset(tiny, sizeof tiny);
  CHECK(b.add_lines("{\"a\":1}\n{\"b\":2}") == 2);
  CHECK(b.count() == 0);
}

// ---------------------------------------------------------------- durable write

TEST_CASE("test_store: durable write puts the whole file in place") {
  TempDir d;
  REQUIRE(d.path[0]);
  int fd = open_dir(d.path);
  REQUIRE(fd >= 0);
  WriteOutcome w = write_file_durable(fd, "metrics_x.json", ".metrics_x.json.tmp", "{\"ok\":1}\n", 9);
  CHECK(w.err == 0);
  CHECK(w.renamed);
  CHECK(w.stage == WriteStage::None);
  char buf[64];
  size_t n = 0;
  REQUIRE(read_file(d.at("metrics_x.json"), buf, sizeof buf, &n));
  CHECK(std::string_view(buf, n) == "{\"ok\":1}\n");
  CHECK_FALSE(d.has(".metrics_x.json.tmp"));
  CHECK(name_exists(fd, "metrics_x.json"));
  CHECK_FALSE(name_exists(fd, "metrics_y.json"));
  ::close(fd);
}

TEST_CASE("test_store: durable write failures leave no temp file") {
  TempDir d;
  REQUIRE(d.path[0]);
  int fd = open_dir(d.path);
  REQUIRE(fd >= 0);

  SUBCASE("create fails: the temp's directory is missing") {
    WriteOutcome w = write_file_durable(fd, "gone/final.json", "gone/.final.tmp", "{}", 2);
    CHECK(w.err == ENOENT);
    CHECK(w.stage == WriteStage::Create);
    CHECK_FALSE(w.renamed);
  }
  SUBCASE("rename fails: the final name is a non-empty directory") {
    REQUIRE(::mkdir(d.at("final.json"), 0755) == 0);
    d.put("final.json/keep", "x");
    WriteOutcome w = write_file_durable(fd, "final.json", ".final.tmp", "{}", 2);
    CHECK(w.err != 0);
    CHECK(w.stage == WriteStage::Rename);
    CHECK_FALSE(w.renamed);
    CHECK_FALSE(d.has(".final.tmp"));
    CHECK(d.has("final.json/keep"));
  }
  ::close(fd);
  Listing l(d.path);
  CHECK(l.temps == 0);

  errno = 0;
  CHECK(open_dir(d.at("missing")) < 0);
  CHECK(errno == ENOENT);
  d.put("plain", "x");
  CHECK(open_dir(d.at("plain")) < 0);
  CHECK(errno == ENOTDIR);
}

TEST_CASE("test_store: stale temps are removed, nothing else") {
  TempDir d;
  REQUIRE(d.path[0]);
  d.put(".metrics_20240101_000000_000000.json.tmp", "{\"records\":[");
  d.put(".metrics_20240101_000000_000001.json.tmp", "");
  d.put("metrics_20240101_000000_000002.json", "{}");
  d.put(".metrics_other.json.tmp", "");
  d.put("notes.tmp", "");
  CHECK(remove_stale_temps(d.path) == 2);
  Listing l(d.path);
  CHECK(l.count == 3);
  CHECK(l.temps == 0);
  CHECK(remove_stale_temps(d.at("missing")) == -1);
}

// ---------------------------------------------------------------- retention

namespace {

constexpr int64_t kT0 = 1714566896000000;  // 2024-05-01T12:34:56Z

void put_batch(TempDir& d, int64_t us, size_t bytes) {
  char name[kBatchNameLen + 1];
  format_batch_name(us, name);
  static char content[8192];
  std::memset(content, 'x', sizeof content);
  d.put(name, std::string_view(content, bytes));
}

bool has_batch(TempDir& d, int64_t us) {
  char name[kBatchNameLen + 1];
  format_batch_name(us, name);
  return d.has(name);
}

}  // namespace

TEST_CASE("test_store: retention by count removes the oldest") {
  TempDir d;
  REQUIRE(d.path[0]);
  for (int i = 0; i < 10; ++i) put_batch(d, kT0 + i * 1000000, 100);
  // Not ours: must survive whatever the limits say.
  d.put("README", "keep");
  d.put("metrics_20000101_000000_000000.json.bak", "keep");
  d.put("metrics_20000230_000000_000000.json", "keep");                      // not a real date
  REQUIRE(::mkdir(d.at("metrics_20000101_000000_000000.json"), 0755) == 0);  // old, but a directory

  RetentionPolicy p;
  p.max_files = 4;
  RetentionResult r = apply_retention(d.path, p, kT0);
  CHECK(r.err == 0);
  CHECK(r.removed == 6);
  CHECK(r.files == 4);
  CHECK(r.bytes == 400);
  CHECK(r.oldest_us == kT0 + 6 * 1000000);
  for (int i = 0; i < 10; ++i) CHECK(has_batch(d, kT0 + i * 1000000) == (i >= 6));
  CHECK(d.has("README"));
  CHECK(d.has("metrics_20000101_000000_000000.json.bak"));
  CHECK(d.has("metrics_20000230_000000_000000.json"));
  CHECK(d.has("metrics_20000101_000000_000000.json"));

  // Within limits: nothing happens.
  r = apply_retention(d.path, p, kT0);
  CHECK(r.removed == 0);
  CHECK(r.files == 4);
}

TEST_CASE("test_store: retention by bytes and by age") {
  TempDir d;
  REQUIRE(d.path[0]);
  for (int i = 0; i < 10; ++i) put_batch(d, kT0 + i * 60000000LL, 1000);  // one a minute

  RetentionPolicy bytes;
  bytes.max_bytes = 3500;
  RetentionResult r = apply_retention(d.path, bytes, kT0);
  CHECK(r.removed == 7);
  CHECK(r.bytes == 3000);
  CHECK(has_batch(d, kT0 + 7 * 60000000LL));
  CHECK_FALSE(has_batch(d, kT0 + 6 * 60000000LL));

  for (int i = 0; i < 7; ++i) put_batch(d, kT0 + i * 60000000LL, 1000);
  RetentionPolicy age;
  age.max_age_us = 150 * 1000000LL;  // 2.5 minutes
  // "Now" is 5 minutes after the newest: all but those younger than 2.5 min
  // before now go; file 9 is at +9 min, now at +14 min: everything is older.
  r = apply_retention(d.path, age, kT0 + 14 * 60000000LL);
  CHECK(r.removed == 10);
  CHECK(r.files == 0);
  CHECK(r.oldest_us == 0);

  for (int i = 0; i < 10; ++i) put_batch(d, kT0 + i * 60000000LL, 1000);
  r = apply_retention(d.path, age, kT0 + 9 * 60000000LL);  // now = newest
  CHECK(r.removed == 7);                                   // minutes 0..6 are older than 2.5 min
  CHECK(r.files == 3);
  CHECK(r.oldest_us == kT0 + 7 * 60000000LL);

  RetentionPolicy none;
  CHECK_FALSE(retention_enabled(none));
  r = apply_retention(d.path, none, kT0 + 1000 * 60000000LL);
  CHECK(r.removed == 0);
  CHECK(r.files == 3);

  r = apply_retention(d.at("missing"), bytes, kT0);
  CHECK(r.err == ENOENT);
}

TEST_CASE("test_store: retention beyond one scan's memory takes several passes") {
  TempDir d;
  REQUIRE(d.path[0]);
  const int n = static_cast<int>(kScanOldest) * 3 + 17;
  // Created newest first so directory order is not name order.
  for (int i = n - 1; i >= 0; --i) put_batch(d, kT0 + i * 1000, 10);
  RetentionPolicy p;
  p.max_files = 5;
  RetentionResult r = apply_retention(d.path, p, kT0);
  CHECK(r.err == 0);
  CHECK(r.removed == static_cast<uint64_t>(n - 5));
  CHECK(r.files == 5);
  bool newest_kept = true;
  for (int i = n - 5; i < n; ++i) newest_kept &= has_batch(d, kT0 + i * 1000);
  CHECK(newest_kept);
  Listing l(d.path);
  CHECK(l.count == 5);
}

// ---------------------------------------------------------------- writer

TEST_CASE("test_store: writer config is validated") {
  RecordWriterConfig c = small_config("/tmp");
  {
    RecordWriter w;
    c.ring_slots = 100;
    CHECK_FALSE(w.init(c).is_ok());
  }
  {
    RecordWriter w;
    c = small_config(nullptr);
    CHECK_FALSE(w.init(c).is_ok());
  }
  {
    RecordWriter w;
    c = small_config("/tmp");
    c.max_batch = 0;
    CHECK_FALSE(w.init(c).is_ok());
  }
  {
    RecordWriter w;
    c = small_config("/tmp");
    c.retention.max_bytes = 1000;  // smaller than one batch
    Status s = w.init(c);
    CHECK_FALSE(s.is_ok());
    CHECK(s.message().find("max_bytes") != std::string_view::npos);
  }
  {
    RecordWriter w;
    c = small_config("/tmp");
    c.flush_interval_ms = 1;
    CHECK_FALSE(w.init(c).is_ok());
  }
  {
    RecordWriter w;
    c = small_config("/tmp");
    REQUIRE(w.init(c).is_ok());
    CHECK(w.max_record_bytes() == 252);
    CHECK_FALSE(w.init(c).is_ok());
    CHECK_FALSE(w.push(std::string_view(g_file_buf, 253)));  // over the slot: a drop
  }
  {
    RecordWriter w;
    CHECK_FALSE(w.start().is_ok());  // start before init
    CHECK(w.stop(monotonic_ns()) == 0);
  }
}

TEST_CASE("test_store: writer persists every record in order") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  CHECK(w.stats().running);
  const uint64_t n = 20000;
  push_records(w, 0, n);
  CHECK(w.stop(monotonic_ns() + 10000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK_FALSE(s.running);
  CHECK(s.total_persisted == n);
  CHECK(s.batches_written >= 1);
  CHECK(s.last_errno == 0);
  CHECK(s.last_flush_unix_us > 0);
  BatchCheck b = check_batches(d.path);
  CHECK(b.records == n);
  CHECK(b.files == s.batches_written);
  CHECK(b.shape_ok);
  CHECK(b.order_ok);
  CHECK(b.ids_ok);
  CHECK(b.counts_ok);
  // No file outgrows the batch buffer (max_batch x record_bytes).
  CHECK(b.max_file_bytes <= BatchBuilder::capacity_for(c.max_batch, c.slot_bytes - SpscRing::kLengthBytes));
  Listing l(d.path);
  CHECK(l.temps == 0);
  CHECK(l.count == l.batches);
}

TEST_CASE("test_store: a backed-up ring goes into one file (group commit), its slots free before the fsync") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);  // 256 slots of 256 bytes, max_batch 50
  REQUIRE(w.init(c).is_ok());
  // 200 small records (about 45 bytes each) wait before the writer starts,
  // as after a burst that arrived during a slow fsync. The batch buffer
  // holds 50 x 252 bytes, so the writer takes them all into one file
  // instead of four max_batch files (four fsync pairs).
  char rec[64];
  for (uint64_t s = 0; s < 200; ++s) {
    int n = make_record(rec, sizeof rec, s, 0);
    REQUIRE(w.push(rec, static_cast<uint32_t>(n)));
  }
  CHECK(w.ring().size() == 200);
  REQUIRE(w.start().is_ok());
  CHECK(wait_until(5000, [&] { return w.stats().total_persisted == 200; }));
  CHECK(w.ring().size() == 0);
  CHECK(w.pending() == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.batches_written == 1);
  CHECK(w.stop(monotonic_ns() + 1000 * kMs) == 0);
  BatchCheck b = check_batches(d.path);
  CHECK(b.files == 1);
  CHECK(b.records == 200);
  CHECK(b.order_ok);
  CHECK(b.max_file_records == 200);
}

TEST_CASE("test_store: a failed batch is retried whole; the ring fills behind it, then drains") {
  TempDir d;
  REQUIRE(d.path[0]);
  char dir[200];
  std::snprintf(dir, sizeof dir, "%s/out", d.path);
  RecordWriter w;
  RecordWriterConfig c = small_config(dir);  // the directory does not exist yet
  c.backoff_initial_ms = c.backoff_max_ms = 300;
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 40);
  auto enoent = [&] { return w.stats().write_errors[static_cast<size_t>(WriteErrorReason::NoDirectory)]; };
  CHECK(wait_until(5000, [&] { return enoent() >= 1; }));
  // Failing: the first 40 are in the batch buffer, what comes now waits in
  // the ring (not drained until a write succeeds).
  push_records(w, 40, 60);
  CHECK(w.ring().size() == 20);
  CHECK(w.pending() == 60);
  CHECK(w.stats().total_persisted == 0);
  REQUIRE(::mkdir(dir, 0755) == 0);
  CHECK(wait_until(5000, [&] { return w.stats().total_persisted == 60; }));
  CHECK(w.stop(monotonic_ns() + 1000 * kMs) == 0);
  BatchCheck b = check_batches(dir);
  CHECK(b.records == 60);
  CHECK(b.order_ok);
  CHECK(b.ids_ok);
  CHECK(b.counts_ok);
  CHECK(b.shape_ok);
}

TEST_CASE("test_store: the producer wakes the writer rarely") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  c.ring_slots = 2048;
  c.max_batch = 500;
  c.flush_interval_ms = 60000;  // only full batches or the first record wake it
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  // Bursts of 100 with pauses, notify_if_needed() after every push as the
  // loop would.
  for (uint64_t s = 0; s < 5000; s += 100) {
    push_records(w, s, s + 100);
    ::usleep(1000);
  }
  // Every full batch is written without waiting for flush_interval; under
  // load one file may take more than max_batch (group commit), so the last
  // partial batch, if any, waits for the interval or the stop.
  CHECK(wait_until(5000, [&] { return w.stats().total_persisted + w.pending() == 5000 && w.pending() < 500; }));
  uint64_t wakes = w.stats().wakeups_sent;
  CHECK(w.stop(monotonic_ns() + 1000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 5000);
  // At most one wake per batch (threshold crossed) plus one per idle period.
  CHECK(wakes <= 2 * s.batches_written + 1);
  CHECK(s.batches_written <= 11);
  MESSAGE("wakeups_sent=" << wakes << " batches=" << s.batches_written);
}

TEST_CASE("test_store: writer keeps records while the directory is missing, then recovers") {
  TempDir d;
  REQUIRE(d.path[0]);
  char dir[200];
  std::snprintf(dir, sizeof dir, "%s/out", d.path);
  RecordWriter w;
  RecordWriterConfig c = small_config(dir);
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 30);
  auto enoent = [&] { return w.stats().write_errors[static_cast<size_t>(WriteErrorReason::NoDirectory)]; };
  CHECK(wait_until(5000, [&] { return enoent() >= 2; }));  // retried with backoff
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 0);
  CHECK(s.last_errno == ENOENT);
  CHECK(s.last_error_stage == WriteStage::OpenDir);
  CHECK(s.last_error_reason == WriteErrorReason::NoDirectory);
  CHECK(s.current_backoff_ms >= c.backoff_initial_ms);
  CHECK(s.current_backoff_ms <= c.backoff_max_ms);
  CHECK(w.pending() == 30);  // nothing persisted, nothing lost
  // A stale temp from "before" must be cleaned once the directory shows up.
  REQUIRE(::mkdir(dir, 0755) == 0);
  // The stats are separate atomics: wait for the backoff reset that follows
  // the successful write too, not only for the persisted count.
  CHECK(wait_until(5000, [&] {
    RecordWriterStats t = w.stats();
    return t.total_persisted == 30 && t.current_backoff_ms == 0;
  }));
  s = w.stats();
  CHECK(s.total_persisted == 30);
  CHECK(s.current_backoff_ms == 0);
  CHECK(s.last_errno == 0);
  push_records(w, 30, 100);
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  BatchCheck b = check_batches(dir);
  CHECK(b.records == 100);
  CHECK(b.order_ok);
  CHECK(b.ids_ok);
}

TEST_CASE("test_store: a file where the directory should be is an error, not a crash") {
  TempDir d;
  REQUIRE(d.path[0]);
  d.put("out", "i am a file");
  RecordWriter w;
  RecordWriterConfig c = small_config(d.at("out"));
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 5);
  CHECK(wait_until(5000, [&] { return w.stats().last_errno == ENOTDIR; }));
  // stop() gives up at its deadline and says what is left.
  int64_t t0 = monotonic_ns();
  CHECK(w.stop(t0 + 200 * kMs) == 5);
  int64_t took = monotonic_ns() - t0;
  CHECK(took < 2000 * kMs);
  CHECK(w.stats().write_errors[static_cast<size_t>(WriteErrorReason::NoDirectory)] >= 1);
  CHECK_FALSE(w.stats().running);
}

TEST_CASE("test_store: start-up removes temps and continues names and batch ids") {
  TempDir d;
  REQUIRE(d.path[0]);
  // A crash left a temp; a previous run left a batch named 2 s in the
  // future (an NTP step back since) with a large batch id.
  d.put(".metrics_20240101_000000_000000.json.tmp", "{\"records\":[{\"seq\":");
  const int64_t ahead = realtime_ns() / 1000 + 2000000;
  char name[kBatchNameLen + 1];
  format_batch_name(ahead, name);
  d.put(name, "{\"records\":[],\"batch_timestamp\":\"x\",\"batch_id\":5000000000000000,\"total_records\":0}\n");
  d.put("foreign.json", "{}");
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  REQUIRE(w.init(c).is_ok());
  push_records(w, 0, 10);
  REQUIRE(w.start().is_ok());
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 10);
  CHECK(s.last_batch_id == 5000000000000001ull);
  CHECK(s.last_flush_unix_us > ahead);  // names keep increasing: order is write order
  Listing l(d.path);
  CHECK(l.temps == 0);
  CHECK(l.batches == 2);
  CHECK(d.has("foreign.json"));
  CHECK(std::string_view(l.last) > std::string_view(name));
}

TEST_CASE("test_store: a batch named far in the future does not drag names along") {
  TempDir d;
  REQUIRE(d.path[0]);
  // A previous run under a clock set to 2100, since corrected.
  const int64_t future = 4102444800000000;
  char name[kBatchNameLen + 1];
  format_batch_name(future, name);
  d.put(name, "{\"records\":[],\"batch_timestamp\":\"x\",\"batch_id\":7,\"total_records\":0}\n");
  RecordWriter w;
  REQUIRE(w.init(small_config(d.path)).is_ok());
  push_records(w, 0, 5);
  int64_t before = realtime_ns() / 1000;
  REQUIRE(w.start().is_ok());
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 5);
  CHECK(s.last_flush_unix_us >= before);
  CHECK(s.last_flush_unix_us < future);  // the real time again
  CHECK(s.last_batch_id > 7);            // ids still never repeat
  CHECK(d.has(name));                    // and the old file is untouched
}

TEST_CASE("test_store: records that are not JSON objects are counted, not written") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 2);
  CHECK(w.push("not json"));
  CHECK(w.push(""));
  push_records(w, 2, 4);
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 4);
  CHECK(s.records_rejected == 2);
  BatchCheck b = check_batches(d.path);
  CHECK(b.records == 4);
}

TEST_CASE("test_store: max_batch counts ring slots, so packed slots do not make a file per max_batch records") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  c.max_batch = 4;
  c.flush_interval_ms = 3600 * 1000;  // only max_batch makes a batch due
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  // Three slots of three records each: 9 records, more than max_batch, in
  // fewer slots than max_batch. Counting records wrote a file here.
  const std::string_view packed("{\"seq\":0}\n{\"seq\":1}\n{\"seq\":2}");
  for (int i = 0; i < 3; ++i) {
    CHECK(w.push(packed));
    w.notify_if_needed();
  }
  ::usleep(200 * 1000);
  CHECK(w.stats().batches_written == 0);
  CHECK(w.pending() == 3);
  // The fourth slot makes it due: one file of 12 records.
  CHECK(w.push(packed));
  w.notify_if_needed();
  CHECK(wait_until(5000, [&] { return w.stats().batches_written == 1; }));
  CHECK(w.stats().total_persisted == 12);
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  BatchCheck b = check_batches(d.path);
  CHECK(b.records == 12);
  CHECK(b.shape_ok);
}

TEST_CASE("test_store: a slot holding several records one a line is written as those records") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  REQUIRE(w.init(c).is_ok());
  // Three records packed in one slot (as the loop packs StatsD timers), one
  // of them not an object; then a plain one.
  CHECK(w.push(std::string_view("{\"seq\":0,\"kind\":\"op\"}\n{\"seq\":1,\"kind\":\"op\"}\nnot json")));
  CHECK(w.push(std::string_view("{\"seq\":2,\"kind\":\"op\"}")));
  CHECK(w.pending() == 2);  // slots
  REQUIRE(w.start().is_ok());
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.total_persisted == 3);
  CHECK(s.records_rejected == 1);
  BatchCheck b = check_batches(d.path);
  CHECK(b.records == 3);
  CHECK(b.order_ok);
  CHECK(b.counts_ok);
  CHECK(b.order_ok);
  CHECK(b.shape_ok);
}

TEST_CASE("test_store: writer applies retention as it writes") {
  TempDir d;
  REQUIRE(d.path[0]);
  d.put("README", "keep");
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  c.max_batch = 10;
  c.retention.max_files = 3;
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  // One batch at a time (a backed-up ring would go into fewer, larger files).
  for (uint64_t k = 0; k < 20; ++k) {
    push_records(w, k * 10, k * 10 + 10);
    CHECK(wait_until(5000, [&] { return w.stats().total_persisted == k * 10 + 10; }));
  }
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  RecordWriterStats s = w.stats();
  CHECK(s.batches_written == 20);
  CHECK(s.files_removed == s.batches_written - 3);
  Listing l(d.path);
  CHECK(l.batches == 3);
  CHECK(d.has("README"));
}

TEST_CASE("test_store: a durable request flushes at once and signals, without waiting for a batch") {
  TempDir d;
  REQUIRE(d.path[0]);
  RecordWriter w;
  RecordWriterConfig c = small_config(d.path);
  c.max_batch = 1000;
  c.ring_slots = 1024;
  c.flush_interval_ms = 3600 * 1000;  // without the request nothing is written for an hour
  REQUIRE(w.init(c).is_ok());
  static std::atomic<int> hooks{0};
  hooks = 0;
  w.set_durable_hook([](void*) { ++hooks; }, nullptr);
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 7);
  CHECK(w.pushed() == 7);
  CHECK(w.durable() == 0);
  w.request_durable(w.pushed());
  CHECK(wait_until(10000, [&] { return w.durable() >= 7; }));
  CHECK(hooks.load() >= 1);
  CHECK(w.stats().total_persisted == 7);
  // A second group: the records pushed meanwhile share one batch.
  push_records(w, 7, 50);
  w.request_durable(w.pushed());
  CHECK(wait_until(10000, [&] { return w.durable() >= 50; }));
  CHECK(w.stats().batches_written <= 3);
  // Without a request a partial batch waits for flush_interval.
  push_records(w, 50, 53);
  ::usleep(100 * 1000);
  CHECK(w.durable() == 50);
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  BatchCheck b = check_batches(d.path);
  CHECK(b.records == 53);
  CHECK(b.order_ok);
}

namespace {

// Fills the disk, checks the records stay in the ring, frees it and checks
// they are all written. free_space() must make room.
template <typename FreeSpace>
void full_then_free(const char* dir, FreeSpace free_space, WriteErrorReason reason) {
  RecordWriter w;
  RecordWriterConfig c = small_config(dir);
  c.max_batch = 100;
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 100);
  auto errors = [&] { return w.stats().write_errors[static_cast<size_t>(reason)]; };
  CHECK(wait_until(5000, [&] { return errors() >= 2; }));
  CHECK(w.stats().total_persisted == 0);
  CHECK(w.pending() == 100);
  Listing full(dir);
  CHECK(full.temps == 0);  // the failed temp was unlinked
  CHECK(full.batches == 0);
  free_space();
  CHECK(wait_until(5000, [&] { return w.stats().total_persisted == 100; }));
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
  BatchCheck b = check_batches(dir);
  CHECK(b.records == 100);
  CHECK(b.order_ok);
}

}  // namespace

TEST_CASE("test_store: a write over the file size limit (EFBIG, no root needed) keeps records, then recovers") {
  // RLIMIT_FSIZE makes every write past 512 bytes fail with EFBIG (counted
  // as no_space, like ENOSPC and EDQUOT) for this process; SIGXFSZ ignored
  // so the write returns the error instead of killing the test.
  TempDir d;
  REQUIRE(d.path[0]);
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_sig = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 512;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  full_then_free(d.path, [&] { REQUIRE(::setrlimit(RLIMIT_FSIZE, &old) == 0); }, WriteErrorReason::NoSpace);
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_sig);
}

TEST_CASE("test_store: ENOSPC on a full tmpfs keeps records in the ring; writing resumes as soon as space returns") {
  TempDir d;
  REQUIRE(d.path[0]);
  const char* mnt = d.at("small");
  char dir[300];
  std::snprintf(dir, sizeof dir, "%s", mnt);
  REQUIRE(::mkdir(dir, 0755) == 0);
  // A 64 KiB tmpfs needs CAP_SYS_ADMIN. Without it the EFBIG case above
  // covers the keep-and-recover logic; as root (CI) this must run.
  if (::mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0) {
    int err = errno;
    if (::geteuid() == 0) FAIL("cannot mount a tmpfs as root: " << std::strerror(err));
    MESSAGE("SKIPPED: the tmpfs ENOSPC case needs root (" << std::strerror(err) << "); EFBIG case ran instead");
    return;
  }
  struct Unmount {
    const char* p;
    ~Unmount() { ::umount2(p, MNT_DETACH); }
  } unmount{dir};
  char filler[320];
  std::snprintf(filler, sizeof filler, "%s/filler", dir);
  {
    int fd = ::open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    static char block[4096];
    while (::write(fd, block, sizeof block) > 0) {
    }
    ::close(fd);
  }
  full_then_free(dir, [&] { REQUIRE(::unlink(filler) == 0); }, WriteErrorReason::NoSpace);

  // The backoff grows to a minute; freed space must not wait for it.
  ::unlink(filler);
  {
    int fd = ::open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    static char block[4096];
    while (::write(fd, block, sizeof block) > 0) {
    }
    ::close(fd);
  }
  RecordWriter w;
  RecordWriterConfig c = small_config(dir);
  c.max_batch = 100;
  c.backoff_initial_ms = 60000;  // one failure backs off a full minute
  c.backoff_max_ms = 60000;
  REQUIRE(w.init(c).is_ok());
  REQUIRE(w.start().is_ok());
  push_records(w, 0, 100);
  CHECK(wait_until(5000, [&] { return w.stats().current_backoff_ms == 60000; }));
  REQUIRE(::unlink(filler) == 0);
  int64_t freed = monotonic_ns();
  CHECK(wait_until(10000, [&] { return w.stats().total_persisted == 100; }));
  int64_t waited_ms = (monotonic_ns() - freed) / kMs;
  MESSAGE("resumed " << waited_ms << " ms after space returned (backoff 60000 ms)");
  CHECK(waited_ms < 10000);
  CHECK(w.stop(monotonic_ns() + 5000 * kMs) == 0);
}
