#pragma once
// Pure parser for /proc/interrupts, as node_exporter's interrupts collector
// reads it: the header's column count is the CPU count; each line is
// "NAME: count per CPU, then details".
#include <cstddef>
#include <string_view>

namespace edgestat {

// CPUs kept per line; a wider header is refused (parse_interrupts_header
// returns 0).
inline constexpr size_t kMaxInterruptCpus = 256;

// Number of columns of the header line ("CPU0 CPU1 ..."), 0 if more than
// kMaxInterruptCpus.
size_t parse_interrupts_header(std::string_view line);

struct InterruptLine {
  std::string_view name;                      // "0", "NMI", "LOC"
  std::string_view values[kMaxInterruptCpus];  // one per CPU, unparsed
  std::string_view info, devices;             // views into the caller's buffers
};

// False when the line is not a counter line: no ':', or fewer than
// ncpus + 1 fields after it (ERR and MIS, which node_exporter ignores).
// For a numbered interrupt the first detail is info ("IO-APIC") and the
// rest, joined by single blanks, devices; for a named one all details are
// info ("Non-maskable interrupts"). info_buf and devices_buf hold the
// joined text; details longer than their capacity are cut there.
bool parse_interrupts_line(std::string_view line, size_t ncpus, InterruptLine* out, char* info_buf, size_t info_cap,
                           char* devices_buf, size_t devices_cap);

}  // namespace edgestat
