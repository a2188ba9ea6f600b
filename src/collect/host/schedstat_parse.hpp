#pragma once
// Pure parser for the per-CPU lines of /proc/schedstat ("cpuN" and nine
// numbers; Documentation/scheduler/sched-stats.rst), as prometheus/procfs
// matches them for node_exporter's schedstat collector.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct SchedstatCpu {
  std::string_view cpu;  // "0"
  uint64_t running_ns, waiting_ns, timeslices;
};

// procfs matches `cpu(\d+) (\d+) x9` anywhere in the line, single spaces;
// the 7th, 8th and 9th numbers are the time running, the time waiting and
// the timeslices run. Other lines (version, timestamp, domainN) and lines
// whose numbers overflow are not CPU lines: false.
bool parse_schedstat_line(std::string_view line, SchedstatCpu* out);

}  // namespace edgestat
