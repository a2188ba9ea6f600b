// Writes the oracle table for tests/unit/test_number.cpp: one line per
// double, its IEEE-754 bits in hex, a tab, and Go's
// strconv.FormatFloat(v, 'g', -1, 64) (what Prometheus client_golang and
// node_exporter print). Deterministic (fixed seed), so the committed output
// can be regenerated and diffed:
//   go run tests/number/gen_format_double.go > tests/number/format_double.tsv
package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	seen := map[uint64]bool{}
	emit := func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		b := math.Float64bits(v)
		if seen[b] {
			return
		}
		seen[b] = true
		fmt.Fprintf(w, "%016x\t%s\n", b, strconv.FormatFloat(v, 'g', -1, 64))
	}
	near := func(v float64) {
		emit(v)
		emit(math.Nextafter(v, math.Inf(1)))
		emit(math.Nextafter(v, math.Inf(-1)))
	}
	// Every power of two, subnormal to largest, and its neighbours: the
	// interval below a power of two is half as wide (2^-24 is the case
	// that printed 17 digits before).
	for e := -1074; e <= 1023; e++ {
		near(math.Ldexp(1, e))
	}
	// Powers of ten and their neighbours: exactly-representable decimals
	// and the largest digit counts.
	for e := -323; e <= 308; e++ {
		near(math.Pow(10, float64(e)))
	}
	// Boundaries: zero, the subnormal range, the normal range, integers
	// around 2^53, the 'g' exponent switch points (1e-5, 1e+06, 1e+21).
	for _, v := range []float64{0, math.Copysign(0, -1), 5e-324, 1e-323, math.SmallestNonzeroFloat64 * 3,
		2.2250738585072009e-308, 2.2250738585072014e-308, math.MaxFloat64, 9007199254740991,
		9007199254740992, 9007199254740993, 9007199254740994, 18014398509481984, 0.0001, 0.00001, 0.000099999,
		999999, 999999.5, 1e6, 1e21, 1e22, 1e23, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 123456789012345678,
		math.Pi, math.E, 287.34, 1.7e308, 4.9406564584124654e-324} {
		near(v)
		near(-v)
	}
	rng := rand.New(rand.NewSource(20260412))
	// Random bit patterns: every exponent and mantissa equally likely.
	for i := 0; i < 2000; i++ {
		emit(math.Float64frombits(rng.Uint64()))
	}
	// Random subnormals.
	for i := 0; i < 500; i++ {
		emit(math.Float64frombits(rng.Uint64() & (1<<52 - 1)))
	}
	// Values metrics have: short decimals, seconds and bytes, ratios.
	for i := 0; i < 500; i++ {
		digits := rng.Int63n(1000000)
		scale := math.Pow(10, float64(rng.Intn(16)-8))
		emit(float64(digits) * scale)
		emit(float64(digits) / 1000)
		emit(rng.Float64() * math.Pow(10, float64(rng.Intn(40)-20)))
	}
	// Integers with many digits (large byte counters past 2^53).
	for i := 0; i < 300; i++ {
		emit(float64(rng.Uint64() >> uint(rng.Intn(12))))
	}
}
