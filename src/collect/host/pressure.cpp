// node_exporter's pressure collector: pressure stall information from
// <procfs>/pressure/{cpu,io,memory} as
//   node_pressure_cpu_waiting_seconds_total      (cpu "some")
//   node_pressure_io_waiting_seconds_total       (io "some")
//   node_pressure_io_stalled_seconds_total       (io "full")
//   node_pressure_memory_waiting_seconds_total   (memory "some")
//   node_pressure_memory_stalled_seconds_total   (memory "full")
//   node_pressure_irq_stalled_seconds_total      (irq "full", 1.9+)
// exactly the set node_exporter 1.12 exports: the cpu "full" line (Linux
// 5.13+) is not read. A resource whose file is absent is skipped (irq
// needs Linux 6.1 and CONFIG_IRQ_TIME_ACCOUNTING), as node_exporter skips
// it.
//
// No /proc/pressure (kernel < 4.20, CONFIG_PSI off, psi=0 on newer kernels,
// OpenWrt's default kernel), or files that refuse reads with EOPNOTSUPP
// (psi=0 on older kernels): unsupported here; node_exporter reports "no
// data", which is also success 0.
#include <unistd.h>

#include <cerrno>

#include "collect/host/host.hpp"
#include "collect/host/pressure_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kCpu{"node_pressure_cpu_waiting_seconds_total",
                          "Total time in seconds that processes have waited for CPU time", MetricType::Counter};
constexpr FamilyDesc kIo{"node_pressure_io_waiting_seconds_total",
                         "Total time in seconds that processes have waited due to IO congestion", MetricType::Counter};
constexpr FamilyDesc kIoFull{"node_pressure_io_stalled_seconds_total",
                             "Total time in seconds no process could make progress due to IO congestion",
                             MetricType::Counter};
constexpr FamilyDesc kMem{"node_pressure_memory_waiting_seconds_total",
                          "Total time in seconds that processes have waited for memory", MetricType::Counter};
constexpr FamilyDesc kMemFull{"node_pressure_memory_stalled_seconds_total",
                              "Total time in seconds no process could make progress due to memory congestion",
                              MetricType::Counter};
constexpr FamilyDesc kIrqFull{"node_pressure_irq_stalled_seconds_total",
                              "Total time in seconds no process could make progress due to IRQ congestion",
                              MetricType::Counter};

struct Resource {
  std::string_view file;
  const FamilyDesc* some;  // null: IRQ pressure has no "some" line
  const FamilyDesc* full;  // null: the full line is not exported
};

constexpr Resource kResources[] = {
    {"cpu", &kCpu, nullptr},
    {"io", &kIo, &kIoFull},
    {"memory", &kMem, &kMemFull},
    {"irq", nullptr, &kIrqFull},
};

// A PSI file is two lines of about 60 bytes; anything near this size is
// not a PSI file and read_file refuses it.
constexpr size_t kPsiFileBytes = 1024;

}  // namespace

Status collect_pressure(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/pressure"})) return Status::error("procfs path too long");
  // The directory is checked (access(2)) only when a file is missing and
  // none was read yet: a collection that reads them saves the syscall.
  PathBuf dir = path;
  bool dir_seen = false;
  for (const Resource& r : kResources) {
    if (!join_path(path, {ctx.config.path.procfs.view(), "/pressure/", r.file}))
      return Status::error("procfs path too long");
    char buf[kPsiFileBytes];
    size_t n = 0;
    // Older kernels booted with psi=0 keep the files but refuse reads with
    // EOPNOTSUPP; read_file's message carries the reason.
    if (Status st = read_file(path.c_str(), buf, sizeof buf, &n); !st) {
      if (st.sys_errno() != ENOENT) return st;
      if (!dir_seen && ::access(dir.c_str(), F_OK) != 0)
        return Status::error(
                   "%s missing: pressure stall information needs Linux >= 4.20 with CONFIG_PSI (and psi=1 "
                   "when CONFIG_PSI_DEFAULT_DISABLED)",
                   dir.c_str())
            .with_errno(ENOENT);
      dir_seen = true;
      continue;
    }
    dir_seen = true;
    PsiTotals t;
    if (!parse_psi(std::string_view(buf, n), &t))
      return Status::error("%s: malformed some/full line (want avg10= avg60= avg300= total=)", path.c_str());
    if (r.some && !t.has_some) return Status::error("%s: no \"some\" line", path.c_str());
    if (r.full && !t.has_full) return Status::error("%s: no \"full\" line", path.c_str());
    if (r.some) ctx.out.add(*r.some, psi_seconds(t.some_total));
    if (r.full) ctx.out.add(*r.full, psi_seconds(t.full_total));
  }
  return Status::ok();
}

}  // namespace edgestat
