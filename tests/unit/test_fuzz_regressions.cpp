// Inputs the libFuzzer targets (tests/fuzz/) found crashing or breaking an
// invariant, each replayed through the same parser with the expected
// outcome, so a fix cannot regress. Add a case per crash: the input
// (minimised, as a C string literal with escapes), the target and the
// parser it reached, and what went wrong.
#include <doctest/doctest.h>

#include <string_view>

using namespace std::string_view_literals;
