// node_exporter's entropy collector: node_entropy_available_bits and
// node_entropy_pool_size_bits from <procfs>/sys/kernel/random/
// {entropy_avail,poolsize}. Both files are required, as in node_exporter.
// (Since Linux 5.18 both read 256 always; the series stay for dashboards.)
#include <unistd.h>

#include <cerrno>

#include "collect/host/host.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kAvail{"node_entropy_available_bits", "Bits of available entropy.", MetricType::Gauge};
constexpr FamilyDesc kPool{"node_entropy_pool_size_bits", "Bits of entropy pool.", MetricType::Gauge};

}  // namespace

Status collect_entropy(CollectContext& ctx) {
  PathBuf avail_path, pool_path;
  std::string_view procfs = ctx.config.path.procfs.view();
  if (!join_path(avail_path, {procfs, "/sys/kernel/random/entropy_avail"}) ||
      !join_path(pool_path, {procfs, "/sys/kernel/random/poolsize"}))
    return Status::error("procfs path too long");
  uint64_t avail = 0, pool = 0;
  if (!read_attr_u64(avail_path.c_str(), &avail)) {
    // Absent: a procfs without the random driver's sysctls (unsupported
    // here); present but unreadable or not a number: a failure.
    int e = ::access(avail_path.c_str(), F_OK) == 0 ? EIO : ENOENT;
    return Status::error("%s: missing, unreadable or not a number", avail_path.c_str()).with_errno(e);
  }
  if (!read_attr_u64(pool_path.c_str(), &pool))
    return Status::error("%s: missing, unreadable or not a number", pool_path.c_str());
  ctx.out.add(kAvail, static_cast<double>(avail));
  ctx.out.add(kPool, static_cast<double>(pool));
  return Status::ok();
}

}  // namespace edgestat
