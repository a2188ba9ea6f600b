#pragma once
// Reading the audit file back (audit_log.hpp writes it): at start the
// autoscaler scans it for actions written "intended" and never finished
// ("done" or "failed" with the same token), and reconciles each with what
// the containers really are instead of acting again.
//
// The file is never trusted to be whole: a line that is not a complete
// record (a torn last line after a crash, a hand edit, a disk error) is
// skipped and counted, and the caller logs it; it never stops the agent. A
// torn line cannot hide an action that ran: an action runs only after its
// line is durable, and a durable line is whole.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/status.hpp"
#include "scale/audit_log.hpp"

namespace edgestat::scale {

struct AuditRecord {
  AuditToken token;
  FixedString<32> action;
  FixedString<64> target;
  AuditState state = AuditState::Intended;
  FixedString<AuditLog::kLineBytes> params;  // the params object's JSON text
  FixedString<256> reason;
  uint64_t line = 0;      // 1-based line number in its file
  bool previous = false;  // the line is in NAME.1, the older generation
};

// Parses one line (without its newline) into r. False, with *why a static
// sentence, for anything that is not a whole record: not JSON, a missing
// or mistyped member, an unknown state, a value longer than its field.
bool parse_audit_line(std::string_view line, AuditRecord* r, const char** why);

// A string member of a params object ("address", "base"...), unescaped
// into out. False when absent, not a string, or longer than cap.
bool audit_param(std::string_view params, std::string_view key, char* out, size_t cap, size_t* len);
// An integer member (a sequence number); false when absent or not one.
bool audit_param_i64(std::string_view params, std::string_view key, int64_t* v);
// A number member (a limit in cores or bytes); false when absent or not one.
bool audit_param_f64(std::string_view params, std::string_view key, double* v);

struct AuditScan {
  uint64_t lines = 0;      // lines seen, torn tail included
  uint64_t records = 0;    // lines that parsed
  uint64_t corrupt = 0;    // lines skipped
  uint64_t first_corrupt_line = 0;
  const char* first_corrupt_why = "";
  bool first_corrupt_previous = false;  // first_corrupt_line is in NAME.1
  bool torn_tail = false;  // the last line had no newline (a write cut short)
  uint64_t unfinished_overflow = 0;  // unfinished actions beyond the caller's table
};

using AuditVisitFn = void (*)(void* ctx, const AuditRecord& r);

// Reads path's previous generation (path + ".1", see AuditLog) and then
// path, in fixed chunks, and calls visit for each record in the order it
// was written. A missing file is an empty one. An error only when a file
// exists and cannot be read.
Status scan_audit_file(const char* path, AuditVisitFn visit, void* ctx, AuditScan* stats);

// The unfinished actions in file order: intended lines with no later done
// or failed line for their token. Fills out[0..cap) and returns the count;
// more than cap are counted in stats->unfinished_overflow.
size_t find_unfinished(const char* path, AuditRecord* out, size_t cap, AuditScan* stats, Status* st);

}  // namespace edgestat::scale
