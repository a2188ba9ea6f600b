// -DEDGESTAT_LXC=OFF (app/build_features.hpp): the collector keeps its
// name, so [collector] lxc and --no-collector.lxc still parse, but is off
// by default, and switching it on is refused at load. Nothing runs it;
// should anything, it is "unsupported here", never a failure.
#include "collect/lxc/lxc.hpp"

namespace edgestat {

Status collect_lxc(CollectContext&) {
  return Status::error("this edgestat was built without the lxc collector (EDGESTAT_LXC=OFF)").with_errno(EOPNOTSUPP);
}

}  // namespace edgestat
