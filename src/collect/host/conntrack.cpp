// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_conntrack(CollectContext&) { return Status::error("conntrack: not implemented yet"); }
}  // namespace edgestat
