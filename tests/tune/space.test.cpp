// tune/space: the search space as data: inert knobs pruned with the doctor's reason, stages in the order the
// groups are declared, combinations named and made presets.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/tune/space.hpp"
#include "tune/space_file.hpp"

using Catch::Matchers::Contains;
using gbench_test::catalog_of;
using gbench_test::facts;
using gbench_test::space_file;

TEST_CASE("space: inert knobs are pruned with the doctor's reason, unset comes first", "[tune][space]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(
      c, facts({{"MIN_DIM", false, "read only by aarch64 LibTorch builds with ACL"}, {"FAST", true, "acts here"}}));
  std::vector<std::string> names;
  for (const auto& d : space.dimensions) {
    names.push_back(d.name);
  }
  CHECK(names == std::vector<std::string>{"FAST", "STEP", "threads", "matmul_precision"}); // file order
  REQUIRE(space.pruned.size() == 1);
  CHECK(space.pruned[0].name == "MIN_DIM");
  CHECK_THAT(space.pruned[0].reason, Contains("inert here") && Contains("aarch64"));
  // threads 4 is LibTorch's own count here, and matmul precision highest its default: the same as unset.
  CHECK(space.dimensions[2].values == std::vector<std::string>{"", "1", "2"});
  CHECK(space.dimensions[3].values == std::vector<std::string>{"", "medium"});
  CHECK(space.dimensions[0].verdict == "effective");
  CHECK(space.dimensions[1].verdict == "no verdict");
  CHECK(space.grid_points() == 2 * 4 * 2 * 3);
  CHECK(space.groups() == std::vector<std::string>{"math", "STEP", "threads"});
  // One group varied on top of a base; names and presets follow the assignment.
  const auto math = gbench::tune::combinations(space, {{"threads", "1"}}, "math");
  REQUIRE(math.size() == 4);
  CHECK(gbench::tune::name_of(space, math[0]) == "threads=1");
  CHECK(gbench::tune::name_of(space, math[3]) == "FAST=ON threads=1 matmul_precision=medium");
  const auto p = gbench::tune::preset_of(space, math[3], "x");
  CHECK(p.env.at("FAST") == "ON");
  CHECK(p.settings.matmul_precision == "medium");
  CHECK(p.settings.threads == 1);
  CHECK(gbench::tune::name_of(space, {}) == "default");
}

TEST_CASE("space: stages follow the declarations, whatever this host prunes", "[tune][space]") {
  // FAST, the first math knob declared, is inert here: math is still raced first (matmul_precision), not after
  // the groups declared later (on x86 the fast-math knob is inert and memory used to go first).
  const auto space = gbench::tune::build_space(catalog_of(space_file),
                                               facts({{"FAST", false, "fp32 linear goes to mkl"},
                                                      {"MIN_DIM", false, "read only by aarch64 LibTorch builds"}}));
  CHECK(space.groups() == std::vector<std::string>{"math", "STEP", "threads"});
}

TEST_CASE("space: nothing to search, or an unknown --knobs name, is an input error", "[tune][space]") {
  const auto c = catalog_of(space_file);
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts({{"FAST", false, "x86: never reaches oneDNN"}}), {"FAST"}),
                    Contains("nothing to search") && Contains("FAST (inert here: x86: never reaches oneDNN)"));
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts(), {"NOPE"}), Contains("--knobs: 'NOPE' has no candidates"));
  CHECK_THROWS_AS(gbench::tune::build_space(c, facts(), {"NOPE"}), gbench::input_error);
}
