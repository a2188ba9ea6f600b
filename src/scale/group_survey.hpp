#pragma once
// What exists in an lxcpath, as a scaling group needs to know it: every
// container's name and static addresses (no clone may reuse one) and which
// containers carry this group's marker (clone_config.hpp), with their
// sequence numbers. Blocking file reads: run on the writer thread through
// the job mailbox, never on the loop. Also the clone config write, for the
// same reason.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"
#include "scale/clone_config.hpp"

namespace edgestat::scale {

struct SurveyEntry {
  FixedString<64> name;
  bool own = false;     // carries this group's marker
  int64_t seq = -1;     // the marker's sequence number
  uint32_t address[2] = {0, 0};  // static IPv4 addresses in its config
};

struct GroupSurvey {
  // Containers in one lxcpath that a survey records; beyond it the survey
  // fails (the group then does not act: it could miss an address in use).
  static constexpr size_t kMaxEntries = 256;
  // A container config larger than this is not one lxc-copy wrote.
  static constexpr size_t kConfigBytes = 64 * 1024;
  SurveyEntry entries[kMaxEntries];
  size_t n = 0;
  Status status;

  const SurveyEntry* find(std::string_view name) const;
  bool address_used(uint32_t a) const;
};

// Lists lxcpath/*/config and fills out (buf: kConfigBytes of scratch).
void survey_lxcpath(const char* lxcpath, std::string_view group, GroupSurvey* out, char* buf);

// Rewrites lxcpath/name/config with s (clone_config.hpp) durably: temp,
// fsync, rename, fsync the directory. buf and out: kConfigBytes each.
Status write_clone_config(const char* lxcpath, std::string_view name, const CloneSettings& s, char* buf, char* out);

}  // namespace edgestat::scale
