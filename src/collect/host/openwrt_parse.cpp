#include "collect/host/openwrt_parse.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/ascii.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

std::string_view unquote(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  return v;
}

// strtoul(val, &end, 0) consumed the whole value: a CPU number, not a name.
bool plain_number(std::string_view v) {
  if (v.empty()) return false;
  char buf[32];
  if (v.size() >= sizeof buf) return false;
  for (size_t i = 0; i < v.size(); ++i) buf[i] = v[i];
  buf[v.size()] = 0;
  char* end = nullptr;
  std::strtoul(buf, &end, 0);
  return end != buf && *end == 0;
}

}  // namespace

void parse_openwrt_release(std::string_view text, OpenwrtRelease* out) {
  *out = OpenwrtRelease{};
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view val = unquote(line.substr(eq + 1));
    if (iequals(key, "DISTRIB_ID")) out->id = val;
    else if (iequals(key, "DISTRIB_RELEASE")) out->release = val;
    else if (iequals(key, "DISTRIB_REVISION")) out->revision = val;
    else if (iequals(key, "DISTRIB_TARGET")) out->target = val;
  }
}

std::string_view sysinfo_first_line(std::string_view text) {
  size_t end = text.find_first_of(std::string_view("\t\n\0", 3));
  return text.substr(0, end);
}

void openwrt_system(std::string_view cpuinfo, std::string_view machine, FixedString<128>* out) {
  std::string_view revision, isa;
  bool has_revision = false;
  Scanner lines(cpuinfo);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, colon));
    std::string_view val = trim(line.substr(colon + 1));
    if (val.empty()) continue;
    if ((iequals(key, "system type") || iequals(key, "processor") || iequals(key, "cpu") ||
         iequals(key, "model name")) &&
        !plain_number(val)) {
      out->assign(val);
      return;
    }
    if (iequals(key, "CPU revision") && !has_revision) revision = val, has_revision = true;
    if (iequals(key, "isa") && isa.empty()) isa = val;
  }
  if (has_revision) {
    char buf[64];
    char tmp[24] = {};
    for (size_t i = 0; i < revision.size() && i + 1 < sizeof tmp; ++i) tmp[i] = revision[i];
    int n = std::snprintf(buf, sizeof buf, "ARMv8 Processor rev %lu", std::strtoul(tmp, nullptr, 16));
    out->assign({buf, static_cast<size_t>(n)});
    return;
  }
  if (!isa.empty()) {
    out->assign("RISC-V (");
    out->append(isa);
    out->append(")");
    return;
  }
  out->assign(machine);
}

}  // namespace edgestat
