#pragma once
// The agent's own metrics, added to every snapshot under kSelfCollectorId:
// HTTP request counts and latency, connections, collection time, loop lag,
// and client_golang's process_* family read from /proc/self (always the
// real /proc, whatever --path.procfs says: it describes this process).
#include <cstdint>
#include <string_view>

#include "http/http_stats.hpp"
#include "http/router.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

// What made the agent collect: its interval timer, a scrape that found the
// snapshot older than scrape_max_age, or a config reload.
enum class CollectTrigger : uint8_t { Timer, Scrape, Reload };
inline constexpr size_t kCollectTriggers = 3;

struct SelfInputs {
  const http::HttpStats* http = nullptr;
  const http::Router* router = nullptr;  // names the route labels http counts by
  uint32_t connections = 0;
  double collect_duration_s = 0;
  // Collections so far, by what triggered them (CollectTrigger order).
  const uint64_t* collections = nullptr;
  double loop_lag_s = 0;
  double start_time_s = 0;           // process_start_time_seconds
  uint64_t stale_bodies_total = 0;   // scrapes served an older body: every render buffer pinned
  uint64_t render_overflow_total = 0;  // renders larger than render_buffer_bytes (500)
};

// Fields of /proc/self/stat we export.
struct ProcSelfStat {
  uint64_t utime_ticks = 0, stime_ticks = 0, start_ticks = 0;
  uint64_t vsize_bytes = 0, rss_pages = 0;
};
// Pure: parses /proc/[pid]/stat (comm may hold spaces and parentheses).
bool parse_proc_self_stat(std::string_view text, ProcSelfStat* out);
// Pure: the soft "Max open files" limit from /proc/[pid]/limits
// ("unlimited" is UINT64_MAX).
bool parse_max_open_files(std::string_view text, uint64_t* out);
// The soft limit of a /proc/self/limits row ("Max address space");
// "unlimited" is UINT64_MAX, as prometheus/procfs reads it.
bool parse_limit(std::string_view text, std::string_view name, uint64_t* out);

// When this process started, in unix seconds (computed once at start).
double process_start_time_seconds();

void add_self_metrics(Snapshot& snap, const SelfInputs& in);

}  // namespace edgestat
