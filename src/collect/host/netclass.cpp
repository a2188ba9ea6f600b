// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_netclass(CollectContext&) { return Status::error("netclass: not implemented yet"); }
}  // namespace edgestat
