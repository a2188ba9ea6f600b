// SpscRing throughput, two threads: records pushed by one thread and popped
// by another per second. Standalone; prints one line per configuration.
//
//   g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -Isrc tests/bench/ring_bench.cpp
//       src/core/reserve.cpp -o ring_bench -lpthread
//   ./ring_bench [records=50000000] [runs=5] [nopin]
//
// Payloads are 8 bytes (a sequence number the consumer checks), so the
// figure is the ring's own cost: index traffic between the cores plus a
// small memcpy. Each configuration runs `runs` times; best and median are
// printed because a shared VM's neighbours move single runs a lot.
// The goal on a 2-core VM is >= 20 M records/s.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "../lib/relax.hpp"
#include "core/spsc_ring.hpp"

using edgestat::SpscRing;

namespace {

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

struct Run {
  SpscRing* ring;
  uint64_t records;
  bool pin;
};

void* producer(void* arg) {
  auto* r = static_cast<Run*>(arg);
  if (r->pin) pin(0);
  uint32_t spins = 0;
  for (uint64_t seq = 0; seq < r->records;) {
    if (r->ring->try_push(&seq, sizeof seq))
      ++seq;
    else
      relax(&spins);
  }
  return nullptr;
}

// Consumer releasing every record (front/pop) or up to `batch` at once
// (peek/pop_n, as the writer does).
bool consume(Run& r, uint32_t batch) {
  if (r.pin) pin(1);
  uint64_t expect = 0;
  uint32_t spins = 0;
  bool ok = true;
  while (expect < r.records) {
    uint32_t got = 0, n = 0;
    while (got < batch) {
      const uint8_t* p = r.ring->peek(got, &n);
      if (!p) break;
      uint64_t v;
      std::memcpy(&v, p, sizeof v);
      ok &= v == expect + got;
      ++got;
    }
    if (!got) {
      relax(&spins);
      continue;
    }
    if (batch == 1)
      r.ring->pop();
    else
      r.ring->pop_n(got);
    expect += got;
  }
  return ok;
}

double one_run(uint32_t slots, uint32_t slot_bytes, uint32_t batch, uint64_t records, bool pinned, bool* ok) {
  // A fresh ring per run (init is once only), cache-line aligned.
  void* mem = std::aligned_alloc(SpscRing::kCacheLine, sizeof(SpscRing));
  auto* ring = new (mem) SpscRing;
  double rate = 0;
  *ok = ring->init(slots, slot_bytes);
  if (*ok) {
    Run r{ring, records, pinned};
    double t0 = now_s();
    pthread_t t;
    pthread_create(&t, nullptr, producer, &r);
    *ok = consume(r, batch);
    pthread_join(t, nullptr);
    rate = static_cast<double>(records) / (now_s() - t0);
  }
  ring->~SpscRing();
  std::free(mem);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000000ull;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  if (runs < 1 || runs > 50) runs = 5;
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  bool pinned = CPU_COUNT(&set) >= 2 && CPU_ISSET(0, &set) && CPU_ISSET(1, &set) &&
                !(argc > 3 && std::strcmp(argv[3], "nopin") == 0);
  double load[3] = {};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::printf("ring_bench: %llu records/run, %d runs, threads %s, load average %.2f\n", (unsigned long long)records,
              runs, pinned ? "pinned to CPUs 0 and 1" : "unpinned", load[0]);

  struct Config {
    uint32_t slots, slot_bytes, batch;
  } configs[] = {
      {1024, 16, 1}, {1024, 16, 64}, {4096, 64, 1}, {4096, 1536, 1}, {4096, 1536, 64}, {65536, 16, 1},
  };
  bool all_ok = true;
  for (const Config& c : configs) {
    double r[50];
    for (int i = 0; i < runs; ++i) {
      bool ok = true;
      r[i] = one_run(c.slots, c.slot_bytes, c.batch, records, pinned, &ok);
      all_ok &= ok;
    }
    std::sort(r, r + runs);
    std::printf("  slots %6u x %5u B, consumer releases %2u at a time: best %6.1f M/s, median %6.1f M/s\n", c.slots,
                c.slot_bytes, c.batch, r[runs - 1] / 1e6, r[runs / 2] / 1e6);
  }
  if (!all_ok) std::printf("ring_bench: SEQUENCE CHECK FAILED\n");
  return all_ok ? 0 : 1;
}
