// Inputs the libFuzzer targets (tests/fuzz/) found crashing or breaking an
// invariant, each replayed through the same parser with the expected
// outcome, so a fix cannot regress. Add a case per crash: the input
// (minimised, as a C string literal with escapes), the target and the
// parser it reached, and what went wrong.
#include <doctest/doctest.h>

#include <string_view>

using namespace std::string_view_literals;

#include "core/fixed_string.hpp"
#include "ingest/record.hpp"
#include "../lib/personal_keys.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

// fuzz_ingest, seed-derived input "\0" + 18 x '[' + "1" + 18 x ']': the
// record parser refused the too-deep array and built its error field from
// an empty std::string_view, whose data() is null, and FixedString::append
// passed that null to memcpy (UBSan: "null pointer passed as argument 2,
// which is declared to never be null", src/core/fixed_string.hpp:27).
// Fixed in FixedString::append (empty views return early); the ASan+UBSan
// build (make test-asan) turns a regression into a failure here.
TEST_CASE("test_fuzz_regressions: FixedString takes an empty view with a null pointer") {
  FixedString<8> s;
  CHECK(s.append(std::string_view()));
  CHECK(s.assign(std::string_view()));
  CHECK(s.empty());
  CHECK(s.append("ab"));
  CHECK(s.append(std::string_view()));
  CHECK(s.view() == "ab");
  CHECK_FALSE(s.overflowed());
}

TEST_CASE("test_fuzz_regressions: a too-deep records body is refused with a field and a reason") {
  static OperationRecord scratch;
  RecordError err;
  ParseResult r = parse_operation_records("[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]"sv, &scratch, nullptr,
                                                  nullptr, &err, test::default_personal_keys());
  CHECK_FALSE(r.ok);
  CHECK((err.status == 400 || err.status == 422));
  CHECK_FALSE(err.field.empty());
  CHECK_FALSE(err.reason.empty());
}
