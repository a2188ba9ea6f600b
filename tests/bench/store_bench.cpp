// Records persisted per second by the writer thread, end to end: the
// producer pushes serialized records (as the loop would, calling
// notify_if_needed() after each), the writer builds batch files and writes
// them durably (fsync, rename, fsync dir); the clock stops when stop() has
// flushed the last one. Standalone; prints one line per directory and batch.
//
//   g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -Isrc tests/bench/store_bench.cpp
//       src/store/*.cpp src/sys/fs.cpp src/core/{reserve,number,log,json_writer,utf8}.cpp
//       -o store_bench -lpthread
//   ./store_bench [records=1000000] [dir...]      (default dirs: /dev/shm /var/tmp)
//
// The goal is >= 200k records/s on disk. When the ring is full the producer
// yields and retries (a real loop would count a drop), so the figure is the
// writer's capacity.
#include <sched.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "store/record_writer.hpp"

using namespace edgestat;
using namespace edgestat::store;

namespace {

struct Result {
  double seconds = 0;
  uint64_t yields = 0;
  RecordWriterStats stats;
  bool ok = false;
};

Result run(const char* base, uint64_t records, uint32_t max_batch, uint32_t record_bytes) {
  Result res;
  char dir[256];
  std::snprintf(dir, sizeof dir, "%s/edgestat-bench-XXXXXX", base);
  if (!::mkdtemp(dir)) {
    std::fprintf(stderr, "store_bench: mkdtemp in %s failed\n", base);
    return res;
  }
  // RecordWriter is cache-line aligned (its ring's indices): aligned_alloc.
  void* mem = std::aligned_alloc(64, sizeof(RecordWriter));
  auto* w = new (mem) RecordWriter;
  RecordWriterConfig c;
  c.directory = dir;
  c.ring_slots = 16384;
  c.slot_bytes = 1536;
  c.max_batch = max_batch;
  c.flush_interval_ms = 1000;
  Status s = w->init(c);
  if (!s) {
    std::fprintf(stderr, "store_bench: %s\n", s.c_str());
    return res;
  }
  if (!(s = w->start())) {
    std::fprintf(stderr, "store_bench: %s\n", s.c_str());
    return res;
  }
  // A record the size and shape of an ingest operation record.
  char rec[2048];
  char pad[1024];
  std::memset(pad, 'x', sizeof pad);
  int64_t t0 = monotonic_ns();
  for (uint64_t i = 0; i < records;) {
    int n = std::snprintf(rec, sizeof rec,
                          "{\"kind\":\"op\",\"seq\":%llu,\"ts\":\"2024-05-01T12:34:56.123456Z\",\"name\":"
                          "\"http.request\",\"status\":200,\"duration_ms\":12.5,\"pad\":\"%.*s\"}",
                          (unsigned long long)i, static_cast<int>(record_bytes > 130 ? record_bytes - 130 : 0), pad);
    if (w->push(rec, static_cast<uint32_t>(n))) {
      ++i;
      w->notify_if_needed();
    } else {
      w->notify_if_needed();
      ++res.yields;
      sched_yield();
    }
  }
  uint64_t left = w->stop(monotonic_ns() + 60 * 1000000000LL);
  res.seconds = static_cast<double>(monotonic_ns() - t0) / 1e9;
  res.stats = w->stats();
  res.ok = left == 0 && res.stats.total_persisted == records;
  w->~RecordWriter();
  std::free(mem);
  char cmd[300];
  std::snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  int rc = std::system(cmd);
  (void)rc;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  log_configure(LogLevel::Warn, LogFormat::Text);
  uint64_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000ull;
  const char* default_dirs[] = {"/dev/shm", "/var/tmp"};
  const char* const* dirs = argc > 2 ? argv + 2 : default_dirs;
  int ndirs = argc > 2 ? argc - 2 : 2;
  double load = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = -1;
    std::fclose(f);
  }
  std::printf("store_bench: %llu records per run, ~200-byte records, load average %.2f\n", (unsigned long long)records,
              load);
  bool all_ok = true;
  for (int d = 0; d < ndirs; ++d) {
    for (uint32_t batch : {1000u, 4096u}) {
      Result r = run(dirs[d], records, batch, 200);
      all_ok &= r.ok;
      std::printf(
          "  %-10s max_batch %5u: %8.0f records/s  %6.1f MB/s  %5llu files (%.0f files/s)  producer yields %llu  %s\n",
          dirs[d], batch, static_cast<double>(records) / r.seconds,
          static_cast<double>(r.stats.bytes_written) / r.seconds / 1e6, (unsigned long long)r.stats.batches_written,
          static_cast<double>(r.stats.batches_written) / r.seconds, (unsigned long long)r.yields,
          r.ok ? "OK" : "FAILED");
    }
  }
  return all_ok ? 0 : 1;
}
