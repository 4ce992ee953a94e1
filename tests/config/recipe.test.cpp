// config/recipe: the recipe's study and published figures as data (configs/recipe.json), and bad files refused
// with their line and the fix.
#include <catch2/catch.hpp>

#include <string>

#include "gbench/config/recipe.hpp"
#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"

using Catch::Matchers::Contains;
using gbench_test::error_of;
using gbench_test::write_temp;

TEST_CASE("the shipped recipe: its model, batches, presets and the five published ratios", "[config][recipe]") {
  const auto r = gbench::config::load_recipe(GBENCH_CONFIGS "/recipe.json");
  CHECK(r.model == "recipe-mlp");
  CHECK(r.batches == std::vector<std::int64_t>{256, 32, 10});
  CHECK(r.presets == std::vector<std::string>{"default", "bf16", "openblas", "thp"});
  REQUIRE(r.claims.size() == 5);
  // The recipe's before / after times: 2.23x, 1.48x, 2.03x, 3.24x, 1.08x.
  CHECK(r.claims[0].ratio() == Approx(16.201 / 7.262));
  CHECK(r.claims[1].ratio() == Approx(1.478).margin(0.001));
  CHECK(r.claims[2].ratio() == Approx(2.027).margin(0.001));
  CHECK(r.claims[3].ratio() == Approx(3.235).margin(0.001));
  CHECK(r.claims[4].ratio() == Approx(1.084).margin(0.001));
  CHECK(r.claims[0].stand_in.at("x86_64") == "x86-bf16-weights");
  CHECK(r.claims[4].needs == std::vector<std::string>{"THP_MEM_ALLOC_ENABLE"});
}

TEST_CASE("a bad recipe file names its line and what is expected", "[config][recipe]") {
  gbench::util::temp_dir dir;
  const auto load = [&](const std::string& text) {
    const auto path = write_temp(dir, "recipe.json", text);
    return error_of([&] { (void)gbench::config::load_recipe(path); });
  };
  const std::string head = R"({"source": "s", "model": "m", "batches": [32], "presets": ["a", "b"],
"claims": [)";
  CHECK_THAT(load(head + R"({"name": "c", "preset": "a", "baseline": "b", "batch": 8, "before_s": 2,
 "after_s": 1, "published": "2x"}]})"),
             Contains("recipe.json:2:") && Contains("batch 8 is not one the study runs (32)"));
  CHECK_THAT(load(head + R"({"name": "c", "preset": "z", "baseline": "b", "batch": 32, "before_s": 2,
 "after_s": 1, "published": "2x"}]})"),
             Contains("preset 'z' is not one the study runs (a, b)"));
  CHECK_THAT(load(head + R"({"name": "c", "preset": "a", "baseline": "b", "batch": 32,
 "after_s": 1, "published": "2x"}]})"),
             Contains("'before_s' is missing; expected seconds"));
  CHECK_THAT(load(head + R"({"name": "c", "preset": "a", "baseline": "b", "batch": 32, "before_s": 0,
 "after_s": 1, "published": "2x"}]})"),
             Contains("must be positive"));
  CHECK_THAT(load(R"({"source": "s", "model": 3})"), Contains("recipe.json:1:") && Contains("'model' has the wrong type"));
}
