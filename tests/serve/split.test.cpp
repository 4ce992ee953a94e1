#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/serve/split.hpp"

using Catch::Matchers::Contains;
using gbench::serve::split;
namespace serve = gbench::serve;

namespace {

std::vector<std::string> names(const std::vector<split>& splits) {
  std::vector<std::string> out;
  for (const auto& s : splits) {
    out.push_back(serve::name_of(s));
  }
  return out;
}

gbench::config::model_spec mlp(std::int64_t hidden) {
  gbench::config::model_spec m;
  m.name = "wide";
  m.input_shape = {1024};
  m.hidden = {hidden};
  m.outputs = 10;
  return m;
}

} // namespace

TEST_CASE("serve: --split auto is every P x T over the divisors of the CPUs, fewest processes first", "[serve]") {
  CHECK(names(serve::parse_splits("auto", 16)) == std::vector<std::string>{"1x16", "2x8", "4x4", "8x2", "16x1"});
  CHECK(names(serve::parse_splits("auto", 2)) == std::vector<std::string>{"1x2", "2x1"});
  CHECK(names(serve::parse_splits("auto", 6)) == std::vector<std::string>{"1x6", "2x3", "3x2", "6x1"});
  CHECK(names(serve::parse_splits("auto", 1)) == std::vector<std::string>{"1x1"});
  CHECK(names(serve::parse_splits("auto", 7)) == std::vector<std::string>{"1x7", "7x1"});
  for (const auto& s : serve::parse_splits("auto", 12)) {
    CHECK(s.processes * s.threads == 12);
  }
}

TEST_CASE("serve: an explicit split list is kept in order, one beyond the CPUs or malformed is refused", "[serve]") {
  CHECK(names(serve::parse_splits("2x1,1x2", 2)) == std::vector<std::string>{"2x1", "1x2"});
  CHECK(names(serve::parse_splits("1x1", 4)) == std::vector<std::string>{"1x1"}); // fewer CPUs than allowed is fine
  CHECK_THROWS_WITH(serve::parse_splits("3x1", 2),
                    Contains("--split 3x1: 3 processes of 1 thread need 3 CPUs of their own, but this run may use 2"));
  CHECK_THROWS_WITH(serve::parse_splits("2y1", 2), Contains("'2y1' is not PROCESSESxTHREADS"));
  CHECK_THROWS_WITH(serve::parse_splits("0x2", 2), Contains("is not PROCESSESxTHREADS"));
  CHECK_THROWS_WITH(serve::parse_splits("2x1,2x1", 2), Contains("2x1 is given twice"));
  CHECK_THROWS_AS(serve::parse_splits("1x2,", 2), gbench::input_error);
}

TEST_CASE("serve: every worker gets CPUs of its own, neighbours together, disjoint, from the preferred ones",
          "[serve]") {
  const std::vector<int> order{7, 6, 5, 4, 3, 2, 1, 0}; // least busy first
  for (const auto& s : serve::parse_splits("auto", 8)) {
    const auto sets = serve::assign_cpus(s, order);
    REQUIRE(sets.size() == static_cast<std::size_t>(s.processes));
    std::set<int> seen;
    for (const auto& cpus : sets) {
      CHECK(cpus.size() == static_cast<std::size_t>(s.threads));
      CHECK(std::is_sorted(cpus.begin(), cpus.end()));
      for (const int c : cpus) {
        CHECK(seen.insert(c).second); // disjoint
      }
    }
    CHECK(seen.size() == 8);
  }
  CHECK(serve::assign_cpus({4, 2}, order) == std::vector<std::vector<int>>{{0, 1}, {2, 3}, {4, 5}, {6, 7}});
  // A split of fewer CPUs takes the preferred ones.
  CHECK(serve::assign_cpus({2, 1}, order) == std::vector<std::vector<int>>{{6}, {7}});
  CHECK(serve::assign_cpus({2, 2}, {1, 0, 3, 2, 5, 4}) == std::vector<std::vector<int>>{{0, 1}, {2, 3}});
  // --cpus none: nobody is pinned.
  CHECK(serve::assign_cpus({2, 1}, {}) == std::vector<std::vector<int>>{{}, {}});
}

TEST_CASE("serve: every worker runs with the AWS Graviton guide's OpenMP settings for its threads", "[serve]") {
  const auto env = serve::split_environment({4, 2});
  CHECK(env.at("OMP_NUM_THREADS") == "2");
  CHECK(env.at("OMP_PROC_BIND") == "false");
  CHECK(env.at("OMP_PLACES") == "cores");
}

TEST_CASE("serve: P copies of the model must fit, the refusal gives the figures and the fix", "[serve]") {
  const auto m = mlp(65536); // 1024 x 65536 + 65536 x 10 floats: about 0.25 GiB of weights
  const auto one = m.estimate_bytes(1) + serve::process_allowance_bytes;
  CHECK(serve::split_bytes({4, 1}, m, 1) == 4 * one);
  CHECK_NOTHROW(serve::check_split_memory({2, 1}, m, 1, 2 * one));
  CHECK_NOTHROW(serve::check_split_memory({16, 1}, m, 1, 0)); // unknown memory: nothing to check against
  try {
    serve::check_split_memory({3, 1}, m, 1, 2 * one);
    FAIL("a split that does not fit was not refused");
  } catch (const gbench::memory_error& e) {
    CHECK(e.code() == gbench::exit_code::out_of_memory);
    CHECK_THAT(e.what(), Contains("--split 3x1: 3 copies of model 'wide' at batch 1 need about") &&
                             Contains("of memory is available") && Contains("give at most 2 processes"));
  }
  CHECK_THROWS_WITH(serve::check_split_memory({1, 1}, m, 1, one / 2), Contains("not even one copy fits"));
}
