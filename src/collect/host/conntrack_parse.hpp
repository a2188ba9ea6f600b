#pragma once
// Pure parser for /proc/net/stat/nf_conntrack: a header line, then one line
// per possible CPU of 8-digit hexadecimal counters in the kernel's fixed
// column order (net/netfilter/nf_conntrack_standalone.c, ct_cpu_seq_show):
//   entries searched|clashres found new invalid ignore delete
//   delete_list|chainlength insert insert_failed drop early_drop icmp_error
//   expect_new expect_create expect_delete search_restart
// Columns 1 and 7 were renamed in Linux 5.x but kept their positions, so
// like procfs the parser goes by position and never by the header.
#include <cstdint>
#include <string_view>

namespace edgestat {

// The counters node_exporter exports, summed over CPUs. Sums wrap modulo
// 2^64 as Go's uint64 additions in procfs do.
struct ConntrackStat {
  uint64_t found = 0, invalid = 0, ignore = 0, insert = 0, insert_failed = 0, drop = 0, early_drop = 0,
           search_restart = 0;
  uint32_t cpus = 0;  // per-CPU lines summed
};

// Columns per CPU line: 17 since Linux 2.6.35 (search_restart); 16 before.
// Linux < 2.6.35 leaves search_restart at 0 (newer procfs does the same;
// node_exporter 1.5's procfs refused such files). Extra columns a future
// kernel might append are ignored rather than failing collection.
inline constexpr int kConntrackMinColumns = 16;

// False if a CPU line has fewer than kConntrackMinColumns columns or a
// column that is not a 64-bit hexadecimal number. The header line is
// skipped unread; blank lines are skipped; a file with no CPU lines gives
// all zeros (procfs does the same).
bool parse_conntrack_stat(std::string_view text, ConntrackStat* out);

}  // namespace edgestat
