// tune/files: the search report against its schema, and the winners as a presets file that reads back.
#include <catch2/catch.hpp>

#include <fstream>

#include "gbench/config/preset.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/tune/files.hpp"
#include "gbench/util/files.hpp"
#include "schema_check.hpp"
#include "tune/result_fixture.hpp"

namespace {

gbench::run::plan tiny_plan() {
  gbench::run::plan_options po;
  po.model = "tiny-mlp";
  po.batches = {"8"};
  po.presets = {"default"};
  const auto catalog = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  auto plan = gbench::run::make_plan(po, catalog, std::string(GBENCH_CONFIGS) + "/models");
  plan.placement = {"list", {0}, "--cpus 0"};
  return plan;
}

} // namespace

TEST_CASE("tune files: the report holds the stages' designs and validates against the schema", "[tune][files]") {
  const auto r = gbench_test::hand_made_result();
  const auto plan = tiny_plan();
  const auto j = gbench::tune::report_json(gbench::record::make_context(gbench::host::query_host(), {"tune"}), plan,
                                           "auto", r);
  CHECK(j["schema"] == "graviton-bench-tune");
  CHECK(j["schema_version"] == 2);
  CHECK(j["settings"]["warmup"] == "auto");
  CHECK(j["model"]["name"] == "tiny-mlp");
  CHECK(j["search"]["options"]["schedule"] == "lockstep");
  CHECK(j["search"]["options"]["cycles"] == 6);
  CHECK(j["search"]["stages"][0]["design"] == "lockstep");
  CHECK_FALSE(j["search"]["stages"][0].contains("note"));
  CHECK(j["search"]["stages"][1]["design"] == "rounds");
  CHECK(j["search"]["stages"][1]["note"].get<std::string>().find("would not fit") != std::string::npos);
  gbench_test::check_schema(j, "tune");
  // A design the schema does not know is refused: the check can fail.
  auto wrong = j;
  wrong["search"]["stages"][0]["design"] = "duet";
  const std::filesystem::path source = std::filesystem::path(GBENCH_CONFIGS).parent_path();
  gbench::util::temp_dir dir;
  gbench::util::write_file_atomically(dir.path() / "bad.json", wrong.dump());
  const auto bad = gbench::util::run_process({"/usr/bin/python3", (source / "tests" / "check_schema.py").string(),
                                              (source / "schemas" / "tune.schema.json").string(),
                                              (dir.path() / "bad.json").string()},
                                             gbench::util::current_environment(),
                                             {.forward_stderr = false, .capture_stdout = true});
  CHECK(bad.exit_code == 1);
}

TEST_CASE("tune files: the winners as presets, with the declarations of knobs the built-in presets lack",
          "[tune][files]") {
  const auto r = gbench_test::hand_made_result();
  const auto builtin = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  const auto catalog = gbench_test::catalog_of(gbench_test::space_file);
  const auto file = gbench::tune::presets_file_of(r, builtin, catalog);
  CHECK(file["schema_version"] == 1);
  REQUIRE(file["presets"].size() == 1);
  CHECK(file["presets"][0]["name"] == "tuned-b8");
  CHECK(file["presets"][0]["env"]["FAST"] == "ON");
  REQUIRE(file.contains("knobs"));
  CHECK(file["knobs"]["FAST"]["values"] == nlohmann::ordered_json::array({"ON", "OFF"}));
  // It reads back beside the built-in presets.
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "tuned.json";
  std::ofstream(path) << file.dump(2);
  const auto tuned = gbench::config::load_presets(path, &builtin);
  REQUIRE(tuned.find("tuned-b8") != nullptr);
  CHECK(tuned.at("tuned-b8").env.at("FAST") == "ON");
}
