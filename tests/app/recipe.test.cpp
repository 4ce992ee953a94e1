// graviton-bench recipe: the recipe's study run here, every claim with a verdict and its reason, the JSON valid
// against schemas/recipe.schema.json. A small study (tiny-mlp, one batch) stands for the recipe's own.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;

TEST_CASE("recipe: every claim with a verdict and its reason, a stand-in on x86, valid JSON", "[app][recipe]") {
  gbench::util::temp_dir dir;
  const auto recipe = dir.path() / "recipe.json";
  gbench::util::write_file_atomically(recipe, R"({"source": "a small study", "model": "tiny-mlp", "batches": [16],
  "presets": ["default", "bf16", "thp"],
  "claims": [
    {"name": "bf16", "preset": "bf16", "baseline": "default", "batch": 16, "before_s": 2, "after_s": 1,
     "published": "2x", "needs": ["DNNL_DEFAULT_FPMATH_MODE"], "stand_in": {"x86_64": "x86-bf16-weights"}},
    {"name": "thp", "preset": "thp", "baseline": "bf16", "batch": 16, "before_s": 1.08, "after_s": 1,
     "published": "1.08x", "needs": ["THP_MEM_ALLOC_ENABLE"]}]})");
  const auto json = dir.path() / "check.json";
  const auto report = dir.path() / "report.json";
  const auto r = gbench_test::run_cli({"recipe", "--recipe", recipe.string(), "--threads", "1", "--warmup", "1",
                                       "--iters", "3", "--cycles", "2", "--turn-ms", "20", "--json", json.string(),
                                       "--report", report.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(gbench::util::read_text_file(json));
  gbench_test::check_schema(j, "recipe");
  gbench_test::check_schema(nlohmann::json::parse(gbench::util::read_text_file(report)), "report");
  const bool x86 = gbench::host::query_host().arch == "x86_64";
  REQUIRE(j["rows"].size() == (x86 ? 3U : 2U));
  for (const auto& row : j["rows"]) {
    INFO(row.dump());
    CHECK_FALSE(row["reason"].get<std::string>().empty());
    CHECK(row["verdict"] != "not measured");
    CHECK_THAT(r.stdout_text, Contains(row["name"].get<std::string>()));
  }
  if (x86) {
    // fp32 Linear never reaches oneDNN on x86, so oneDNN's fast math cannot act; bf16 weights stand in.
    CHECK(j["rows"][0]["verdict"] == "not applicable");
    CHECK_THAT(j["rows"][0]["reason"].get<std::string>(),
               Contains("DNNL_DEFAULT_FPMATH_MODE is inert here") && Contains("bf16 at 16:"));
    CHECK(j["rows"][1]["preset"] == "x86-bf16-weights");
    CHECK(j["rows"][1]["stands_in_for"] == "bf16");
    CHECK(j["rows"][1]["speedup"].is_number());
  }
  CHECK_THAT(r.stdout_text, Contains("full report: " + report.string()));

  const auto bad = gbench_test::run_cli({"recipe", "--recipe", (dir.path() / "none.json").string()});
  CHECK(bad.exit_code == 2);
}
