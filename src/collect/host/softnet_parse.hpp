#pragma once
// Pure parser for one line of /proc/net/softnet_stat: hexadecimal 32-bit
// columns, one line per online CPU, as prometheus/procfs reads them for
// node_exporter's softnet collector.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct SoftnetLine {
  uint32_t processed, dropped, time_squeeze, cpu_collision, received_rps, flow_limit_count, backlog_len;
  uint32_t cpu;  // column 13 since Linux 5.10, else the line's position
};

// At least 9 columns (Linux 2.6); columns 10, 11 and 12-13 are read when
// present. False on fewer columns or a column that is not 32-bit hex.
bool parse_softnet_line(std::string_view line, uint32_t position, SoftnetLine* out);

}  // namespace edgestat
