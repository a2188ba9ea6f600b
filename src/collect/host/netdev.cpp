// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_netdev(CollectContext&) { return Status::error("netdev: not implemented yet"); }
}  // namespace edgestat
