// node_exporter's vmstat collector: each /proc/vmstat field whose name
// matches collector.vmstat.fields (default ^(oom_kill|pgpg|pswp|pg.*fault).*)
// as node_vmstat_<field>, untyped, HELP "/proc/vmstat information field
// <field>.".
//
// Like node_exporter, every line's value is parsed before the filter is
// applied, so a malformed line anywhere fails the collector (node_exporter
// returns the ParseFloat error, or panics on a line without a value).
#include "collect/host/host.hpp"
#include "collect/host/vmstat_parse.hpp"
#include "config/config.hpp"
#include "core/match_memo.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// Fields exported in one scrape, remembered to drop a repeated name (a
// duplicate series would make Prometheus reject the scrape). Linux 6.x has
// about 180 fields in all; more matches than this fail the collector.
constexpr size_t kMaxVmstatFields = 512;
// collector.vmstat.fields' verdict per field (about 180 of them).
MatchMemo<512> g_verdicts;  // loop thread only

}  // namespace

Status collect_vmstat(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/vmstat"})) return Status::error("procfs path too long");
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
  // Views into the scratch buffer, which stays untouched until we return.
  std::string_view seen[kMaxVmstatFields];
  size_t nseen = 0;
  const ConfigRegex& filter = ctx.config.filters.vmstat_fields;
  g_verdicts.use_filter(filter.source.view());
  Scanner lines(std::string_view(ctx.scratch, n));
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    std::string_view field;
    double value = 0;
    switch (parse_vmstat_line(line, &field, &value)) {
      case VmstatLine::Blank:
        continue;
      case VmstatLine::Malformed: {
        int len = static_cast<int>(line.size() > 64 ? 64 : line.size());
        return Status::error("%s: malformed line \"%.*s\"", path.c_str(), len, line.data());
      }
      case VmstatLine::Field:
        break;
    }
    if (!g_verdicts.get(field, [&](std::string_view k) { return filter.match(k); })) continue;
    bool dup = false;
    for (size_t i = 0; i < nseen && !dup; ++i) dup = seen[i] == field;
    if (dup) continue;
    if (nseen == kMaxVmstatFields)
      return Status::error("%s: more than %zu fields match collector.vmstat.fields", path.c_str(), kMaxVmstatFields);
    seen[nseen++] = field;
    FixedString<128> name;
    FixedString<160> help;
    name.assign("node_vmstat_");
    name.append(field);
    help.assign("/proc/vmstat information field ");
    help.append(field);
    help.append(".");
    if (name.overflowed() || help.overflowed()) {
      int len = static_cast<int>(field.size() > 64 ? 64 : field.size());
      return Status::error("%s: field name too long: %.*s...", path.c_str(), len, field.data());
    }
    ctx.out.add_dynamic(name.view(), help.view(), MetricType::Untyped, SampleKind::Plain, 0, value, nullptr, 0);
  }
  return Status::ok();
}

}  // namespace edgestat
