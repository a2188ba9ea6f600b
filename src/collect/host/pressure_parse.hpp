#pragma once
// Pure parser for the pressure stall information files /proc/pressure/
// {cpu,io,memory} (Documentation/accounting/psi.rst):
//   some avg10=0.12 avg60=0.05 avg300=0.21 total=4109525
//   full avg10=0.00 avg60=0.01 avg300=0.17 total=3591814
// total is cumulative stall time in microseconds.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct PsiTotals {
  bool has_some = false, has_full = false;
  uint64_t some_total = 0, full_total = 0;  // microseconds
};

// Parses a whole PSI file. A "some" or "full" line must read
// "avg10=F avg60=F avg300=F total=N" in that order (what procfs's Sscanf
// format demands; trailing tokens are ignored as Sscanf ignores them); if
// one does not, or total does not fit 64 bits, the file is refused (false).
// Lines with other prefixes are ignored, as procfs ignores them, so a new
// kind of line does not break collection. A repeated line: the last wins.
bool parse_psi(std::string_view text, PsiTotals* out);

// node_exporter's conversion, float64(total)/1000.0/1000.0, kept as two
// divisions so the last bit of every value matches node_exporter's.
inline double psi_seconds(uint64_t us) { return static_cast<double>(us) / 1000.0 / 1000.0; }

}  // namespace edgestat
