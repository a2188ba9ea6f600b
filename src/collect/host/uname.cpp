// node_exporter's uname collector: node_uname_info{domainname,machine,
// nodename,release,sysname,version} 1.
//
// node_exporter calls uname(2). edgestat reads the same strings from
// <procfs>/sys/kernel/{ostype,osrelease,version,hostname,domainname,arch}
// instead, so --path.procfs pointed at a captured tree reports that
// tree's host (fixtures, tests). On a live system the two agree: those
// files are the calling process's UTS namespace, exactly what uname(2)
// returns. The one gap: kernel/arch only exists since Linux 6.1 (and the
// others can be hidden by a container's procfs), so a missing file falls
// back to uname(2) when procfs really is a procfs mount (statfs magic,
// which also covers a host /proc bind-mounted elsewhere) and is an error
// naming the file when it is a plain directory (a fixture cannot be
// completed from the machine running the test).
//
// Known difference: a 32-bit process under a linux32/PER_LINUX32
// personality gets a compat machine string from uname(2) ("armv8l",
// "i686") while kernel/arch always holds the kernel's own ("aarch64",
// "x86_64"). edgestat reports the kernel's; node_exporter the process's.
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/uname_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kInfo{"node_uname_info", "Labeled system information as provided by the uname system call.",
                           MetricType::Gauge};

// PROC_SUPER_MAGIC from linux/magic.h, spelled out to keep kernel headers
// out of the build.
constexpr long kProcSuperMagic = 0x9fa0;

bool is_real_procfs(const char* path) {
  struct statfs st;
  return ::statfs(path, &st) == 0 && static_cast<long>(st.f_type) == kProcSuperMagic;
}

enum Field { kSysname, kRelease, kVersion, kMachine, kNodename, kDomainname, kFields };

// The file under <procfs>/sys/kernel/ for each field.
constexpr std::string_view kFiles[kFields] = {"ostype", "osrelease", "version", "arch", "hostname", "domainname"};

// The file's text plus room to notice an oversized one: a value longer than
// kUtsFieldMax is refused by the parser, never cut.
constexpr size_t kFileBytes = kUtsFieldMax + 2;

}  // namespace

Status collect_uname(CollectContext& ctx) {
  std::string_view procfs = ctx.config.path.procfs.view();
  char bufs[kFields][kFileBytes];
  std::string_view vals[kFields];
  struct utsname uts;
  int fallback = -1;  // -1 unknown, 0 no, 1 yes (uname(2) filled in uts)
  for (int f = 0; f < kFields; ++f) {
    PathBuf path;
    if (!join_path(path, {procfs, "/sys/kernel/", kFiles[f]})) return Status::error("procfs path too long");
    size_t n = 0;
    Status st = read_file(path.c_str(), bufs[f], sizeof bufs[f], &n);
    if (st) {
      if (!parse_uts_value(std::string_view(bufs[f], n), &vals[f]))
        return Status::error("%s: not a uname value (NUL byte or longer than %zu bytes)", path.c_str(), kUtsFieldMax);
      continue;
    }
    // Any failure to read falls back the same way: a missing file (kernel
    // < 6.1 for arch) is the expected case, and on a live procfs uname(2)
    // is the authoritative source anyway.
    if (fallback < 0) {
      fallback = 0;
      if (is_real_procfs(ctx.config.path.procfs.c_str())) {
        if (::uname(&uts) != 0) return Status::error("uname: %s", std::strerror(errno));
        fallback = 1;
      }
    }
    if (fallback == 0) return st;
    switch (f) {
      case kSysname:
        vals[f] = uts_field(uts.sysname, sizeof uts.sysname);
        break;
      case kRelease:
        vals[f] = uts_field(uts.release, sizeof uts.release);
        break;
      case kVersion:
        vals[f] = uts_field(uts.version, sizeof uts.version);
        break;
      case kMachine:
        vals[f] = uts_field(uts.machine, sizeof uts.machine);
        break;
      case kNodename:
        vals[f] = uts_field(uts.nodename, sizeof uts.nodename);
        break;
      default:
        vals[f] = uts_field(uts.domainname, sizeof uts.domainname);
        break;
    }
  }
  // Label names in sorted order, as client_golang renders them.
  const Label labels[] = {{"domainname", vals[kDomainname]}, {"machine", vals[kMachine]}, {"nodename", vals[kNodename]},
                          {"release", vals[kRelease]},       {"sysname", vals[kSysname]}, {"version", vals[kVersion]}};
  ctx.out.add(kInfo, 1, labels, 6);
  return Status::ok();
}

}  // namespace edgestat
