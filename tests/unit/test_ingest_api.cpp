// app/ingest_pipeline, app/ingest_api, app/statsd_listener: records in,
// aggregates and counters out, with the store off (the writer thread and
// its files are test_store's) and on, where the ring's room decides.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/ingest_api.hpp"
#include "app/render_cache.hpp"
#include "app/statsd_listener.hpp"
#include "app_harness.hpp"
#include "collector_harness.hpp"
#include "collect/registry.hpp"
#include "config/load.hpp"
#include "core/clock.hpp"
#include "metrics/render.hpp"

using namespace edgestat;

namespace {

Config g_cfg;

struct Api {
  IngestPipeline pipeline;
  http::BodyPool pool;
  IngestApi api{pipeline, pool};
  Api() {
    REQUIRE(pool.init(2, 65536));
    REQUIRE(pipeline.init(g_cfg));
  }
  test::TestExchange post(std::string_view body) {
    test::TestExchange t("POST", {}, body);
    IngestApi::handle_operations(&api, t.ex);
    return t;
  }
};

}  // namespace

TEST_CASE("POST /api/v1/operations: 202 for good records, JSON errors that name the field") {
  test::load_test_config(g_cfg, {{"store.enabled", "false"}, {"store.record-bytes", "512"}});
  Api a;
  auto ok = a.post(R"([{"operation_type":"db","operation_name":"select","duration_ms":12.5,"success":true},
                        {"operation_type":"db","operation_name":"select","duration_ms":7,"success":false}])");
  CHECK(ok.ex.reply.status == 202);
  CHECK(ok.body() == "{\"accepted\":2}\n");
  CHECK(a.pipeline.counters().http_records == 2);

  auto bad = a.post("[{\"operation_type\":");
  CHECK(bad.ex.reply.status == 400);
  CHECK(bad.ex.reply.content_type == kJsonType);
  CHECK(bad.body().find("\"error\":\"invalid JSON\"") != std::string::npos);
  CHECK(a.pipeline.counters().http_refused[static_cast<size_t>(RefuseReason::Syntax)] == 1);

  std::string big = R"({"operation_type":"db","operation_name":"n","duration_ms":1,"error_message":")" +
                    std::string(600, 'e') + R"("})";
  auto large = a.post(big);
  CHECK(large.ex.reply.status == 422);
  CHECK(large.body().find("record_bytes") != std::string::npos);
  CHECK(a.pipeline.counters().http_records == 2);  // all or nothing

  test::TestExchange get;
  IngestApi::handle_operations(&a.api, get.ex);
  CHECK(get.ex.reply.status == 200);
  CHECK(get.body().find("\"select\"") != std::string::npos);
  test::TestExchange stats;
  IngestApi::handle_stats(&a.api, stats.ex);
  CHECK(stats.body().find("\"http_records_accepted\":2") != std::string::npos);
  CHECK(stats.body().find("\"store_enabled\":false") != std::string::npos);
  test::TestExchange hist("GET", "series=nope");
  IngestApi::handle_history(&a.api, hist.ex);
  CHECK(hist.ex.reply.status == 404);
}

TEST_CASE("with the store on, a body larger than the ring is 413 and a full ring 503, both untouched") {
  test::TempTree t;
  test::load_test_config(g_cfg, {{"agent.data-dir", t.root}, {"store.ring-slots", "2"}});
  Api a;  // the writer thread is not started: nothing drains the ring
  std::string rec = R"({"operation_type":"t","operation_name":"n","duration_ms":1})";
  auto three = a.post("[" + rec + "," + rec + "," + rec + "]");
  CHECK(three.ex.reply.status == 413);
  CHECK(a.post("[" + rec + "," + rec + "]").ex.reply.status == 202);
  auto full = a.post(rec);
  CHECK(full.ex.reply.status == 503);
  CHECK(full.ex.reply.extra_headers == "Retry-After: 1\r\n");
  CHECK(a.pipeline.counters().dropped_http == 1);
  CHECK(a.pipeline.counters().recorded == 2);
}

namespace {

// What the server would send for a parked exchange, recorded.
struct Finished {
  int status = 0;
  std::string body;
  bool gone = false;  // answer as if the client had left
};

bool record_finish(void* owner, uint32_t, uint32_t, const http::Reply& r) {
  auto* f = static_cast<Finished*>(owner);
  if (f->gone) return false;
  f->status = r.status;
  f->body = std::string(r.body);
  return true;
}

size_t batch_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("metrics_", 0) == 0) ++n;
  return n;
}

}  // namespace

