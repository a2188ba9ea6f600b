#include "core/shortest_double.hpp"

#include <cstring>

namespace edgestat {
namespace {

#include "core/pow5_tables.inc"

constexpr int kMantissaBits = 52;
constexpr int kExponentBias = 1023;
// kPow5Inv and kPow5 hold 125-bit approximations (the paper's B0 and B1).
constexpr int kPow5InvBits = 125;
constexpr int kPow5Bits = 125;

// ceil(log2(5^e)) for 1 <= e <= 3528 (1 for e = 0), without a loop.
int pow5bits(int e) { return static_cast<int>((static_cast<uint32_t>(e) * 1217359u) >> 19) + 1; }
// floor(log10(2^e)) for 0 <= e <= 1650.
int log10_pow2(int e) { return static_cast<int>((static_cast<uint32_t>(e) * 78913u) >> 18); }
// floor(log10(5^e)) for 0 <= e <= 2620.
int log10_pow5(int e) { return static_cast<int>((static_cast<uint32_t>(e) * 732923u) >> 20); }

// How many times 5 divides v (v > 0).
int pow5_factor(uint64_t v) {
  int n = 0;
  while (v % 5 == 0) {
    v /= 5;
    ++n;
  }
  return n;
}
bool multiple_of_pow5(uint64_t v, int p) { return pow5_factor(v) >= p; }
bool multiple_of_pow2(uint64_t v, int p) { return (v & ((uint64_t{1} << p) - 1)) == 0; }

struct U128 {
  uint64_t lo, hi;
};

// a * b as 128 bits; 32-bit targets (armv7, mips) have no __int128.
U128 mul64(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return {static_cast<uint64_t>(p), static_cast<uint64_t>(p >> 64)};
#else
  uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  return {(mid << 32) | (p00 & 0xffffffffu), p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)};
#endif
}

// floor(m * mul / 2^j) for a 128-bit mul and 64 <= j < 128 (118..125 for
// every double): the low 64 bits of m * mul.lo only ever shift out.
uint64_t mul_shift(uint64_t m, const uint64_t* mul, int j) {
  U128 low = mul64(m, mul[0]);
  U128 high = mul64(m, mul[1]);
  uint64_t sum_lo = high.lo + low.hi;
  uint64_t sum_hi = high.hi + (sum_lo < high.lo ? 1 : 0);
  int s = j - 64;
  if (s == 0) return sum_lo;
  return (sum_hi << (64 - s)) | (sum_lo >> s);
}

}  // namespace

ShortestDecimal shortest_decimal(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  const uint64_t mantissa = bits & ((uint64_t{1} << kMantissaBits) - 1);
  const int exponent = static_cast<int>((bits >> kMantissaBits) & 0x7ff);

  // v = m2 * 2^e2, and the interval of reals that read back as v is
  // (mm, mp) * 2^(e2 - 2): the halfway points to the neighbours. Scaling
  // by 4 makes the halfway points integers; below a power of two the
  // neighbour is half as far (mm_shift = 0).
  int e2;
  uint64_t m2;
  if (exponent == 0) {
    e2 = 1 - kExponentBias - kMantissaBits - 2;
    m2 = mantissa;
  } else {
    e2 = exponent - kExponentBias - kMantissaBits - 2;
    m2 = (uint64_t{1} << kMantissaBits) | mantissa;
  }
  // strtod rounds halfway to even: an even mantissa owns its halfway points.
  const bool accept_bounds = (m2 & 1) == 0;
  const uint64_t mv = 4 * m2;
  const uint32_t mm_shift = (mantissa != 0 || exponent <= 1) ? 1 : 0;

  // Step 3 of the paper: vr, vp, vm = the value and the interval ends
  // divided by 10^e10 (floor), computed exactly with 128-bit powers of 5.
  // The *_zeros flags record whether a division was exact, which decides
  // whether an end is in the interval and how vr rounds.
  uint64_t vr, vp, vm;
  int e10;
  bool vm_zeros = false, vr_zeros = false;
  if (e2 >= 0) {
    // One power of ten less than v's magnitude allows, so that step 4
    // always drops at least one digit and sees the one it rounds by.
    const int q = log10_pow2(e2) - (e2 > 3 ? 1 : 0);
    e10 = q;
    const int k = kPow5InvBits + pow5bits(q) - 1;
    const int i = -e2 + q + k;
    vr = mul_shift(mv, kPow5Inv[q], i);
    vp = mul_shift(mv + 2, kPow5Inv[q], i);
    vm = mul_shift(mv - 1 - mm_shift, kPow5Inv[q], i);
    // Exact when 5^q divides the numerator (2^q divides 2^e2, q <= e2).
    // mv < 2^55 < 5^24, so for q >= 24 nothing is divisible.
    if (q <= 23) {
      if (mv % 5 == 0) {
        vr_zeros = multiple_of_pow5(mv, q);
      } else if (accept_bounds) {
        vm_zeros = multiple_of_pow5(mv - 1 - mm_shift, q);
      } else {
        // The upper end is excluded: step below it when it is exact.
        vp -= multiple_of_pow5(mv + 2, q) ? 1 : 0;
      }
    }
  } else {
    const int q = log10_pow5(-e2) - (-e2 > 1 ? 1 : 0);
    e10 = q + e2;
    const int i = -e2 - q;
    const int k = pow5bits(i) - kPow5Bits;
    const int j = q - k;
    vr = mul_shift(mv, kPow5[i], j);
    vp = mul_shift(mv + 2, kPow5[i], j);
    vm = mul_shift(mv - 1 - mm_shift, kPow5[i], j);
    // Exact when 2^q divides the numerator. mv = 4 * m2 has at least two
    // factors of 2, mv + 2 and mv - 2 exactly one, mv - 1 none.
    if (q <= 1) {
      vr_zeros = true;
      if (accept_bounds) {
        vm_zeros = mm_shift == 1;
      } else {
        --vp;
      }
    } else if (q < 63) {
      vr_zeros = multiple_of_pow2(mv, q);
    }
  }

  // Step 4: drop digits while the interval still holds a shorter number,
  // then round vr, staying inside the interval.
  int removed = 0;
  uint64_t out;
  if (vm_zeros || vr_zeros) {
    // Rare: an end or the value itself is exact, so ties and the lower end
    // need care.
    int last = 0;
    while (vp / 10 > vm / 10) {
      vm_zeros &= vm % 10 == 0;
      vr_zeros &= last == 0;
      last = static_cast<int>(vr % 10);
      vr /= 10;
      vp /= 10;
      vm /= 10;
      ++removed;
    }
    if (vm_zeros) {
      // The lower end is in the interval and ends in zeros: it is shorter.
      while (vm % 10 == 0) {
        vr_zeros &= last == 0;
        last = static_cast<int>(vr % 10);
        vr /= 10;
        vp /= 10;
        vm /= 10;
        ++removed;
      }
    }
    // Exactly halfway: round to even.
    if (vr_zeros && last == 5 && vr % 2 == 0) last = 4;
    out = vr + (((vr == vm && (!accept_bounds || !vm_zeros)) || last >= 5) ? 1 : 0);
  } else {
    // Common: nothing is exact, so a removed 5 means above halfway.
    bool round_up = false;
    while (vp / 10 > vm / 10) {
      round_up = vr % 10 >= 5;
      vr /= 10;
      vp /= 10;
      vm /= 10;
      ++removed;
    }
    out = vr + ((vr == vm || round_up) ? 1 : 0);
  }
  return {out, e10 + removed};
}

}  // namespace edgestat
