// format_double speed: nanoseconds per call over three value mixes a
// /metrics body has (counters and gauges that are integers, short
// decimals such as seconds and ratios, arbitrary doubles). Standalone:
//
//   g++ -std=c++20 -O2 -fno-exceptions -fno-rtti -Isrc tests/bench/number_bench.cpp
//       src/core/number.cpp src/core/shortest_double.cpp -o number_bench
//   ./number_bench [calls=2000000] [runs=5]
//
// Prints the best and median of `runs` per mix (a shared VM's neighbours
// move single runs a lot) and a checksum of the output lengths, so the
// compiler cannot drop the calls.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "core/number.hpp"

namespace {

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

uint64_t xorshift(uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  constexpr size_t kValues = 4096;
  static double mixes[3][kValues];
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < kValues; ++i) {
    mixes[0][i] = static_cast<double>(xorshift(x) % 100000000000ull);          // integers
    mixes[1][i] = static_cast<double>(xorshift(x) % 1000000) / 1000.0;         // short decimals
    uint64_t b;
    do b = xorshift(x);
    while (((b >> 52) & 0x7ff) == 0x7ff);                                       // finite bit patterns
    std::memcpy(&mixes[2][i], &b, sizeof b);
  }
  const char* names[3] = {"integers", "short decimals", "random doubles"};
  size_t checksum = 0;
  for (int m = 0; m < 3; ++m) {
    double ns[64];
    int n = runs < 64 ? runs : 64;
    for (int r = 0; r < n; ++r) {
      char buf[edgestat::kDoubleChars];
      double t0 = now_s();
      for (size_t i = 0; i < calls; ++i) checksum += edgestat::format_double(mixes[m][i % kValues], buf);
      ns[r] = (now_s() - t0) * 1e9 / static_cast<double>(calls);
    }
    std::sort(ns, ns + n);
    std::printf("%-15s best %6.1f ns/call  median %6.1f ns/call\n", names[m], ns[0], ns[n / 2]);
  }
  std::printf("checksum %zu\n", checksum);
  return 0;
}
