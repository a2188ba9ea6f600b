#include "core/log.hpp"

#include <unistd.h>

#include "core/civil_time.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"

namespace edgestat {
namespace {

// Below PIPE_BUF so one write(2) to a pipe is atomic between threads.
constexpr size_t kMaxLogLine = 4000;

LogLevel g_level = LogLevel::Info;
LogFormat g_format = LogFormat::Json;
int g_fd = 2;

void put_timestamp(OutBuffer& out) {
  int64_t ns = realtime_ns();
  char buf[kIsoSecondsLen + 5];  // seconds, ".mmm", "Z"
  char* p = put_iso_seconds(buf, civil_from_unix(ns / 1000000000));
  *p++ = '.';
  p = put_digits(p, static_cast<int>(ns / 1000000 % 1000), 3);
  *p++ = 'Z';
  out.put(std::string_view(buf, static_cast<size_t>(p - buf)));
}

// Text values are quoted when they contain blanks or quotes; control bytes
// are escaped so a hostile value cannot forge a second log line.
void put_text_value(OutBuffer& out, std::string_view v) {
  bool quote = v.empty();
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) quote = true;
  if (!quote) {
    out.put(v);
    return;
  }
  out.put('"');
  json_escape(out, v);
  out.put('"');
}

// logfmt as Go's log/slog TextHandler writes it (node_exporter's
// --log.format=logfmt): a value is quoted when it is empty or holds a
// space, '=', '"', a control byte or a byte that is not printable ASCII
// (slog also quotes non-printable runes; quoting all of UTF-8 is as valid),
// and quoting escapes like strconv.Quote.
void put_logfmt_value(OutBuffer& out, std::string_view v) {
  bool quote = v.empty();
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '=' || c == '"' || u < 0x20 || u >= 0x7f) quote = true;
  }
  if (!quote) {
    out.put(v);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.put('"');
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.put("\\\""); break;
      case '\\': out.put("\\\\"); break;
      case '\n': out.put("\\n"); break;
      case '\r': out.put("\\r"); break;
      case '\t': out.put("\\t"); break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out.put("\\x");
          out.put(kHex[u >> 4]);
          out.put(kHex[u & 15]);
        } else {
          out.put(c);
        }
    }
  }
  out.put('"');
}

std::string_view upper_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "INFO";
}

void put_logfmt_line(OutBuffer& out, LogLevel level, std::string_view msg, std::span<const LogField> fields) {
  out.put("time=");
  put_timestamp(out);
  out.put(" level=");
  out.put(upper_level_name(level));
  out.put(" msg=");
  put_logfmt_value(out, msg);
  for (const LogField& f : fields) {
    out.put(' ');
    out.put(f.key);
    out.put('=');
    switch (f.kind) {
      case LogField::Kind::Str: put_logfmt_value(out, f.s); break;
      case LogField::Kind::Int: out.put_i64(f.i); break;
      case LogField::Kind::Dbl: out.put_double(f.d); break;
      case LogField::Kind::Bool: out.put(f.i ? "true" : "false"); break;
    }
  }
}

}  // namespace

void log_configure(LogLevel level, LogFormat format, int fd) {
  g_level = level;
  g_format = format;
  g_fd = fd;
}

bool log_enabled(LogLevel level) { return level >= g_level; }

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

void log_write(LogLevel level, std::string_view msg, std::span<const LogField> fields) {
  if (!log_enabled(level)) return;
  char buf[kMaxLogLine + 1];
  OutBuffer out(buf, kMaxLogLine);
  if (g_format == LogFormat::Json) {
    JsonWriter w(out);
    w.begin_object();
    char ts[40];
    OutBuffer tsb(ts, sizeof ts);
    put_timestamp(tsb);
    w.field("ts", tsb.view());
    w.field("level", log_level_name(level));
    w.field("msg", msg);
    for (const LogField& f : fields) {
      switch (f.kind) {
        case LogField::Kind::Str: w.field(f.key, f.s); break;
        case LogField::Kind::Int: w.field_i64(f.key, f.i); break;
        case LogField::Kind::Dbl: w.field_double(f.key, f.d); break;
        case LogField::Kind::Bool: w.field(f.key, f.i != 0); break;
      }
    }
    w.end_object();
  } else if (g_format == LogFormat::Logfmt) {
    put_logfmt_line(out, level, msg, fields);
  } else {
    put_timestamp(out);
    out.put(' ');
    out.put(log_level_name(level));
    out.put(' ');
    json_escape(out, msg);
    for (const LogField& f : fields) {
      out.put(' ');
      out.put(f.key);
      out.put('=');
      switch (f.kind) {
        case LogField::Kind::Str: put_text_value(out, f.s); break;
        case LogField::Kind::Int: out.put_i64(f.i); break;
        case LogField::Kind::Dbl: out.put_double(f.d); break;
        case LogField::Kind::Bool: out.put(f.i ? "true" : "false"); break;
      }
    }
  }
  if (out.overflowed()) {
    // A line that does not fit is cut and marked rather than dropped; JSON
    // consumers get a line that says so instead of a broken object.
    out.clear();
    JsonWriter w(out);
    w.begin_object();
    w.field("level", log_level_name(level));
    w.field("msg", msg.substr(0, 200));
    w.field("log_truncated", true);
    w.end_object();
  }
  size_t n = out.size();
  buf[n++] = '\n';
  const char* p = buf;
  while (n > 0) {
    ssize_t w = ::write(g_fd, p, n);
    if (w <= 0) break;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace edgestat
