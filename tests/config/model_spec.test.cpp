// config/model_spec: the built-in models' shapes, model names and files checked, shapes that overflow refused.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>

#include "gbench/config/model_spec.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "run_binary.hpp"

using namespace gbench::config;
using Catch::Matchers::Contains;
using gbench_test::error_of;
using gbench_test::input_error_of;
using gbench_test::run_cli;
using gbench_test::write;
using gbench_test::write_temp;
namespace util = gbench::util;
namespace config = gbench::config;

TEST_CASE("the recipe model has the recipe's shapes", "[config]") {
  const auto m = load_model("recipe-mlp", GBENCH_CONFIGS "/models");
  CHECK(m.input_features() == 4096);
  const auto layers = m.linear_layers();
  REQUIRE(layers.size() == 3);
  CHECK(layers[0] == std::pair<std::int64_t, std::int64_t>{4096, 4096});
  CHECK(layers[1] == std::pair<std::int64_t, std::int64_t>{4096, 11008});
  CHECK(layers[2] == std::pair<std::int64_t, std::int64_t>{11008, 10});
  CHECK(m.parameter_count() == 4096 * 4096 + 4096 + 4096 * 11008 + 11008 + 11008 * 10 + 10);
  CHECK(m.flops_per_sample() == Approx(2.0 * (4096.0 * 4096 + 4096.0 * 11008 + 11008.0 * 10)));
}

TEST_CASE("unknown model names list the valid ones", "[config]") {
  const auto msg = error_of([] { (void)load_model("nope", GBENCH_CONFIGS "/models"); });
  CHECK_THAT(msg, Contains("unknown model 'nope'") && Contains("recipe-mlp") && Contains("tiny-mlp"));
}

TEST_CASE("model files are validated", "[config]") {
  gbench::util::temp_dir dir;
  const auto bad_key = write_temp(dir, "m.json", R"({"name": "m", "input_shape": [4], "outputs": 2, "layers": [3]})");
  CHECK_THAT(error_of([&] { (void)load_model(bad_key.string(), "."); }), Contains("unknown key 'layers'"));
  const auto zero = write_temp(dir, "z.json", R"({"name": "z", "input_shape": [0], "outputs": 2})");
  CHECK_THAT(error_of([&] { (void)load_model(zero.string(), "."); }), Contains("'input_shape' must be a whole number"));
}

TEST_CASE("model shapes whose products overflow are refused", "[hostile][input][config]") {
  util::temp_dir dir;
  const auto load = [&](const std::string& text) {
    return input_error_of([&] { (void)config::load_model(write(dir.path() / "m.json", text), dir.path()); });
  };
  // 2^24 to the fourth is 2^96: the product overflows int64 long before any check of the result.
  CHECK_THAT(load(R"({"name": "m", "input_shape": [16777216, 16777216, 16777216, 16777216], "outputs": 1})"),
             Contains("has more than 16777216 features"));
  std::string hidden = "1";
  for (int i = 1; i < 1500; ++i) {
    hidden += ",1";
  }
  CHECK_THAT(load(R"({"name": "m", "input_shape": [1], "outputs": 1, "hidden": [)" + hidden + "]}"),
             Contains("'hidden' has 1500 layers; at most 1024"));
  CHECK_THAT(load(R"({"name": "m", "input_shape": [9223372036854775807], "outputs": 1})"),
             Contains("must be a whole number from 1 to 16777216"));
  const auto r = run_cli({"--model", write(dir.path() / "m.json", R"({"name": "m", "input_shape": [16777216, 16777216, 16777216, 16777216], "outputs": 1})"),
                          "--batch", "1"});
  CHECK(r.exit_code == 3);
}
