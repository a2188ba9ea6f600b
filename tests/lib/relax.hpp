#pragma once
// Spin politely while the other side of a ring catches up: a few pause
// instructions, then give the CPU away. Pure spinning collapses when the two
// threads share a CPU (a loaded VM, TSan), each burning its whole time
// slice waiting for the other. Shared by the ring stress test and bench.
#include <sched.h>

#include <cstdint>

inline void relax(uint32_t* spins) {
  if (++*spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    asm volatile("yield");
#endif
  } else {
    sched_yield();
    *spins = 0;
  }
}
