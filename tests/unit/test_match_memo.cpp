// core/match_memo.hpp: a filter's verdict per name, remembered; the same
// verdicts as the regex, each name matched once, a new filter forgets all.
#include "core/match_memo.hpp"

#include <cstdio>
#include <string>

#include "core/regex.hpp"
#include "doctest/doctest.h"

using namespace edgestat;

TEST_CASE("test_match_memo: verdicts equal the regex's, computed once a name") {
  Regex re;
  char err[128];
  REQUIRE(re.compile("^(Tcp_(InSegs|OutSegs)|Udp_.*)$", err, sizeof err));
  static MatchMemo<64> memo;
  int calls = 0;
  auto match = [&](std::string_view k) {
    ++calls;
    return re.match(k);
  };
  const char* names[] = {"Tcp_InSegs", "Tcp_OutSegs", "Tcp_RtoMin", "Udp_InDatagrams", "Ip_Forwarding", "TcpExt_X"};
  for (int round = 0; round < 3; ++round) {
    memo.use_filter("filter one");
    for (const char* n : names) CHECK(memo.get(n, match) == re.match(n));
  }
  CHECK(calls == 6);
  CHECK(memo.size() == 6);
  // A reload with another filter: everything is matched again.
  Regex other;
  REQUIRE(other.compile("^Ip_", err, sizeof err));
  calls = 0;
  memo.use_filter("filter two");
  for (const char* n : names) CHECK(memo.get(n, [&](std::string_view k) { ++calls; return other.match(k); }) == other.match(n));
  CHECK(calls == 6);
}

TEST_CASE("test_match_memo: a full table still answers, without remembering") {
  static MatchMemo<8> memo;  // remembers 6 (three quarters)
  memo.use_filter("f");
  int calls = 0;
  auto even = [&](std::string_view k) {
    ++calls;
    return (k.back() - '0') % 2 == 0;
  };
  char name[8];
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 10; ++i) {
      std::snprintf(name, sizeof name, "n%d", i);
      CHECK(memo.get(name, even) == (i % 2 == 0));
    }
  CHECK(memo.size() == 6);
  CHECK(calls == 10 + 4);  // the four that did not fit are matched every time
}

TEST_CASE("test_match_memo: keys in parts, joined only on a miss") {
  static MatchMemo<64> memo;
  memo.use_filter("parts");
  using M = MatchMemo<64>;
  int joins = 0;
  auto verdict = [&](std::string_view a, std::string_view b) {
    return memo.get_hashed(M::key_hash(b, M::key_hash(a)), [&] {
      ++joins;
      return std::string(a) + "_" + std::string(b) == "Tcp_InSegs";
    });
  };
  for (int round = 0; round < 3; ++round) {
    CHECK(verdict("Tcp", "InSegs"));
    CHECK_FALSE(verdict("Tcp", "OutSegs"));
  }
  CHECK(joins == 2);
  // The same bytes split in another place, or a different length, are
  // other keys.
  CHECK(M::key_hash("InSegs", M::key_hash("Tcp")) != M::key_hash("pInSegs", M::key_hash("Tc")));
  CHECK(M::key_hash("TcpInSegs") != M::key_hash("InSegs", M::key_hash("Tcp")));
  CHECK(M::key_hash(std::string_view("ab\0", 3)) != M::key_hash("ab"));
  CHECK(M::key_hash("node_netstat_Tcp_InSegs") != M::key_hash("node_netstat_Tcp_InSegz"));
}
