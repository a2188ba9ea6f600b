#pragma once
// A collector is a static descriptor (name, default on/off, collect
// function) listed once in registry.cpp, the way node_exporter registers
// collectors. collect() reads its files through fs.hpp into the context's
// scratch buffer, parses them with pure functions and adds samples to the
// snapshot. A failing collector returns an error Status: its samples are
// rolled back and node_scrape_collector_success{collector} is 0, and every
// other collector carries on.
#include <cstdint>
#include <string_view>

#include "core/status.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

struct Config;

struct CollectContext {
  const Config& config;
  Snapshot& out;
  // One scratch buffer for whole-file reads, sized by
  // collect.read_buffer_bytes; a collector may use it for one file at a time.
  char* scratch;
  size_t scratch_cap;
  // Numbers each collection of run_collectors from 1; 0 (a test calling a
  // collector directly) shares nothing between collectors.
  uint64_t generation = 0;
};

using CollectFn = Status (*)(CollectContext&);

struct CollectorDesc {
  std::string_view name;
  bool default_enabled;
  CollectFn collect;
};

}  // namespace edgestat
