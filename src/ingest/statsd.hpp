#pragma once
// StatsD and DogStatsD line grammar, as a pure parser:
//
//   <name>:<value>|<type>[|@<sample rate>][|#<tag>[:<value>][,<tag>...]]
//
// types c (counter), g (gauge; a leading + or - makes it a delta), ms
// (timer, milliseconds), h (histogram), d (distribution), s (set). A
// datagram holds several lines separated by '\n'; each line is parsed on
// its own so one malformed line never costs the others. DogStatsD's
// container-id (|c:...) and timestamp (|T...) fields are accepted and
// ignored. Views in the result point into the caller's datagram.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::ingest {

enum class StatsdType : uint8_t { Counter, Gauge, Timer, Histogram, Distribution, Set };
std::string_view statsd_type_name(StatsdType t);

// Why a line was refused: the `reason` label of
// edgestat_statsd_malformed_total. Keep statsd_error_name() in step.
enum class StatsdError : uint8_t {
  None,
  TooLong,         // line longer than kMaxStatsdLine
  BadName,         // empty, too long, or holds a reserved or control byte
  NoValue,         // no ':' or no '|' after the value
  BadValue,        // not a finite number (or negative timer), empty set member
  BadType,         // unknown type letter(s)
  BadSampleRate,   // not a number in (0, 1]
  BadTags,         // empty tag name, too many tags, or a control byte
  BadField,        // an unknown |field
  // Not grammar, decided by the receiver:
  PersonalData,    // the name or a tag key names personal data (record.hpp)
  Truncated,       // the datagram was longer than the receive buffer: its cut last line
  TooLarge,        // the timer's record does not fit [store] record_bytes
};
inline constexpr size_t kStatsdErrorCount = 12;
std::string_view statsd_error_name(StatsdError e);

// Longest line accepted: names are capped far below, so anything longer is
// garbage or an attack and is refused whole.
inline constexpr size_t kMaxStatsdLine = 4096;
// Metric names become label values and aggregation keys.
inline constexpr size_t kMaxStatsdName = 128;
// Tags per line; more is refused (BadTags) rather than silently cut.
inline constexpr size_t kMaxStatsdTags = 8;

struct StatsdTag {
  std::string_view key;
  std::string_view value;  // empty for a bare tag ("#canary")
};

struct StatsdLine {
  std::string_view name;
  std::string_view value_text;  // the raw value (set members are strings)
  double value = 0;             // numeric types
  bool delta = false;           // gauge with a leading sign
  StatsdType type = StatsdType::Counter;
  double sample_rate = 1;
  uint32_t ntags = 0;
  StatsdTag tags[kMaxStatsdTags];
};

StatsdError parse_statsd_line(std::string_view line, StatsdLine* out);

// Splits a datagram into lines: returns the next line (without '\n' and a
// trailing '\r') and advances *rest; empty lines are skipped. False when
// nothing is left.
bool next_statsd_line(std::string_view* rest, std::string_view* line);

}  // namespace edgestat::ingest