TEST_CASE("[store] ack = durable: the 202 waits for the batch file, 503 at ack_timeout, the loop never blocks") {
  test::TempTree t;
  // flush_interval 1h: only the durable request can have the batch written.
  test::load_test_config(g_cfg, {{"agent.data-dir", t.root},
                                 {"store.ack", "durable"},
                                 {"store.ack-timeout", "200ms"},
                                 {"store.flush-interval", "1h"}});
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  {
    Api a;
    REQUIRE(a.api.init_acks(&loop, g_cfg));
    REQUIRE(a.pipeline.start());
    std::string rec = R"([{"operation_type":"t","operation_name":"n","duration_ms":1},)"
                      R"({"operation_type":"t","operation_name":"n","duration_ms":2}])";
    Finished f;
    test::TestExchange ex("POST", {}, rec);
    ex.ex.ticket = {record_finish, &f, 0, 0};
    IngestApi::handle_operations(&a.api, ex.ex);
    // Either parked (the usual case) or, if the writer was faster than the
    // handler, answered at once; both only once the file exists.
    if (ex.ex.parked) {
      CHECK(a.api.acks().waiting() == 1);
      for (int i = 0; i < 5000 && f.status == 0; ++i) uv_run(&loop, UV_RUN_NOWAIT), usleep(1000);
    } else {
      f.status = ex.ex.reply.status;
      f.body = ex.body();
    }
    CHECK(f.status == 202);
    CHECK(f.body == "{\"accepted\":2}\n");
    CHECK(batch_files(t.root) == 1);
    CHECK(a.pipeline.durable_seq() >= 2);
    CHECK(a.pipeline.counters().acks[static_cast<size_t>(AckResult::Durable)] == 1);

    // Records that cannot be written (the directory is gone): 503 at the
    // timeout, while the loop keeps running.
    std::filesystem::remove_all(t.root);
    Finished late;
    test::TestExchange ex2("POST", {}, rec);
    ex2.ex.ticket = {record_finish, &late, 0, 0};
    IngestApi::handle_operations(&a.api, ex2.ex);
    REQUIRE(ex2.ex.parked);
    for (int i = 0; i < 5000 && late.status == 0; ++i) uv_run(&loop, UV_RUN_NOWAIT), usleep(1000);
    CHECK(late.status == 503);
    CHECK(late.body.find("ack_timeout") != std::string::npos);
    CHECK(a.pipeline.counters().acks[static_cast<size_t>(AckResult::Timeout)] == 1);
    CHECK(a.api.acks().waiting() == 0);
    a.pipeline.stop(monotonic_ns() + 100 * 1000000LL);
    a.api.close();
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("[store] ack = durable needs the store") {
  Config c;
  ConfigErrors e;
  ConfigLoader l(c, e, collector_names());
  l.apply_defaults();
  REQUIRE(l.apply_flag("store.ack", "durable", true));
  REQUIRE(l.apply_flag("store.enabled", "false", true));
  l.validate();
  REQUIRE(e.items.size() == 1);
  CHECK(std::string(e.items[0].c_str()).find("ack = durable needs [store] enabled") != std::string::npos);
}

TEST_CASE("StatsD datagrams: every type, malformed lines counted, a cut datagram loses its last line") {
  test::load_test_config(g_cfg, {{"store.enabled", "false"}});
  IngestPipeline p;
  REQUIRE(p.init(g_cfg));
  p.statsd_datagram("hits:1|c\ntemp:20|g\nlat:5|ms|#route:home\nnope\nusers:ann|s", false, 1000, "ts");
  CHECK(p.counters().statsd_datagrams == 1);
  CHECK(p.counters().statsd_lines == 4);
  CHECK(p.counters().statsd_records == 1);
  uint64_t malformed = 0;
  for (uint64_t m : p.counters().statsd_malformed) malformed += m;
  CHECK(malformed == 1);
  p.statsd_datagram("a:1|c\nb:2|c", true, 1000, "ts");  // cut by the kernel
  CHECK(p.counters().statsd_lines == 5);
  CHECK(p.counters().statsd_malformed[static_cast<size_t>(ingest::StatsdError::Truncated)] == 1);
}

TEST_CASE("StatsD: a personal-data tag or metric name drops the line, whatever its type, and is counted") {
  test::load_test_config(g_cfg, {{"store.enabled", "false"}});
  IngestPipeline p;
  REQUIRE(p.init(g_cfg));
  // The issue's report: a gauge's tag reached /metrics as a label.
  p.statsd_datagram(
      "pii_g:1|g|#password:hunter2\npii_c:1|c|#env:prod,Password:x\npii_s:ann|s|#api-key:k\n"
      "pii_t:5|ms|#token:t\npii_h:5|h|#email:a@b.c\ncustomer.ssn:123456789|g\nemail:x@y.z|s\n"
      "email.sent:3|c|#env:prod\nok_g:2|g|#env:prod",
      false, 1000, "ts");
  CHECK(p.counters().statsd_lines == 9);
  CHECK(p.counters().statsd_malformed[static_cast<size_t>(ingest::StatsdError::PersonalData)] == 7);
  CHECK(p.counters().statsd_records == 0);
  Snapshot snap;
  REQUIRE(snap.init({}));
  snap.clear();
  p.add_metrics(snap);
  snap.finish();
  std::vector<char> buf(1 << 20);
  OutBuffer out(buf.data(), buf.size());
  render_exposition(snap, ExpositionFormat::Text004, kAllCollectors, out);
  std::string text(out.view());
  for (const char* leaked : {"hunter2", "pii_", "ssn", "a@b.c", "metric=\"email\""}) {
    INFO(leaked);
    CHECK(text.find(leaked) == std::string::npos);
  }
  CHECK(text.find("edgestat_statsd_gauge{env=\"prod\",metric=\"ok_g\"} 2") != std::string::npos);
  CHECK(text.find("edgestat_statsd_counter_total{env=\"prod\",metric=\"email.sent\"} 3") != std::string::npos);
  CHECK(text.find("edgestat_statsd_malformed_total{reason=\"personal_data\"} 7") != std::string::npos);
}

TEST_CASE("the StatsD listener's longest rest fits the receive buffer the kernel granted") {
  // Half the buffer at the default config's burst rate, within the bounds.
  constexpr uint64_t per_ms = StatsdListener::kBurstBytesPerMs;
  static_assert(per_ms == 4608);
  CHECK(StatsdListener::max_rest_ms(8u << 20) == 910);                       // the default 4 MiB asked as root
  CHECK(StatsdListener::max_rest_ms(2u << 20) == 227);                       // 1 MiB asked as root
  CHECK(StatsdListener::max_rest_ms(64u << 20) == StatsdListener::kRestMaxMs);
  CHECK(StatsdListener::max_rest_ms(425984) == 425984 / 2 / per_ms);         // Debian's rmem_max, not root: 46 ms
  CHECK(StatsdListener::max_rest_ms(200 * 2 * per_ms) == 200);
  CHECK(StatsdListener::max_rest_ms(4096) == StatsdListener::kRestMinMs);
  CHECK(StatsdListener::max_rest_ms(0) == StatsdListener::kRestMinMs);
}

TEST_CASE("the StatsD listener reads real UDP datagrams on the loop") {
  // A free loopback port: bind to 0, read it back, close (the listener binds it next).
  int probe = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  socklen_t len = sizeof sa;
  REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&sa), &len) == 0);
  ::close(probe);
  std::string addr = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
  test::load_test_config(g_cfg, {{"store.enabled", "false"}, {"ingest.statsd-listen-address", addr}});
  IngestPipeline p;
  REQUIRE(p.init(g_cfg));
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  {
    StatsdListener l(p);
    REQUIRE(l.init(g_cfg, &loop));
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    for (const char* d : {"x:1|c", "y:2|g\nz:3|ms"})
      REQUIRE(::sendto(s, d, std::strlen(d), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa) > 0);
    ::close(s);
    for (int i = 0; i < 100 && p.counters().statsd_lines < 3; ++i) uv_run(&loop, UV_RUN_NOWAIT), usleep(1000);
    CHECK(p.counters().statsd_datagrams == 2);
    CHECK(p.counters().statsd_lines == 3);
    // The read emptied the socket: the listener rests. A datagram sent now
    // is read by a rest read, within the longest rest, and not lost.
    s = ::socket(AF_INET, SOCK_DGRAM, 0);
    auto send = [&](const char* d) {
      REQUIRE(::sendto(s, d, std::strlen(d), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa) > 0);
    };
    auto seconds_since = [](int64_t t) { return static_cast<double>(monotonic_ns() - t) / 1e9; };
    send("w:1|c");
    int64_t t0 = monotonic_ns();
    while (p.counters().statsd_datagrams < 3 && seconds_since(t0) < 2) uv_run(&loop, UV_RUN_ONCE);
    CHECK(p.counters().statsd_datagrams == 3);
    // With nothing arriving the rests double up to kRestMaxMs, then polling
    // resumes: 5 + 10 + ... + 160 + 200 ms. Run the loop past that.
    double all_rests = 0;
    for (uint64_t r = StatsdListener::kRestMinMs; r < StatsdListener::kRestMaxMs; r *= 2) all_rests += r / 1000.0;
    all_rests += StatsdListener::kRestMaxMs / 1000.0;
    int64_t t_idle = monotonic_ns();
    while (seconds_since(t_idle) < all_rests + 0.3) uv_run(&loop, UV_RUN_NOWAIT), usleep(5000);
    // Polling again: a datagram is read as soon as it arrives (a listener
    // still resting would read it only at the end of a 200 ms rest).
    send("v:1|c");
    int64_t t1 = monotonic_ns();
    uv_run(&loop, UV_RUN_ONCE);  // blocks in epoll until the datagram is readable
    CHECK(p.counters().statsd_datagrams == 4);
    CHECK(seconds_since(t1) < StatsdListener::kRestMaxMs / 1000.0 / 2);
    // What arrives while resting is read at close, before the pipeline stops.
    send("u:1|c");
    usleep(20000);
    ::close(s);
    l.close();
    CHECK(p.counters().statsd_datagrams == 5);
    uv_run(&loop, UV_RUN_DEFAULT);  // the close callbacks
  }
  CHECK(uv_loop_close(&loop) == 0);
}
