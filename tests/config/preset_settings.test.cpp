// config/preset_settings: the precision settings of a preset (the weights' forms, the quantized engine, the float32
// precision API) read with their line and valid values, and a preset mixing the two float32 precision APIs refused.
#include <catch2/catch.hpp>

#include <string>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"

using namespace gbench::config;
using Catch::Matchers::Contains;
using gbench_test::error_of;
using gbench_test::write_temp;

namespace {

std::string error_of_presets(const std::filesystem::path& path) {
  return error_of([&] { (void)load_presets(path); });
}

} // namespace

TEST_CASE("a preset that mixes the legacy and new float32 precision APIs is refused at load", "[config][presets]") {
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "mixed.json",
                               "{\"presets\": [\n"
                               "  {\"name\": \"ok\", \"fp32_precision\": \"bf16\"},\n"
                               "  {\"name\": \"both\",\n"
                               "   \"matmul_precision\": \"medium\",\n"
                               "   \"fp32_precision\": \"bf16\"}\n"
                               "]}\n");
  const auto msg = error_of_presets(path);
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
    CHECK_THAT(error_of_presets(path), Contains("bad.json:3:") && Contains("preset 'p'") && Contains(expected));
  }
}
