#include "scale/policy_types.hpp"

namespace edgestat::scale {

std::string_view resource_name(Resource r) { return r == Resource::Cpu ? "cpu" : "memory"; }

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::Up: return "up";
    case Direction::Down: return "down";
    default: return "none";
  }
}

std::string_view mode_name(Mode m) {
  switch (m) {
    case Mode::Off: return "off";
    case Mode::On: return "on";
    default: return "recommend";
  }
}

std::string_view skip_name(Skip s) {
  constexpr std::string_view kNames[kSkipReasons] = {
      "none",    "no_sample", "warming_up", "cooldown",  "host_reserve",    "at_bound", "memory_pressure",
      "stopped", "locked",    "restarted",  "busy",      "actuator_failed", "unlimited"};
  auto i = static_cast<size_t>(s);
  return i < kSkipReasons ? kNames[i] : "none";
}

}  // namespace edgestat::scale
