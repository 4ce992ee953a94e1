// record/recipe: the recipe check's JSON, read back by the same code, and valid against schemas/recipe.schema.json.
#include <catch2/catch.hpp>

#include "gbench/record/recipe.hpp"
#include "schema_check.hpp"

TEST_CASE("a recipe check round-trips through its JSON and matches its schema", "[record][recipe]") {
  gbench::record::recipe_check c;
  c.source = "the recipe";
  c.arch = "x86_64";
  c.cpu_model = "a CPU";
  c.rows.push_back({.name = "bf16, batch 32",
                    .preset = "bf16",
                    .baseline = "default",
                    .batch = 32,
                    .published_ratio = 1.478,
                    .published = "1.47x",
                    .speedup = 1.01,
                    .speedup_low = 0.99,
                    .speedup_high = 1.03,
                    .verdict = "not applicable",
                    .reason = "DNNL_DEFAULT_FPMATH_MODE is inert here",
                    .stands_in_for = {}});
  auto stand = c.rows.front();
  stand.preset = "x86-bf16-weights";
  stand.stands_in_for = "bf16, batch 32";
  stand.verdict = "different";
  c.rows.push_back(stand);
  auto missing = c.rows.front();
  missing.speedup.reset();
  missing.speedup_low.reset();
  missing.speedup_high.reset();
  missing.verdict = "not measured";
  c.rows.push_back(missing);
  const auto j = gbench::record::to_json(c);
  CHECK(j["schema"] == "graviton-bench-recipe");
  CHECK(j["rows"][2]["speedup"].is_null());
  CHECK_FALSE(j["rows"][0].contains("stands_in_for"));
  gbench_test::check_schema(j, "recipe");
  gbench::record::recipe_check back;
  gbench::record::from_json(gbench::record::node(j, "check.json"), back);
  CHECK(gbench::record::to_json(back) == j);
  CHECK_THROWS(gbench::record::from_json(gbench::record::node(nlohmann::json{{"schema", "x"}}, "x.json"), back));
}
