// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_vmstat(CollectContext&) { return Status::error("vmstat: not implemented yet"); }
}  // namespace edgestat
