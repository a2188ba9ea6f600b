#include "scale/audit_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/number.hpp"
#include "ingest/json_reader.hpp"

namespace edgestat::scale {
namespace {

using ingest::JsonReader;
using ingest::JsonTok;
using ingest::JsonToken;

// Audit lines are at most AuditLog::kLineBytes; the scan reads this much at
// a time and keeps a partial line across reads.
constexpr size_t kScanBytes = 2 * AuditLog::kLineBytes;

template <size_t N>
bool unescape_into(const JsonToken& t, FixedString<N>* out) {
  char buf[N];
  size_t len = 0;
  if (!ingest::json_unescape(t.text, buf, N, &len)) return false;
  return out->assign(std::string_view(buf, len));
}

bool parse_state(std::string_view s, AuditState* st) {
  if (s == "intended") *st = AuditState::Intended;
  else if (s == "done") *st = AuditState::Done;
  else if (s == "failed") *st = AuditState::Failed;
  else if (s == "unconfirmed") *st = AuditState::Unconfirmed;
  else if (s == "abandoned") *st = AuditState::Abandoned;
  else return false;
  return true;
}

// Reads the object value whose BeginObject token b was just returned and
// sets *end to the offset just past its closing brace.
bool object_extent(JsonReader& r, const JsonToken& b, size_t* end) {
  const int target = r.depth() - 1;
  JsonToken x;
  while (r.depth() > target) {
    JsonTok k = r.next(&x);
    if (k == JsonTok::Error || k == JsonTok::End) return false;
  }
  (void)b;
  *end = x.offset + 1;
  return true;
}

// Finds key's value token in a flat JSON object; false when absent.
bool find_member(std::string_view obj, std::string_view key, JsonToken* val) {
  JsonReader r(obj);
  JsonToken t;
  if (r.next(&t) != JsonTok::BeginObject) return false;
  for (;;) {
    JsonTok k = r.next(&t);
    if (k != JsonTok::Key) return false;
    char name[64];
    size_t len = 0;
    bool match = ingest::json_unescape(t.text, name, sizeof name, &len) && std::string_view(name, len) == key;
    if (r.next(val) == JsonTok::Error) return false;
    if (match) return true;
    if (!r.skip(*val)) return false;
  }
}

}  // namespace

bool parse_audit_line(std::string_view line, AuditRecord* rec, const char** why) {
  *rec = AuditRecord{};
  JsonReader r(line);
  JsonToken t;
  if (r.next(&t) != JsonTok::BeginObject) {
    *why = "not a JSON object";
    return false;
  }
  bool have_token = false, have_action = false, have_target = false, have_state = false;
  for (;;) {
    JsonTok k = r.next(&t);
    if (k == JsonTok::EndObject) break;
    if (k != JsonTok::Key) {
      *why = "not a whole JSON object (cut short or malformed)";
      return false;
    }
    std::string_view key = t.text;
    JsonToken v;
    JsonTok vk = r.next(&v);
    if (vk == JsonTok::Error) {
      *why = "not a whole JSON object (cut short or malformed)";
      return false;
    }
    if (key == "params") {
      size_t end = 0;
      if (vk != JsonTok::BeginObject || !object_extent(r, v, &end) ||
          !rec->params.assign(line.substr(v.offset, end - v.offset))) {
        *why = "params is not an object of at most 1 KiB";
        return false;
      }
      continue;
    }
    bool is_str = vk == JsonTok::String;
    bool ok = true;
    if (key == "token") ok = is_str && unescape_into(v, &rec->token), have_token = ok;
    else if (key == "action") ok = is_str && unescape_into(v, &rec->action), have_action = ok;
    else if (key == "target") ok = is_str && unescape_into(v, &rec->target), have_target = ok;
    else if (key == "reason") ok = is_str && unescape_into(v, &rec->reason);
    else if (key == "state") {
      FixedString<16> s;
      ok = is_str && unescape_into(v, &s) && parse_state(s.view(), &rec->state);
      have_state = ok;
    } else {
      ok = r.skip(v);  // ts and anything a later version adds
    }
    if (!ok) {
      *why = "a member has the wrong type or is too long";
      return false;
    }
  }
  if (r.next(&t) != JsonTok::End) {
    *why = "bytes after the JSON object";
    return false;
  }
  if (!have_token || !have_action || !have_target || !have_state || rec->token.empty()) {
    *why = "missing token, action, target or state";
    return false;
  }
  return true;
}

bool audit_param(std::string_view params, std::string_view key, char* out, size_t cap, size_t* len) {
  JsonToken v;
  if (!find_member(params, key, &v) || v.kind != JsonTok::String) return false;
  return ingest::json_unescape(v.text, out, cap, len);
}

bool audit_param_i64(std::string_view params, std::string_view key, int64_t* out) {
  JsonToken v;
  if (!find_member(params, key, &v) || v.kind != JsonTok::Number) return false;
  std::optional<int64_t> x = parse_i64(v.text);
  if (!x) return false;
  *out = *x;
  return true;
}

bool audit_param_f64(std::string_view params, std::string_view key, double* out) {
  JsonToken v;
  if (!find_member(params, key, &v) || v.kind != JsonTok::Number) return false;
  std::optional<double> x = parse_double(v.text);
  if (!x) return false;
  *out = *x;
  return true;
}

namespace {

// One generation. Line numbers count from 1 in each file; stats add up.
Status scan_one(const char* path, bool previous, AuditVisitFn visit, void* ctx, AuditScan* st) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::ok();
    return Status::error("open audit log %s: %s", path, std::strerror(errno)).with_errno(errno);
  }
  char buf[kScanBytes];
  size_t have = 0;
  uint64_t line = 0;
  bool skipping = false;  // inside a line longer than the buffer
  static AuditRecord rec;  // loop thread only; 1.4 KiB off the stack
  auto take = [&](std::string_view text) {
    ++st->lines;
    ++line;
    const char* why = "line longer than 1 KiB";
    if (!skipping && parse_audit_line(text, &rec, &why)) {
      rec.line = line;
      rec.previous = previous;
      ++st->records;
      visit(ctx, rec);
      return;
    }
    if (st->corrupt++ == 0) {
      st->first_corrupt_line = line;
      st->first_corrupt_why = why;
      st->first_corrupt_previous = previous;
    }
  };
  for (;;) {
    ssize_t n = ::read(fd, buf + have, sizeof buf - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::error("read audit log %s: %s", path, std::strerror(e)).with_errno(e);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
    size_t start = 0;
    for (size_t i = 0; i < have; ++i) {
      if (buf[i] != '\n') continue;
      take(std::string_view(buf + start, i - start));
      skipping = false;
      start = i + 1;
    }
    std::memmove(buf, buf + start, have - start);
    have -= start;
    if (have == sizeof buf) {  // no newline in a whole buffer: skip to the next
      skipping = true;
      have = 0;
    }
  }
  ::close(fd);
  if (have > 0 || skipping) {
    // A torn line can only be NAME's last: open() terminates it before a
    // rotation can move the file to NAME.1.
    st->torn_tail = st->torn_tail || !previous;
    take(std::string_view(buf, have));
  }
  return Status::ok();
}

}  // namespace

