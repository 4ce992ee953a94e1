// lib/src/tune/space.cpp on the precision group: weights_dtype searched value by value, each value the doctor calls
// inert left out with its reason, the stage right after math. (The rest of the space: tune.test.cpp.)
#include <catch2/catch.hpp>

#include <fstream>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/tune/space.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::config::preset_catalog catalog_of(const std::string& text) {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "presets.json";
  std::ofstream(path) << text;
  return gbench::config::load_presets(path);
}

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

gbench::tune::space_facts facts(std::vector<gbench::evidence::knob_verdict> verdicts) {
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
      facts({{"FAST", true, "acts"},
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
  const std::vector<gbench::evidence::knob_verdict> none_act{{"weights_dtype", false, "emulated"},
                                                             {"weights_dtype=int8-dynamic", false, "no engine"},
                                                             {"weights_dtype=int8", false, "no bf16"},
                                                             {"weights_dtype=int4", false, "no KleidiAI"}};
  const auto space = gbench::tune::build_space(c, facts(none_act));
  const auto it = std::find_if(space.pruned.begin(), space.pruned.end(),
                               [](const gbench::tune::pruned_dimension& d) { return d.name == "weights_dtype"; });
  REQUIRE(it != space.pruned.end());
  CHECK_THAT(it->reason, Contains("every candidate is inert here"));
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts(none_act), {"weights_dtype"}),
                    Contains("nothing to search") && Contains("weights_dtype=int4 (inert here: no KleidiAI)"));
}

TEST_CASE("precision: values without a verdict are searched", "[tune][space]") {
  const auto space = gbench::tune::build_space(catalog_of(precision_file), facts({}), {"weights_dtype"});
  CHECK(dimension(space, "weights_dtype").values ==
        std::vector<std::string>{"", "bf16", "int8-dynamic", "int8", "int4"});
  CHECK(space.pruned.empty());
}
