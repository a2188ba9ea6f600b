#include "collect/host/cpuinfo_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

// strconv.ParseUint(s, 0, 32) for the processor number.
bool processor_number(std::string_view s) {
  auto v = parse_u64(s);
  return v && *v <= UINT32_MAX;
}

}  // namespace

size_t parse_cpuinfo(std::string_view text, CpuInfoEntry* out, size_t cap, CpuInfoError* err, std::string_view* bad) {
  *err = CpuInfoError::None;
  size_t n = 0;
  std::string_view common_model, features;
  bool seen_first = false;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (line.find(':') == std::string_view::npos) continue;
    std::string_view value = line;
    size_t sep = line.find(": ");
    std::string_view key = trim(sep == std::string_view::npos ? line.substr(0, line.find(':')) : line.substr(0, sep));
    value = sep == std::string_view::npos ? std::string_view() : line.substr(sep + 2);
    if (!seen_first) {
      // The first non-empty line must be a processor line, as procfs wants.
      seen_first = true;
      if (key == "Processor") {
        common_model = value;
        continue;
      }
      if (key != "processor") {
        *err = CpuInfoError::NoProcessorLine;
        *bad = line;
        return 0;
      }
    }
    if (key == "processor") {
      if (!processor_number(value)) {
        *err = CpuInfoError::BadNumber;
        *bad = line;
        return n;
      }
      if (n == cap) {
        *err = CpuInfoError::TooManyCpus;
        *bad = line;
        return n;
      }
      out[n] = CpuInfoEntry{};
      out[n].processor = value;
      out[n].model_name = common_model;
      ++n;
      continue;
    }
    if (key == "Features") {
      features = value;
      continue;
    }
    if (n == 0) continue;
    CpuInfoEntry& e = out[n - 1];
    if (key == "vendor" || key == "vendor_id") e.vendor = value;
    else if (key == "cpu family") e.family = value;
    else if (key == "model") e.model = value;
    else if (key == "model name") e.model_name = value;
    else if (key == "stepping") e.stepping = value;
    else if (key == "microcode") e.microcode = value;
    else if (key == "cache size") e.cache_size = value;
    else if (key == "physical id") e.physical_id = value;
    else if (key == "core id") e.core_id = value;
    else if (key == "flags") e.flags = value;
    else if (key == "bugs") e.bugs = value;
    else if (key == "cpu MHz") {
      auto v = parse_double(value);
      if (!v) {
        *err = CpuInfoError::BadNumber;
        *bad = line;
        return n;
      }
      e.mhz = *v;
      e.has_mhz = true;
    }
  }
  if (!seen_first) {
    *err = CpuInfoError::NoProcessorLine;
    *bad = {};
    return 0;
  }
  // Old ARM kernels: "Processor : <model>" and no processor lines at all
  // describe the one CPU (procfs starts it at the BogoMIPS line).
  if (n == 0 && !common_model.empty() && cap > 0) {
    out[0] = CpuInfoEntry{};
    out[0].processor = "0";
    out[0].model_name = common_model;
    n = 1;
  }
  for (size_t i = 0; i < n; ++i)
    if (out[i].flags.empty()) out[i].flags = features;
  return n;
}

}  // namespace edgestat
