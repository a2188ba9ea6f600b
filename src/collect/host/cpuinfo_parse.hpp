#pragma once
// Pure parser for /proc/cpuinfo, covering what prometheus/procfs's x86 and
// ARM parsers give node_exporter's cpu collector for node_cpu_info: blocks
// that start with "processor : N", "key : value" lines (the value is what
// follows ": ", untrimmed, as procfs splits), "flags"/"bugs" per CPU, and
// the ARM forms: one "Features" line for every CPU and an old kernel's
// leading "Processor : <model name>".
#include <cstddef>
#include <string_view>

namespace edgestat {

struct CpuInfoEntry {
  std::string_view processor, vendor, family, model, model_name, microcode, stepping, cache_size, physical_id,
      core_id;
  double mhz;
  bool has_mhz;
  std::string_view flags, bugs;  // blank-separated lists
};

enum class CpuInfoError { None, NoProcessorLine, BadNumber, TooManyCpus };

// Fills out[] (one entry per processor, in file order). *bad is the
// offending text on error.
size_t parse_cpuinfo(std::string_view text, CpuInfoEntry* out, size_t cap, CpuInfoError* err, std::string_view* bad);

}  // namespace edgestat