Status scan_audit_file(const char* path, AuditVisitFn visit, void* ctx, AuditScan* st) {
  *st = AuditScan{};
  char prev[kAuditPathBytes];
  int n = std::snprintf(prev, sizeof prev, "%s%s", path, kAuditPreviousSuffix);
  if (n < 0 || static_cast<size_t>(n) >= sizeof prev) return Status::error("audit log path too long: %s", path);
  Status s = scan_one(prev, true, visit, ctx, st);
  if (!s) return s;
  return scan_one(path, false, visit, ctx, st);
}

namespace {

struct Pending {
  AuditRecord* out;
  size_t cap, n;
  AuditScan* st;
};

void pending_visit(void* ctx, const AuditRecord& r) {
  Pending* p = static_cast<Pending*>(ctx);
  size_t i = 0;
  while (i < p->n && p->out[i].token.view() != r.token.view()) ++i;
  if (r.state != AuditState::Intended) {
    if (i < p->n) {  // finished: drop it, keeping file order
      for (size_t j = i + 1; j < p->n; ++j) p->out[j - 1] = p->out[j];
      --p->n;
    }
    return;
  }
  if (i < p->n) {
    p->out[i] = r;  // the same token intended again: the later line wins
  } else if (p->n < p->cap) {
    p->out[p->n++] = r;
  } else {
    ++p->st->unfinished_overflow;
  }
}

}  // namespace

size_t find_unfinished(const char* path, AuditRecord* out, size_t cap, AuditScan* st, Status* status) {
  Pending p{out, cap, 0, st};
  *status = scan_audit_file(path, pending_visit, &p, st);
  return p.n;
}

}  // namespace edgestat::scale
