// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_filefd(CollectContext&) { return Status::error("filefd: not implemented yet"); }
}  // namespace edgestat
