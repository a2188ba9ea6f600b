// Ingest benchmarks (tests/bench/ingest_bench.sh runs them all and prints
// the figures). Modes:
//
//   ingest_bench writer DIR [records=1000000] [batch=1000]
//     Records per second persisted: the loop side pushes ~200-byte records
//     into the RecordWriter's ring as fast as it takes them (spinning only
//     when full), the writer thread writes batch files into DIR (tmpfs or
//     disk: durable writes, two fsyncs per file). Timed until the last
//     record is renamed into place.
//
//   ingest_bench parse [lines=2000000]
//     StatsD lines parsed + aggregated per second on one core (no I/O): the
//     loop's own ceiling for the UDP path.
//
//   ingest_bench statsd-send PORT LINES_PER_SECOND SECONDS [lines_per_datagram=20]
//     A paced UDP sender of timer lines ("bench.tN:<ms>|ms"), for the end
//     to end run against a live agent; prints the lines sent.
//
// Build (from the repository root, after `cmake --build build`):
//   g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -Isrc tests/bench/ingest_bench.cpp
//       BUILD/libedgestat_lib.a -luv -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -o ingest_bench
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/clock.hpp"
#include "core/out_buffer.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/statsd.hpp"
#include "store/record_writer.hpp"

using namespace edgestat;

namespace {

double seconds_since(int64_t t0) { return static_cast<double>(monotonic_ns() - t0) / 1e9; }

int writer_bench(const char* dir, uint64_t n, uint32_t batch) {
  store::RecordWriterConfig cfg;
  cfg.directory = dir;
  cfg.ring_slots = 65536;
  cfg.slot_bytes = 512;
  cfg.max_batch = batch;
  cfg.flush_interval_ms = 1000;
  store::RecordWriter w;
  Status st = w.init(cfg);
  if (!st) {
    std::fprintf(stderr, "init: %s\n", st.c_str());
    return 1;
  }
  if (Status s2 = w.start(); !s2) return 1;
  char rec[512];
  int64_t t0 = monotonic_ns();
  uint64_t spins = 0;
  for (uint64_t i = 0; i < n; ++i) {
    int len = std::snprintf(rec, sizeof rec,
                            "{\"kind\":\"operation\",\"timestamp\":\"2026-01-01T00:00:00.000000Z\","
                            "\"operation_type\":\"bench\",\"operation_name\":\"op%llu\",\"duration_ms\":%llu.25,"
                            "\"success\":true,\"metadata\":{\"seq\":%llu}}",
                            static_cast<unsigned long long>(i % 16), static_cast<unsigned long long>(i % 1000),
                            static_cast<unsigned long long>(i));
    while (!w.push(rec, static_cast<uint32_t>(len))) {
      w.notify_if_needed();
      ++spins;
      sched_yield();
    }
    if ((i & 63) == 63) w.notify_if_needed();
  }
  w.notify_if_needed();
  while (w.stats().total_persisted < n) usleep(200);
  double s = seconds_since(t0);
  store::RecordWriterStats ws = w.stats();
  w.stop(monotonic_ns() + 10000000000LL);
  std::printf("writer: %llu records in %.3f s = %.0f records/s persisted (%llu files of %u, %.1f MB, %llu wakeups, %s)\n",
              static_cast<unsigned long long>(n), s, static_cast<double>(n) / s,
              static_cast<unsigned long long>(ws.batches_written), batch, static_cast<double>(ws.bytes_written) / 1e6,
              static_cast<unsigned long long>(ws.wakeups_sent), dir);
  return 0;
}

int parse_bench(uint64_t n) {
  // A realistic mix: 70% timers (which the agent turns into records), 20%
  // counters with tags, 10% gauges.
  const char* lines[] = {"api.latency:12.5|ms|#env:prod", "db.query:3|ms",          "cache.get:0.25|ms",
                         "http.req:48|ms|@0.5",          "queue.wait:1200|ms",     "jobs.run:7|ms|#q:a",
                         "worker.tick:2|ms",             "hits:1|c|#env:prod,r:eu", "errors:1|c",
                         "temp:21.5|g"};
  auto agg = std::make_unique<ingest::StatsdAggregator>();
  auto ops = std::make_unique<ingest::OperationAggregator>();
  agg->init(256);
  ingest::AggregatorConfig ac;
  const char* why = "";
  ingest::parse_duration_buckets("0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10", ac.buckets_s, &ac.nbuckets, &why);
  ops->init(ac);
  int64_t now = realtime_ns() / 1000;
  int64_t t0 = monotonic_ns();
  uint64_t timers = 0;
  for (uint64_t i = 0; i < n; ++i) {
    ingest::StatsdLine l;
    if (ingest::parse_statsd_line(lines[i % 10], &l) != ingest::StatsdError::None) return 1;
    if (l.type == ingest::StatsdType::Timer) {
      ops->observe("statsd", l.name, l.value, true, now);
      ++timers;
    } else {
      agg->apply(l);
    }
  }
  double s = seconds_since(t0);
  std::printf("parse+aggregate: %llu lines in %.3f s = %.0f lines/s on one core (%llu timers)\n",
              static_cast<unsigned long long>(n), s, static_cast<double>(n) / s,
              static_cast<unsigned long long>(timers));
  return 0;
}

int statsd_send(int port, double rate, double secs, int per) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char buf[8192];
  uint64_t sent = 0, seq = 0;
  int64_t t0 = monotonic_ns();
  double total = rate * secs;
  while (sent < total) {
    // Pace: never ahead of rate * elapsed.
    double due = rate * seconds_since(t0);
    if (static_cast<double>(sent) >= due + per) {
      timespec ts{0, 20000};
      nanosleep(&ts, nullptr);
      continue;
    }
    OutBuffer out(buf, sizeof buf);
    for (int k = 0; k < per; ++k) {
      if (k) out.put('\n');
      out.put("bench.t");
      out.put_u64(seq % 8);
      out.put(':');
      out.put_u64(seq % 997);
      out.put("|ms");
      ++seq;
    }
    if (sendto(fd, buf, out.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
      std::perror("sendto");
      return 1;
    }
    sent += static_cast<uint64_t>(per);
  }
  double s = seconds_since(t0);
  std::printf("%llu %.3f\n", static_cast<unsigned long long>(sent), s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "writer") == 0)
    return writer_bench(argv[2], argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000000,
                        argc > 4 ? static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10)) : 1000);
  if (argc >= 2 && std::strcmp(argv[1], "parse") == 0)
    return parse_bench(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2000000);
  if (argc >= 5 && std::strcmp(argv[1], "statsd-send") == 0)
    return statsd_send(std::atoi(argv[2]), std::atof(argv[3]), std::atof(argv[4]), argc > 5 ? std::atoi(argv[5]) : 20);
  std::fprintf(stderr, "usage: ingest_bench writer DIR [n] [batch] | parse [n] | statsd-send PORT RATE SECONDS [per]\n");
  return 2;
}
