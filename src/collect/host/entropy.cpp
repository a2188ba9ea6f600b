// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_entropy(CollectContext&) { return Status::error("entropy: not implemented yet"); }
}  // namespace edgestat
