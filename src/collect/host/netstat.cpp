// node_exporter's netstat collector: the fields of /proc/net/netstat,
// /proc/net/snmp and /proc/net/snmp6 whose "<Protocol>_<Field>" matches
// collector.netstat.fields, as untyped node_netstat_<Protocol>_<Field>
// with HELP "Statistic <Protocol><Field>.".
//
// /proc/net/netstat is the collector's source: without it the collector
// is unsupported here. snmp6 is optional (IPv6 disabled), as in
// node_exporter. Any malformed file fails the collector, as node_exporter
// fails on a count mismatch or a value ParseFloat refuses.
#include "collect/host/host.hpp"
#include "collect/host/netstat_parse.hpp"
#include "config/config.hpp"
#include "core/match_memo.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// Fields in one file: Linux 6.x has about 130 in TcpExt and 300 in all of
// snmp6 with the per-type ICMPv6 counters; more fails the collector.
constexpr size_t kMaxNetstatFields = 1024;
NetstatField g_fields[kMaxNetstatFields];  // loop thread only
// collector.netstat.fields' verdict per "<Protocol>_<Field>": the three
// files hold about 600 names in all.
MatchMemo<1024> g_verdicts;  // loop thread only

Status emit_file(CollectContext& ctx, const char* rel, bool snmp6, bool optional) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), rel})) return Status::error("procfs path too long");
  size_t len = 0;
  Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &len);
  if (!st) return optional && st.unsupported() ? Status::ok() : st;
  std::string_view text(ctx.scratch, len);
  NetstatError err;
  std::string_view bad;
  size_t n = snmp6 ? parse_snmp6(text, g_fields, kMaxNetstatFields, &err, &bad)
                   : parse_netstat(text, g_fields, kMaxNetstatFields, &err, &bad);
  if (err != NetstatError::None) {
    int blen = static_cast<int>(bad.size() > 64 ? 64 : bad.size());
    return Status::error("%s: %s (%.*s)", path.c_str(), netstat_error_text(err), blen, bad.data());
  }
  const ConfigRegex& filter = ctx.config.filters.netstat_fields;
  g_verdicts.use_filter(filter.source.view());
  for (size_t i = 0; i < n; ++i) {
    const NetstatField& f = g_fields[i];
    // "<Protocol>_<Field>" is joined only when the memo has no verdict.
    uint64_t h = MatchMemo<1024>::key_hash(f.name, MatchMemo<1024>::key_hash(f.protocol));
    if (!g_verdicts.get_hashed(h, [&] {
          FixedString<160> key;
          key.assign(f.protocol);
          key.append("_");
          key.append(f.name);
          return !key.overflowed() && filter.match(key.view());
        }))
      continue;
    FixedString<192> name;
    FixedString<192> help;
    name.assign("node_netstat_");
    name.append(f.protocol);
    name.append("_");
    name.append(f.name);
    help.assign("Statistic ");
    help.append(f.protocol);
    help.append(f.name);
    help.append(".");
    if (name.overflowed() || help.overflowed() || !valid_metric_name(name.view())) continue;
    ctx.out.add_dynamic(name.view(), help.view(), MetricType::Untyped, SampleKind::Plain, 0, f.value, nullptr, 0);
  }
  return Status::ok();
}

}  // namespace

Status collect_netstat(CollectContext& ctx) {
  if (Status st = emit_file(ctx, "/net/netstat", false, false); !st) return st;
  if (Status st = emit_file(ctx, "/net/snmp", false, false); !st) return st;
  return emit_file(ctx, "/net/snmp6", true, true);
}

}  // namespace edgestat
