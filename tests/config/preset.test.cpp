// lib/src/config/preset.cpp: the settings of the quantized forms and of the new float32 precision API, and the
// refusal of a preset that mixes the two float32 precision APIs. (The recipe's presets: config.test.cpp.)
#include <catch2/catch.hpp>

#include <fstream>

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

std::string error_of(const std::filesystem::path& path) {
  try {
    (void)load_presets(path);
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("the shipped quantized presets and the precision search group", "[config][presets][quantized]") {
  const auto c = load_presets(GBENCH_CONFIGS "/presets.json");
  CHECK(c.at("int8-dynamic").settings.weights_dtype == "int8-dynamic");
  CHECK_FALSE(c.at("int8-dynamic").settings.quantized_engine.has_value()); // the platform's own engine
  CHECK(c.at("int8-weights").settings.weights_dtype == "int8");
  CHECK_FALSE(c.at("int8-weights").settings.int8_activations.has_value()); // bf16: the slow path only when asked
  CHECK(c.at("int4-kleidiai").settings.weights_dtype == "int4");
  CHECK(c.at("int4-kleidiai").settings.int4_group_size == 32);
  CHECK_FALSE(c.at("int4-kleidiai").settings.int4_fallback.has_value());
  CHECK(c.at("fp32-precision-bf16").settings.fp32_precision == "bf16");
  CHECK_FALSE(c.at("fp32-precision-bf16").settings.matmul_precision.has_value());
  for (const auto& p : c.presets()) {
    INFO(p.name);
    CHECK_FALSE((p.settings.matmul_precision && p.settings.fp32_precision));
  }
  const auto& search = c.search_settings();
  const auto it = std::find_if(search.begin(), search.end(), [](const knob& k) { return k.name == "weights_dtype"; });
  REQUIRE(it != search.end());
  CHECK(it->group == "precision");
  CHECK(it->candidates.values == std::vector<std::string>{"bf16", "int8-dynamic", "int8", "int4"});
}

TEST_CASE("a preset that mixes the legacy and new float32 precision APIs is refused at load", "[config][presets]") {
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "mixed.json",
                               "{\"presets\": [\n"
                               "  {\"name\": \"ok\", \"fp32_precision\": \"bf16\"},\n"
                               "  {\"name\": \"both\",\n"
                               "   \"matmul_precision\": \"medium\",\n"
                               "   \"fp32_precision\": \"bf16\"}\n"
                               "]}\n");
  const auto msg = error_of(path);
  // The file and the line of the key, the preset, both settings, why, and the fix.
  CHECK_THAT(msg, Contains("mixed.json:5:") && Contains("preset 'both'") && Contains("matmul_precision") &&
                      Contains("fp32_precision") && Contains("PyTorch throws") && Contains("keep one"));
}

TEST_CASE("the settings of the quantized forms and of fp32_precision are checked", "[config][presets][quantized]") {
  gbench::util::temp_dir dir;
  const auto good = write_temp(dir, "good.json", R"({"presets": [
    {"name": "q", "weights_dtype": "int8-dynamic", "quantized_engine": "qnnpack"},
    {"name": "w", "weights_dtype": "int8", "int8_activations": "f32"},
    {"name": "four", "weights_dtype": "int4", "int4_group_size": 64, "int4_fallback": true},
    {"name": "tf", "fp32_precision": "tf32"}]})");
  const auto c = load_presets(good);
  CHECK(c.at("q").settings.quantized_engine == "qnnpack");
  CHECK(c.at("w").settings.int8_activations == "f32");
  CHECK(c.at("four").settings.int4_group_size == 64);
  CHECK(c.at("four").settings.int4_fallback == true);
  CHECK(c.at("tf").settings.fp32_precision == "tf32");

  const std::vector<std::pair<std::string, std::string>> bad{
      {R"("quantized_engine": "mkl")",
       R"(quantized_engine must be one of "x86", "fbgemm", "onednn", "qnnpack", got "mkl")"},
      {R"("fp32_precision": "medium")", R"(fp32_precision must be one of "ieee", "bf16", "tf32", got "medium")"},
      {R"("int8_activations": "f16")", R"(int8_activations must be one of "bf16", "f32", got "f16")"},
      {R"("int4_group_size": 48)", "int4_group_size must be a multiple of 32 from 32 to 65536"},
      {R"("int4_group_size": 0)", "int4_group_size must be a multiple of 32"},
      {R"("int4_fallback": "yes")", "int4_fallback must be true or false"},
      {R"("weights_dtype": "int2")", R"(weights_dtype must be one of "f32", "bf16", "int8-dynamic", "int8", "int4")"},
  };
  for (const auto& [setting, expected] : bad) {
    INFO(setting);
    const auto path = write_temp(dir, "bad.json", "{\"presets\": [\n  {\"name\": \"p\",\n   " + setting + "}]}");
    CHECK_THAT(error_of(path), Contains("bad.json:3:") && Contains("preset 'p'") && Contains(expected));
  }
}

TEST_CASE("weights_dtype is a setting tune may search", "[config][presets][quantized]") {
  CHECK(std::find(searchable_settings().begin(), searchable_settings().end(), "weights_dtype") !=
        searchable_settings().end());
  check_setting_value("", "weights_dtype", "int4");
  CHECK_THROWS_WITH(check_setting_value("x: ", "weights_dtype", "fp8"),
                    Contains("x: weights_dtype fp8 is not a valid value") && Contains("int8-dynamic"));
  CHECK(is_quantized("int8-dynamic"));
  CHECK(is_quantized("int4"));
  CHECK_FALSE(is_quantized("bf16"));
  CHECK_FALSE(is_quantized("f32"));
}
