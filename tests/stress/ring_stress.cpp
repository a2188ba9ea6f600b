// Two-thread stress for SpscRing, meant to run under ThreadSanitizer:
//
//   clang++ -std=c++20 -fsanitize=thread -O1 -g -Isrc
//       tests/stress/ring_stress.cpp src/core/reserve.cpp -o ring_stress_tsan -lpthread
//   ./ring_stress_tsan [records=50000000] [slots=1024]
//
// The producer pushes records carrying a sequence number and a length and
// fill pattern derived from it; the consumer checks every record arrives
// once, in order, with its bytes intact. Indices start just below 2^32 so
// the run crosses the free-running wrap. Exit status 0 means no loss, no
// reorder, no corruption (TSan adds its own report and exit code on races).
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "../lib/relax.hpp"
#include "core/spsc_ring.hpp"

using edgestat::SpscRing;

namespace {

constexpr uint32_t kSlotBytes = 64;
constexpr uint32_t kMaxExtra = 40;  // pattern bytes after the 8-byte sequence

struct Shared {
  SpscRing ring;
  uint64_t records = 0;
  uint64_t full_spins = 0;  // producer only
};

uint32_t length_for(uint64_t seq) { return 8 + static_cast<uint32_t>(seq % (kMaxExtra + 1)); }

void* producer(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  uint8_t buf[8 + kMaxExtra];
  uint32_t spins = 0;
  for (uint64_t seq = 0; seq < s->records;) {
    uint32_t n = length_for(seq);
    std::memcpy(buf, &seq, 8);
    std::memset(buf + 8, static_cast<int>(seq & 0xff), n - 8);
    if (s->ring.try_push(buf, n)) {
      ++seq;
    } else {
      ++s->full_spins;
      relax(&spins);
    }
  }
  return nullptr;
}

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  static Shared s;  // static: SpscRing is cache-line aligned
  s.records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000000ull;
  uint32_t slots = argc > 2 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : 1024;
  if (!s.ring.init(slots, kSlotBytes)) {
    std::fprintf(stderr, "ring_stress: bad slot count %u (power of two)\n", slots);
    return 2;
  }
  s.ring.test_set_indices(UINT32_MAX - 4096);

  double t0 = now_s();
  pthread_t t;
  if (pthread_create(&t, nullptr, producer, &s) != 0) return 2;
  uint64_t expect = 0, bad = 0, empty_spins = 0;
  uint32_t spins = 0;
  while (expect < s.records) {
    uint32_t n = 0;
    const uint8_t* p = s.ring.front(&n);
    if (!p) {
      ++empty_spins;
      relax(&spins);
      continue;
    }
    uint64_t seq;
    std::memcpy(&seq, p, 8);
    bool ok = seq == expect && n == length_for(expect);
    for (uint32_t i = 8; ok && i < n; ++i) ok = p[i] == (expect & 0xff);
    if (!ok && bad++ < 5)
      std::fprintf(stderr, "ring_stress: record %llu: got seq %llu len %u\n", (unsigned long long)expect,
                   (unsigned long long)seq, n);
    s.ring.pop();
    ++expect;
  }
  pthread_join(t, nullptr);
  double dt = now_s() - t0;
  bool empty = s.ring.empty();
  std::printf(
      "ring_stress: %llu records, %u slots x %u B: %s in %.2f s = %.1f M records/s "
      "(producer full spins %llu, consumer empty spins %llu)\n",
      (unsigned long long)s.records, slots, kSlotBytes, bad == 0 && empty ? "OK" : "FAILED", dt,
      static_cast<double>(s.records) / dt / 1e6, (unsigned long long)s.full_spins, (unsigned long long)empty_spins);
  return bad == 0 && empty ? 0 : 1;
}
