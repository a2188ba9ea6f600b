// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_time(CollectContext&) { return Status::error("time: not implemented yet"); }
}  // namespace edgestat
