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

namespace {


const char* const precision_file = R"({
  "knobs": {
    "FAST": { "description": "a math knob", "values": ["ON"], "candidates": ["ON"], "group": "math" },
    "CACHE": { "description": "a cache knob", "integer": true, "candidates": ["1024"], "group": "cache" }
  },
  "search": {
    "threads": { "candidates": ["1"], "group": "threads" },
    "weights_dtype": { "candidates": ["f32", "bf16", "int8-dynamic", "int8", "int4"], "group": "precision" }
  },
  "presets": [ { "name": "default", "env": {} } ]
})";

gbench::tune::space_facts precision_facts(std::vector<gbench::record::knob_verdict> verdicts) {
  gbench::tune::space_facts f;
  f.verdicts = std::move(verdicts);
  f.cores = 2;
  f.default_threads = 2;
  return f;
}

const gbench::tune::dimension& dimension(const gbench::tune::search_space& space, const std::string& name) {
  for (const auto& d : space.dimensions) {
    if (d.name == name) {
      return d;
    }
  }
  FAIL("no dimension " << name);
  return space.dimensions.front();
}

} // namespace

TEST_CASE("precision: each inert value of weights_dtype is left out with the doctor's reason", "[tune][space]") {
  // x86 without KleidiAI and without bf16 instructions (AVX2): int8 and int4 cannot act, bf16 is emulated.
  const auto space = gbench::tune::build_space(
      catalog_of(precision_file),
      precision_facts({{"FAST", true, "acts"},
             {"weights_dtype", false, "emulated: this CPU has no bf16 instructions"},
             {"weights_dtype=int8-dynamic", true, "quantized::linear_dynamic"},
             {"weights_dtype=int8", false, "int8 weights with bf16 activations need bf16 instructions"},
             {"weights_dtype=int4", false, "no KleidiAI in this LibTorch"}}));
  const auto& w = dimension(space, "weights_dtype");
  // f32 is the same as unset; only int8-dynamic is left to try.
  CHECK(w.values == std::vector<std::string>{"", "int8-dynamic"});
  std::vector<std::string> pruned;
  for (const auto& p : space.pruned) {
    pruned.push_back(p.name + ": " + p.reason);
  }
  REQUIRE(pruned.size() == 3);
  CHECK_THAT(pruned[0], Contains("weights_dtype=bf16: inert here: emulated"));
  CHECK_THAT(pruned[1], Contains("weights_dtype=int8: inert here: int8 weights with bf16 activations"));
  CHECK_THAT(pruned[2], Contains("weights_dtype=int4: inert here: no KleidiAI"));
  // The precision stage comes right after math, before the groups declared earlier than it.
  CHECK(space.groups() == std::vector<std::string>{"math", "precision", "cache", "threads"});
  const auto p = gbench::tune::preset_of(space, {{"weights_dtype", "int8-dynamic"}}, "x");
  CHECK(p.settings.weights_dtype == "int8-dynamic");
  CHECK(gbench::tune::name_of(space, {{"weights_dtype", "int8-dynamic"}}) == "weights_dtype=int8-dynamic");
}

TEST_CASE("precision: every value inert is said as such, and --knobs weights_dtype alone then has nothing",
          "[tune][space]") {
  const auto c = catalog_of(precision_file);
  const std::vector<gbench::record::knob_verdict> none_act{{"weights_dtype", false, "emulated"},
                                                             {"weights_dtype=int8-dynamic", false, "no engine"},
                                                             {"weights_dtype=int8", false, "no bf16"},
                                                             {"weights_dtype=int4", false, "no KleidiAI"}};
  const auto space = gbench::tune::build_space(c, precision_facts(none_act));
  const auto it = std::find_if(space.pruned.begin(), space.pruned.end(),
                               [](const gbench::tune::pruned_dimension& d) { return d.name == "weights_dtype"; });
  REQUIRE(it != space.pruned.end());
  CHECK_THAT(it->reason, Contains("every candidate is inert here"));
  CHECK_THROWS_WITH(gbench::tune::build_space(c, precision_facts(none_act), {"weights_dtype"}),
                    Contains("nothing to search") && Contains("weights_dtype=int4 (inert here: no KleidiAI)"));
}

TEST_CASE("precision: values without a verdict are searched", "[tune][space]") {
  const auto space = gbench::tune::build_space(catalog_of(precision_file), precision_facts({}), {"weights_dtype"});
  CHECK(dimension(space, "weights_dtype").values ==
        std::vector<std::string>{"", "bf16", "int8-dynamic", "int8", "int4"});
  CHECK(space.pruned.empty());
}
