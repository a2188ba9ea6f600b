// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_diskstats(CollectContext&) { return Status::error("diskstats: not implemented yet"); }
}  // namespace edgestat
