// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_pressure(CollectContext&) { return Status::error("pressure: not implemented yet"); }
}  // namespace edgestat
