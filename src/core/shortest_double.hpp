#pragma once
// The shortest decimal that reads back as the same double, and of those the
// closest to it (ties to the even digit): Ryu (Ulf Adams, "Ryu: fast
// float-to-string conversion", PLDI 2018), the algorithm Go's strconv uses
// for FormatFloat(v, 'g', -1, 64). Integer arithmetic only, no allocation,
// no libc; the 128-bit powers of five are generated data (pow5_tables.inc,
// by tools/gen_pow5_tables.py).
#include <cstdint>

namespace edgestat {

struct ShortestDecimal {
  uint64_t digits;  // at most 17 decimal digits
  int exponent;     // value = digits * 10^exponent
};

// v must be finite and > 0.
ShortestDecimal shortest_decimal(double v);

}  // namespace edgestat
