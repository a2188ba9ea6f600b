// A doctest executable built like tests/unit: -fno-exceptions -fno-rtti,
// but linked with the C++ runtime (doctest's reporters use iostream).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <charconv>
#include <string_view>

TEST_CASE("header-only std works on the target") {
    std::array<char, 16> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), 123456789u);
    CHECK(std::string_view(buf.data(), static_cast<size_t>(r.ptr - buf.data())) == "123456789");
    unsigned long long v = 0;
    std::string_view s = "18446744073709551615";
    auto p = std::from_chars(s.data(), s.data() + s.size(), v);
    CHECK(p.ec == std::errc{});
    CHECK(v == 18446744073709551615ull);
}

TEST_CASE("64-bit arithmetic on 32-bit targets") {
    volatile unsigned long long a = 0xFFFFFFFFull;
    CHECK(a * a == 0xFFFFFFFE00000001ull);
    CHECK(static_cast<unsigned long long>(a) / 7 == 613566756ull);
}
