#pragma once
// The one list of collectors. A collector's id is its index here; ids
// index the collect[]/exclude[] mask and Config::collector_switch.
#include <cstdint>
#include <span>
#include <string_view>

#include "collect/collector.hpp"

namespace edgestat {

// node_scrape_collector_success 0 of node_exporter collectors edgestat
// lacks but the config switches on carries this id (shown unless collect[]
// names collectors).
inline constexpr uint8_t kMissingCollectorsId = kSelfCollectorId - 1;
// Collector ids stay below those two, the snapshot's tags for samples no
// collector of ours produced.
inline constexpr size_t kMaxCollectors = kMissingCollectorsId;

std::span<const CollectorDesc> collectors();
std::span<const std::string_view> collector_names();
int find_collector(std::string_view name);

// Bit i set = collector i enabled by the config.
uint64_t enabled_collectors(const Config& c);

// Runs every collector in mask into snap (cleared first), each timed and
// reported as node_scrape_collector_{duration_seconds,success}; a failing
// collector's samples are rolled back and it is logged, nothing else stops.
void run_collectors(const Config& c, uint64_t mask, Snapshot& snap, char* scratch, size_t scratch_cap);

// How each collector's last run ended, for /health. Unsupported is an error
// whose errno says the file or kernel feature is absent on this host
// (Status::unsupported(), e.g. ENOENT for /proc/pressure on a router): it
// does not degrade health, unless the collector has succeeded before (its
// source went away: Failed). A collector not in the last run's mask is
// NotRun.
enum class CollectorOutcome : uint8_t { NotRun, Ok, Unsupported, Failed };
CollectorOutcome collector_outcome(size_t id);
// Forgets which collectors have succeeded before (tests that run the same
// collectors over different trees start from a fresh process's state).
void forget_collector_history();

}  // namespace edgestat
