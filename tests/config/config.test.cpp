#include <catch2/catch.hpp>

#include <fstream>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/util/files.hpp"

using namespace gbench::config;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path write_temp(const gbench::util::temp_dir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

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

TEST_CASE("the shipped presets are the recipe's", "[config][presets]") {
  const auto c = load_presets(GBENCH_CONFIGS "/presets.json");
  for (const char* name : {"default", "bf16", "openblas", "thp", "recommended", "x86-bf16", "x86-bf16-weights"}) {
    INFO(name);
    CHECK(c.find(name) != nullptr);
  }
  CHECK(c.at("default").env.empty());
  CHECK(c.at("bf16").env == std::map<std::string, std::string>{{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}});
  CHECK(c.at("openblas").env.at("TORCH_MKLDNN_MATMUL_MIN_DIM") == "64");
  CHECK(c.at("thp").env.at("THP_MEM_ALLOC_ENABLE") == "1");
  CHECK(c.at("recommended").env.size() == 3);
  CHECK(c.at("x86-bf16").settings.matmul_precision == "medium");
  CHECK(c.at("x86-bf16-weights").settings.weights_dtype == "bf16");
  CHECK_FALSE(c.at("x86-bf16").settings.weights_dtype.has_value());
  CHECK_THAT(error_of([&] { (void)c.at("fast"); }), Contains("unknown preset 'fast'") && Contains("openblas"));
}

TEST_CASE("malformed JSON names the file, line and column", "[config][presets]") {
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "p.json", "{\n  \"presets\": [\n    {\"name\": \"a\",}\n  ]\n}\n");
  const auto msg = error_of([&] { (void)load_presets(path); });
  CHECK_THAT(msg, Contains("p.json:3:") && Contains("malformed JSON"));
}

TEST_CASE("an unknown key in a preset names its line and the valid keys", "[config][presets]") {
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "p.json",
                               "{\n  \"presets\": [\n    {\"name\": \"a\", \"env\": {}},\n"
                               "    {\"name\": \"b\",\n     \"fpmath\": \"bf16\"}\n  ]\n}\n");
  const auto msg = error_of([&] { (void)load_presets(path); });
  CHECK_THAT(msg, Contains("p.json:5: unknown key 'fpmath' in preset 'b'") && Contains("matmul_precision"));
}

TEST_CASE("knob values are checked against their declaration", "[config][presets]") {
  const auto builtin = load_presets(GBENCH_CONFIGS "/presets.json");
  gbench::util::temp_dir dir;
  const auto bad_value = write_temp(dir, "v.json", R"({"presets": [{"name": "x", "env": {"DNNL_DEFAULT_FPMATH_MODE": "FAST"}}]})");
  CHECK_THAT(error_of([&] { (void)load_presets(bad_value, &builtin); }),
             Contains("DNNL_DEFAULT_FPMATH_MODE=FAST is not a valid value") && Contains("BF16"));
  const auto not_int = write_temp(dir, "i.json", R"({"presets": [{"name": "x", "env": {"TORCH_MKLDNN_MATMUL_MIN_DIM": "sixty"}}]})");
  CHECK_THAT(error_of([&] { (void)load_presets(not_int, &builtin); }), Contains("expected a whole number"));
  const auto unknown = write_temp(dir, "u.json", R"({"presets": [{"name": "x", "env": {"DNNL_FPMATH": "BF16"}}]})");
  CHECK_THAT(error_of([&] { (void)load_presets(unknown, &builtin); }), Contains("unknown knob 'DNNL_FPMATH'"));
  const auto number = write_temp(dir, "n.json", R"({"presets": [{"name": "x", "env": {"THP_MEM_ALLOC_ENABLE": 1}}]})");
  CHECK_THAT(error_of([&] { (void)load_presets(number, &builtin); }), Contains("must be a string"));
  const auto dtype = write_temp(dir, "d.json", "{\"presets\": [\n  {\"name\": \"x\",\n   \"weights_dtype\": \"fp16\"}]}");
  CHECK_THAT(
      error_of([&] { (void)load_presets(dtype, &builtin); }),
      Contains("d.json:3") &&
          Contains(
              "weights_dtype must be one of \"f32\", \"bf16\", \"int8-dynamic\", \"int8\", \"int4\", got \"fp16\""));
  const auto good = write_temp(dir, "g.json", R"({"presets": [{"name": "x", "weights_dtype": "bf16"}]})");
  const auto loaded = load_presets(good, &builtin);
  CHECK(loaded.at("x").settings.weights_dtype == "bf16");
}

TEST_CASE("a user's presets file adds presets and may declare knobs", "[config][presets]") {
  auto catalog = load_presets(GBENCH_CONFIGS "/presets.json");
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "mine.json", R"({
    "knobs": {"OMP_WAIT_POLICY": {"values": ["ACTIVE", "PASSIVE"]}},
    "presets": [{"name": "mine", "description": "d", "env": {"OMP_WAIT_POLICY": "PASSIVE", "THP_MEM_ALLOC_ENABLE": "1"}, "threads": 1}]
  })");
  catalog.merge(load_presets(path, &catalog));
  CHECK(catalog.at("mine").env.at("OMP_WAIT_POLICY") == "PASSIVE");
  CHECK(catalog.at("mine").settings.threads == 1);
  CHECK(catalog.find_knob("OMP_WAIT_POLICY") != nullptr);
  CHECK(catalog.find("default") != nullptr);
}

TEST_CASE("env items are KEY=VALUE", "[config]") {
  CHECK(parse_env_assignment("A=b=c") == std::pair<std::string, std::string>{"A", "b=c"});
  CHECK(parse_env_assignment("A=") == std::pair<std::string, std::string>{"A", ""});
  CHECK_THROWS_AS(parse_env_assignment("A"), gbench::input_error);
  CHECK_THROWS_AS(parse_env_assignment("=1"), gbench::input_error);
}
