#pragma once
// One log line per event on stderr: a JSON object (ts, level, msg, then the
// fields) for procd and journald, human text with --log.format=text, or
// node_exporter's logfmt (time=... level=INFO msg=...) with --log.format=logfmt.
// Each line is formatted on the stack and written with one write(2), so the
// loop and writer threads can log without locks or allocation.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <type_traits>

namespace edgestat {

enum class LogLevel : uint8_t { Debug, Info, Warn, Error };
enum class LogFormat : uint8_t { Json, Text, Logfmt };

struct LogField {
  enum class Kind : uint8_t { Str, Int, Dbl, Bool };
  std::string_view key;
  Kind kind;
  std::string_view s;
  int64_t i = 0;
  double d = 0;

  LogField(std::string_view k, std::string_view v) : key(k), kind(Kind::Str), s(v) {}
  LogField(std::string_view k, const char* v) : key(k), kind(Kind::Str), s(v) {}
  LogField(std::string_view k, bool v) : key(k), kind(Kind::Bool), i(v) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogField(std::string_view k, T v) : key(k), kind(Kind::Int), i(static_cast<int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), kind(Kind::Dbl), d(v) {}
};

void log_configure(LogLevel level, LogFormat format, int fd = 2);
bool log_enabled(LogLevel level);
void log_write(LogLevel level, std::string_view msg, std::span<const LogField> fields);
// The usual form: log_info("msg", {{"key", value}, ...}). The span form
// serves a line whose fields vary (a prefix of an array).
inline void log_write(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  log_write(level, msg, std::span<const LogField>(fields.begin(), fields.size()));
}

std::string_view log_level_name(LogLevel level);

inline void log_debug(std::string_view m, std::initializer_list<LogField> f = {}) { log_write(LogLevel::Debug, m, f); }
inline void log_info(std::string_view m, std::initializer_list<LogField> f = {}) { log_write(LogLevel::Info, m, f); }
inline void log_warn(std::string_view m, std::initializer_list<LogField> f = {}) { log_write(LogLevel::Warn, m, f); }
inline void log_error(std::string_view m, std::initializer_list<LogField> f = {}) { log_write(LogLevel::Error, m, f); }

}  // namespace edgestat
