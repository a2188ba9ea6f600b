#pragma once
// Pure helpers for the time collector: the clock reading as node_exporter
// computes it, and the clocksource files under
// /sys/devices/system/clocksource/clocksourceN/.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

// float64(now.UnixNano()) / 1e9 in node_exporter: nanoseconds since the
// epoch as one integer, converted, then divided, so values match exactly.
inline double time_seconds(int64_t sec, int64_t nsec) { return static_cast<double>(sec * 1000000000 + nsec) / 1e9; }

// Does a directory entry match filepath.Glob's "clocksource[0-9]*"?
bool is_clocksource_dir(std::string_view name);

// Clocksources listed in one available_clocksource file. The kernel lists
// a handful (tsc hpet acpi_pm kvm-clock ...); more than this is refused.
inline constexpr size_t kMaxClocksourceNames = 32;

// Splits available_clocksource on blanks (strings.Fields) into out, in
// file order, dropping repeats (node_exporter would emit a duplicate
// series, which Prometheus rejects). Returns false if more than cap
// distinct names are listed. *n receives the count.
bool parse_clocksource_list(std::string_view text, std::string_view* out, size_t cap, size_t* n);

// current_clocksource: the file with surrounding blanks trimmed
// (strings.TrimSpace) and kept whole otherwise, even if empty or holding
// blanks inside, as node_exporter reports it.
std::string_view parse_clocksource_current(std::string_view text);

}  // namespace edgestat
