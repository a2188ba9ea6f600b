// Inputs the libFuzzer targets (tests/fuzz/) found crashing or breaking an
// invariant, each replayed through the same parser with the expected
// outcome, so a fix cannot regress. Add a case per crash: the input
// (minimised, as a C string literal with escapes), the target and the
// parser it reached, and what went wrong.
#include <doctest/doctest.h>

#include <string>
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

// Each input the fuzzer reached, with the one answer it must get: the HTTP
// status (400: not JSON; 422: JSON that is not valid records), the field
// named and the reason. A change of outcome is a change of API, so it is
// pinned exactly, not "400 or 422".
struct RecordCase {
  std::string_view body;
  int status;
  std::string_view field;
  std::string_view reason;
};

TEST_CASE("test_fuzz_regressions: hostile records bodies get one exact status, field and reason") {
  static const RecordCase kCases[] = {
      // fuzz_ingest's crash, minimised: a too-deep array of arrays. The
      // outer array is the list of records; its first element is not one.
      {"[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]"sv, 422, "records[0]", "must be an object"},
      // The same with the seed's leading NUL byte: not JSON at all.
      {"\0[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]"sv, 400, "body", "syntax error at byte 0"},
      {""sv, 400, "body", "truncated input at byte 0"},
      {"[]"sv, 422, "body", "the array holds no records"},
      {"1"sv, 422, "body", "must be a JSON object or an array of objects"},
      {"[{}"sv, 422, "records[0].operation_type", "required"},
      {"{\"operation_type\":\"http\",\"operation_name\":\"a\",\"duration_ms\":1} x"sv, 400, "body",
       "data after the JSON value at byte 63"},
  };
  static OperationRecord scratch;
  for (const RecordCase& c : kCases) {
    RecordError err;
    ParseResult r = parse_operation_records(c.body, &scratch, nullptr, nullptr, &err, test::default_personal_keys());
    std::string got = std::to_string(err.status) + " " + std::string(err.field.view()) + ": " + std::string(err.reason.view());
    INFO("body: ", std::string(c.body), " -> ", got);
    CHECK_FALSE(r.ok);
    CHECK(err.status == c.status);
    CHECK(err.field.view() == c.field);
    CHECK(err.reason.view() == c.reason);
  }
}
