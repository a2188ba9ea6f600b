#pragma once
// Pure parser for /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat
// (proc(5)): the state letter and the thread count, for node_exporter's
// processes collector.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct PidStat {
  std::string_view state;  // "R", "S", "D", "Z", "I", ...
  int64_t num_threads;
};

// The command name is in parentheses and may hold blanks and ')': fields
// are counted after the last ')'. False when the line is cut short.
bool parse_pid_stat(std::string_view text, PidStat* out);

}  // namespace edgestat
