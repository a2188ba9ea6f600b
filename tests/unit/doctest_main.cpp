// The one main() for all unit tests; each test_<module>.cpp holds cases.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
