// graviton-bench on model files end to end: the report's model fields, bad files refused, a TorchScript model and
// its AOTInductor twin side by side ([models]: the test set that CTest exports first).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "model_files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench::config::load_model;
using gbench_test::configs_models;
using gbench_test::exported;
using gbench_test::require_package;
using gbench_test::run_cli;
using gbench_test::write;

TEST_CASE("graviton-bench on a TorchScript file: report fields, bad files exit 3", "[models][cli]") {
  gbench::util::temp_dir dir;
  const auto json = dir.path() / "r.json";
  const auto ok = run_cli({"--model", exported("tiny-mlp.pt").string(), "--batch", "2", "--warmup", "1", "--iters",
                           "3", "--threads", "1", "--json", json.string()});
  INFO(ok.stderr_tail);
  REQUIRE(ok.exit_code == 0);
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(json));
  const auto& model = report.at("model");
  CHECK(model.at("kind") == "torchscript");
  CHECK(model.at("file") == exported("tiny-mlp.pt").string());
  CHECK(model.at("sha256").get<std::string>().size() == 64);
  CHECK(model.at("file_bytes") == std::filesystem::file_size(exported("tiny-mlp.pt")));
  CHECK(model.at("parameters") == load_model("tiny-mlp", configs_models).parameter_count());
  CHECK(model.at("flops_source") == "profiler");
  CHECK(model.at("inputs").at(0).at("shape") == nlohmann::json{16, 16});
  CHECK(report.at("runs").at(0).at("results").at(0).at("status") == "ok");
  gbench_test::check_schema(report, "report");

  write(dir.path() / "x.pt", "no model");
  const auto bad = run_cli({"--model", (dir.path() / "x.pt").string(), "--input", "16x16"});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.stderr_tail, Contains("not a loadable TorchScript model"));
  std::filesystem::copy_file(exported("tiny-mlp.pt"), dir.path() / "y.pt");
  write(dir.path() / "y.json", R"({"inputs": [{"shape": [16, 16]}], "batch": 4})");
  const auto sidecar = run_cli({"--model", (dir.path() / "y.pt").string()});
  CHECK(sidecar.exit_code == 3);
  CHECK_THAT(sidecar.stderr_tail, Contains("y.json:1:") && Contains("unknown key 'batch'"));
}

TEST_CASE("eager against compiled: --model a.pt,a.pt2 gives a row each, compared with the first", "[models][aoti][cli]") {
  require_package();
  gbench::util::temp_dir dir;
  const auto json = dir.path() / "r.json";
  const std::string both = exported("tiny-mlp.pt").string() + "," + exported("tiny-mlp.pt2").string();
  const auto r = run_cli({"--model", both, "--batch", "4", "--warmup", "1", "--iters", "20", "--threads", "1",
                          "--no-profile", "--verify", "--json", json.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("tiny-mlp.pt2 vs tiny-mlp.pt (default) @4:"));
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(json));
  REQUIRE(report.at("models").size() == 2);
  CHECK(report.at("models").at(1).at("kind") == "aoti");
  REQUIRE(report.at("runs").size() == 2);
  CHECK(report.at("runs").at(0).at("model") == "tiny-mlp.pt");
  CHECK(report.at("runs").at(1).at("model") == "tiny-mlp.pt2");
  const auto& rows = report.at("comparison");
  REQUIRE(rows.size() == 2);
  CHECK(rows.at(0).at("model") == "tiny-mlp.pt");
  CHECK(rows.at(0).at("baseline") == true);
  CHECK(rows.at(1).at("model") == "tiny-mlp.pt2");
  CHECK(rows.at(1)["vs_baseline"].contains("speedup"));
  CHECK(rows.at(1)["vs_baseline"].contains("verdict"));
  // --verify: the package's accuracy comes from its TorchScript twin.
  const auto& accuracy = report.at("runs").at(1).at("evidence").at("batches").at(0).at("accuracy");
  CHECK(accuracy.at("cosine").get<double>() > 0.9999);
  gbench_test::check_schema(report, "report");

  const auto compared = run_cli({"compare", json.string(), json.string()});
  CHECK(compared.exit_code == 11);
  CHECK_THAT(compared.stderr_tail, Contains("several models"));
}
