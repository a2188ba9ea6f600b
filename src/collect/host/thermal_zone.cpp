// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_thermal_zone(CollectContext&) { return Status::error("thermal_zone: not implemented yet"); }
}  // namespace edgestat
