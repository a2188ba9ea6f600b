// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_uname(CollectContext&) { return Status::error("uname: not implemented yet"); }
}  // namespace edgestat
