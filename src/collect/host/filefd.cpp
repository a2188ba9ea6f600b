// node_exporter's filefd collector: node_filefd_allocated and
// node_filefd_maximum from <procfs>/sys/fs/file-nr ("allocated unused
// maximum"). node_exporter splits the line on tabs only, as the kernel
// writes it; parse_file_nr also accepts spaces.
#include "collect/host/host.hpp"
#include "collect/host/simple_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kAllocated{"node_filefd_allocated", "File descriptor statistics: allocated.", MetricType::Gauge};
constexpr FamilyDesc kMaximum{"node_filefd_maximum", "File descriptor statistics: maximum.", MetricType::Gauge};

}  // namespace

Status collect_filefd(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/sys/fs/file-nr"}))
    return Status::error("procfs path too long");
  // Three numbers of up to 20 digits each.
  char buf[128];
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), buf, sizeof buf, &n); !st) return st;
  uint64_t allocated = 0, maximum = 0;
  if (!parse_file_nr(std::string_view(buf, n), &allocated, &maximum))
    return Status::error("%s: unexpected format (want \"allocated unused maximum\")", path.c_str());
  ctx.out.add(kAllocated, static_cast<double>(allocated));
  ctx.out.add(kMaximum, static_cast<double>(maximum));
  return Status::ok();
}

}  // namespace edgestat
