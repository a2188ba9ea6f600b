// node_openwrt_info{board_name,id,model,release,revision,system,target} 1,
// as OpenWrt's prometheus-node-exporter-lua "openwrt" collector reports it
// from ubus `system board`, so dashboards built on that exporter keep
// working. Read from /etc/openwrt_release and /tmp/sysinfo/ under
// path.rootfs (the model falls back to the device tree's, as procd's does)
// and /proc/cpuinfo. Not an OpenWrt system (no /etc/openwrt_release):
// unsupported here.
#include <sys/utsname.h>

#include "collect/host/host.hpp"
#include "collect/host/openwrt_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kInfo{"node_openwrt_info", "OpenWrt system information (the Lua exporter's openwrt collector).",
                           MetricType::Gauge};
// The release file is a dozen short lines; the sysinfo files one line.
constexpr size_t kReleaseBytes = 4096;
constexpr size_t kLineBytes = 256;

std::string_view read_line(const char* path, char* buf, size_t cap) {
  size_t n = 0;
  if (!read_file(path, buf, cap, &n)) return {};
  return sysinfo_first_line({buf, n});
}

}  // namespace

Status collect_openwrt(CollectContext& ctx) {
  std::string_view root = ctx.config.path.rootfs.view();
  if (!root.empty() && root.back() == '/') root.remove_suffix(1);
  PathBuf rel, model_path, board_path, dt_path, cpuinfo_path;
  if (!join_path(rel, {root, "/etc/openwrt_release"}) || !join_path(model_path, {root, "/tmp/sysinfo/model"}) ||
      !join_path(board_path, {root, "/tmp/sysinfo/board_name"}) ||
      !join_path(dt_path, {ctx.config.path.procfs.view(), "/device-tree/model"}) ||
      !join_path(cpuinfo_path, {ctx.config.path.procfs.view(), "/cpuinfo"}))
    return Status::error("path too long");
  char release_buf[kReleaseBytes];
  size_t n = 0;
  if (Status st = read_file(rel.c_str(), release_buf, sizeof release_buf, &n); !st) return st;
  OpenwrtRelease r;
  parse_openwrt_release({release_buf, n}, &r);

  char model_buf[kLineBytes], board_buf[kLineBytes];
  std::string_view model = read_line(model_path.c_str(), model_buf, sizeof model_buf);
  if (model.empty()) model = read_line(dt_path.c_str(), model_buf, sizeof model_buf);
  std::string_view board = read_line(board_path.c_str(), board_buf, sizeof board_buf);

  FixedString<128> system;
  struct utsname u;
  std::string_view machine = ::uname(&u) == 0 ? std::string_view(u.machine) : std::string_view();
  size_t cn = 0;
  if (read_file(cpuinfo_path.c_str(), ctx.scratch, ctx.scratch_cap, &cn))
    openwrt_system({ctx.scratch, cn}, machine, &system);
  else
    system.assign(machine);

  Label l[] = {{"board_name", board}, {"id", r.id},         {"model", model},  {"release", r.release},
               {"revision", r.revision}, {"system", system.view()}, {"target", r.target}};
  ctx.out.add(kInfo, 1, l, 7);
  return Status::ok();
}

}  // namespace edgestat
