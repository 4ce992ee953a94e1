// config/preset: the shipped presets, a user's presets file, knobs checked against their declarations, and values
// that are too long or hold newlines or '=' refused.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
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

namespace {

std::string presets_with_value(const std::string& json_value) {
  return fmt::format(R"({{"knobs": {{"K": {{"description": "d"}}}}, "presets": [{{"name": "p", "env": {{"K": {}}}}}]}})",
                     json_value);
}

} // namespace

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
  CHECK_THAT(error_of([&] { (void)load_presets(dtype, &builtin); }),
             Contains("d.json:3") && Contains("weights_dtype must be one of \"f32\", \"bf16\", \"int8-dynamic\", \"int8\", \"int4\", got \"fp16\""));
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

TEST_CASE("knob values that are huge or hold newlines or '=' are refused", "[hostile][input][presets]") {
  util::temp_dir dir;
  const auto builtin = config::load_presets(GBENCH_CONFIGS "/presets.json");
  const auto load = [&](const std::string& text) {
    return input_error_of([&] { (void)config::load_presets(write(dir.path() / "p.json", text), &builtin); });
  };
  CHECK_THAT(load(presets_with_value(fmt::format("\"{}\"", std::string(100000, 'x')))),
             Contains("the value of K is 100000 characters long; at most 256"));
  CHECK_THAT(load(presets_with_value(R"("BF16\nEVIL=1")")), Contains("the byte 0x0a"));
  CHECK_THAT(load(presets_with_value(R"("A=B")")), Contains("contains '='"));
  CHECK_THAT(load(R"({"knobs": {"A=B": {"description": "d"}}, "presets": []})"), Contains("'A=B' is not a knob name"));
  CHECK_THAT(load(R"({"knobs": {"N": {"integer": true}}, "presets": [{"name": "p", "env": {"N": "99999999999999999999999"}}]})"),
             Contains("expected a whole number (64-bit)"));
  CHECK_THAT(load(R"({"presets": [{"name": "p", "threads": 1000000000000}]})"),
             Contains("threads must be a whole number from 1 to 4096"));
  // --env goes through the same check: exit 3 from the command line.
  const auto r = run_cli({"--model", "tiny-mlp", "--batch", "1", "--env", "DNNL_DEFAULT_FPMATH_MODE=BF16=1"});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("contains '='"));
}

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
