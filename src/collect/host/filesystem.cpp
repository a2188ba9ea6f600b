// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_filesystem(CollectContext&) { return Status::error("filesystem: not implemented yet"); }
}  // namespace edgestat
