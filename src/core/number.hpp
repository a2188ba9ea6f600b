#pragma once
// Number formatting and strict parsing. Formatting matches Go's
// strconv.FormatFloat(v, 'g', -1, 64), which Prometheus client libraries
// use, so edgestat's output reads exactly like node_exporter's.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace edgestat {

// Longest output of format_double: "-1.2345678901234567e-308" is 24 bytes.
inline constexpr size_t kDoubleChars = 32;
inline constexpr size_t kIntChars = 24;

// Shortest digits that round-trip, laid out like Go's 'g' format with
// shortest precision: exponent form when the decimal exponent is < -4 or
// >= 6 ("1e+06", "1.5e-05"). NaN, +Inf, -Inf spelled as Prometheus expects.
size_t format_double(double v, char* out);
size_t format_u64(uint64_t v, char* out);
size_t format_i64(int64_t v, char* out);

// Strict parsers: the whole view must be a number, nothing else.
std::optional<uint64_t> parse_u64(std::string_view s);
std::optional<int64_t> parse_i64(std::string_view s);
// strconv.ParseUint(s, 16, 64): hex digits of either case, no "0x", no sign.
std::optional<uint64_t> parse_hex_u64(std::string_view s);
// Accepts what Prometheus text format accepts: decimal and exponent forms,
// NaN, +Inf, -Inf, Inf (case as in the format). No hex, no leading spaces.
std::optional<double> parse_double(std::string_view s);

}  // namespace edgestat
