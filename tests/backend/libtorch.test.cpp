// backend/libtorch: the checks of a preset's LibTorch settings before any process starts (quantized engines, the
// two float32 precision APIs), and what a benchmark process records of the settings it applied.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/backend/libtorch.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"

using namespace gbench;
using Catch::Matchers::Contains;

TEST_CASE("check_settings refuses an engine the build lacks and mixed precision APIs, naming the fix",
          "[libtorch][quantized]") {
  config::torch_settings s;
  s.quantized_engine = "x86";
  CHECK_NOTHROW(backend::check_settings("p", s, {"x86", "fbgemm"}, "x86_64"));
  const auto refused = [&](const std::vector<std::string>& supported) {
    try {
      backend::check_settings("int8-x86", s, supported, "x86_64");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // What an aarch64 wheel would say: no x86 engine there.
  CHECK_THAT(refused({"qnnpack", "onednn"}),
             Contains("preset 'int8-x86': quantized_engine x86 is not supported by this LibTorch") &&
                 Contains("which supports qnnpack, onednn") && Contains("leave quantized_engine unset"));
  CHECK_THAT(refused({}), Contains("which supports none"));

  config::torch_settings mixed;
  mixed.matmul_precision = "medium";
  mixed.fp32_precision = "bf16";
  // PyTorch's aarch64 wheel lists x86 and fbgemm, whose FBGEMM kernels do not run there.
  CHECK_THROWS_WITH(backend::check_settings("a", s, {"qnnpack", "onednn", "x86", "fbgemm"}, "aarch64"),
                    Contains("preset 'a': quantized_engine x86 is listed by this LibTorch") &&
                        Contains("do not run on aarch64") && Contains("choose one of qnnpack, onednn"));
  CHECK(backend::usable_engines({"qnnpack", "onednn", "x86", "fbgemm"}, "aarch64") ==
        std::vector<std::string>{"qnnpack", "onednn"});
  CHECK(backend::usable_engines({"qnnpack", "x86"}, "x86_64") == std::vector<std::string>{"qnnpack", "x86"});
  CHECK_THROWS_WITH(backend::check_settings("m", mixed, {}, "x86_64"),
                    Contains("preset 'm'") && Contains("matmul_precision and fp32_precision are both set") &&
                        Contains("keep one"));
  // This LibTorch's own list: the engines it reports and can run here are the engines it accepts.
  for (const auto& engine :
       backend::usable_engines(backend::query_libtorch().quantized_engines, gbench::host::query_host().arch)) {
    config::torch_settings one;
    one.quantized_engine = engine;
    CHECK_NOTHROW(backend::check_settings("p", one));
  }
}

TEST_CASE("the benchmark process records which float32 precision API its preset used", "[libtorch][e2e]") {
  util::temp_dir dir;
  const auto presets = dir.path() / "p.json";
  util::write_file_atomically(presets, R"({"presets": [
    {"name": "new-api", "fp32_precision": "bf16"},
    {"name": "legacy", "matmul_precision": "medium"},
    {"name": "engine", "weights_dtype": "int8-dynamic", "quantized_engine": "qnnpack"}]})");
  const auto report = dir.path() / "r.json";
  const auto r = gbench_test::run_cli({"--model", "tiny-mlp", "--batch", "8", "--presets", presets.string(), "--preset",
                                       "default,new-api,legacy,engine", "--warmup", "1", "--iters", "2", "--no-profile",
                                       "--json", report.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(util::read_text_file(report));
  std::map<std::string, nlohmann::json> libtorch;
  for (const auto& run : j["runs"]) {
    libtorch[run["preset"]["name"].get<std::string>()] = run["libtorch"];
  }
  CHECK_FALSE(libtorch["default"].contains("fp32_precision_api")); // "none" is left out
  CHECK(libtorch["new-api"]["fp32_precision_api"] == "fp32_precision");
  CHECK(libtorch["new-api"]["mkldnn_matmul_precision"] == "bf16");
  CHECK_THAT(libtorch["new-api"]["matmul_precision"].get<std::string>(), Contains("n/a"));
  CHECK(libtorch["legacy"]["fp32_precision_api"] == "matmul_precision");
  CHECK(libtorch["legacy"]["matmul_precision"] == "medium");
  CHECK(libtorch["engine"]["quantized_engine"] == "qnnpack");
  CHECK(libtorch["engine"]["weights"] == "int8-dynamic");
  CHECK(libtorch["engine"]["weights_kernel"] == "qnnpack");
}

TEST_CASE("presets mixing the float32 precision APIs, or asking for a missing engine, stop before any process",
          "[libtorch][e2e]") {
  util::temp_dir dir;
  const auto mixed = dir.path() / "mixed.json";
  util::write_file_atomically(mixed, "{\"presets\": [\n  {\"name\": \"both\", \"matmul_precision\": \"high\",\n"
                                     "   \"fp32_precision\": \"ieee\"}]}\n");
  const auto r = gbench_test::run_cli({"--model", "tiny-mlp", "--batch", "8", "--presets", mixed.string(), "--preset",
                                       "both", "--iters", "2", "--no-profile"});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("mixed.json:3:") && Contains("preset 'both'") && Contains("keep one"));
  CHECK(r.stdout_text.empty()); // no table: nothing ran
}
