// lib/src/backend/mlp.cpp, the weights' forms on a real LibTorch: each quantized form effective (its operator in the
// profile, an error of its own level against float64) or inert with its reason, here. Speeds are not tested.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/mlp.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/host/host_info.hpp"

using namespace gbench;
using Catch::Matchers::Contains;

namespace {

struct observed {
  backend::mlp_session::weights_outcome outcome;
  std::vector<std::string> ops; ///< the layer operators of one forward
  backend::mlp_session::accuracy accuracy;
};

// The tiny-mlp (256 -> 128 -> 344 -> 10) set up in a form, one forward profiled, its logits against float64.
observed run_form(const config::torch_settings& settings, bool cpu_has_bf16) {
  const auto spec = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  backend::mlp_session session(spec, 0);
  observed o;
  o.outcome = session.use_weights(settings, cpu_has_bf16);
  session.prepare(32);
  for (const auto& op : evidence::layer_operators(backend::profile_forwards(session, 1, false, ""))) {
    o.ops.push_back(op.name);
  }
  o.accuracy = session.compare_with_float64();
  return o;
}

config::torch_settings weights(const std::string& dtype) {
  config::torch_settings s;
  s.weights_dtype = dtype;
  return s;
}

std::size_t count(const std::vector<std::string>& ops, const std::string& name) {
  return static_cast<std::size_t>(std::count(ops.begin(), ops.end(), name));
}

} // namespace

TEST_CASE("int8-dynamic: quantized::linear_dynamic on every layer, on this LibTorch's engine", "[backend][quantized]") {
  const auto o = run_form(weights("int8-dynamic"), false);
  CHECK(o.outcome.weights == "int8-dynamic");
  CHECK(o.outcome.status == "effective");
  // LibTorch's own choice, or where that cannot run here (x86 on aarch64) the first usable one.
  const auto engine = backend::query_libtorch().quantized_engine;
  CHECK(engine != "none");
  CHECK(o.outcome.kernel == (engine == "x86" ? std::string("fbgemm") : engine));
  CHECK_THAT(o.outcome.detail, Contains("quantized::linear_prepack") && Contains("engine " + engine));
  CHECK(o.ops == std::vector<std::string>(3, "quantized::linear_dynamic"));
  REQUIRE(o.accuracy.available);
  CHECK(o.accuracy.cosine > 0.999);
  CHECK(o.accuracy.max_rel_error > 1e-4); // int8, not fp32: the weights were quantized
  CHECK(o.accuracy.max_rel_error < 0.1);
}

TEST_CASE("quantized_engine is applied before the weights are packed", "[backend][quantized]") {
  const auto before = backend::query_libtorch();
  REQUIRE(!before.quantized_engines.empty());
  // Another engine than the platform's own, where there is one: the packed weights must follow it.
  const auto usable = backend::usable_engines(before.quantized_engines, host::query_host().arch);
  const auto other = std::find_if(usable.begin(), usable.end(),
                                  [&](const std::string& e) { return e != before.quantized_engine && e != "fbgemm"; });
  if (other == usable.end()) {
    WARN("NOT TESTED: this LibTorch supports one quantized engine only (" << before.quantized_engine << ")");
    return;
  }
  config::torch_settings engine;
  engine.quantized_engine = *other;
  backend::apply_settings(engine);
  const auto o = run_form(weights("int8-dynamic"), false);
  config::torch_settings restore;
  restore.quantized_engine = before.quantized_engine;
  backend::apply_settings(restore);
  CHECK(o.outcome.kernel == *other);
  CHECK_THAT(o.outcome.detail, Contains("engine " + *other));
  CHECK(o.ops.front() == "quantized::linear_dynamic");
  CHECK(o.accuracy.cosine > 0.999);
  CHECK(backend::query_libtorch().quantized_engine == before.quantized_engine);
}

TEST_CASE("int8 weights: bf16 activations where the CPU has bf16, else inert", "[backend][quantized]") {
  SECTION("with bf16 instructions: aten::_weight_int8pack_mm; a layer of a width it cannot take stays bf16") {
    const auto o = run_form(weights("int8"), true);
    CHECK(o.outcome.status == "effective");
    CHECK(o.outcome.kernel == "aten");
    CHECK_THAT(o.outcome.detail, Contains("bf16 activations") && Contains("layer 3 (344 inputs) kept in bf16"));
    CHECK(count(o.ops, "aten::_weight_int8pack_mm") == 2);
    CHECK(o.ops.back() == "aten::addmm");
    REQUIRE(o.accuracy.available);
    CHECK(o.accuracy.cosine > 0.999);
    CHECK(o.accuracy.max_rel_error > 1e-4);
  }
  SECTION("without them: inert, the model stays fp32, and the reason names the slow path it did not take") {
    const auto o = run_form(weights("int8"), false);
    CHECK(o.outcome.status == "inert");
    CHECK(o.outcome.weights == "f32");
    CHECK_THAT(o.outcome.detail, Contains("bf16 instructions") && Contains("int8_activations \"f32\""));
    CHECK(o.ops == std::vector<std::string>(3, "aten::addmm"));
    CHECK(o.accuracy.max_rel_error < 1e-5);
  }
  SECTION("fp32 activations run only when asked for, and are said to be the reference path") {
    auto s = weights("int8");
    s.int8_activations = "f32";
    const auto o = run_form(s, false);
    CHECK(o.outcome.status == "effective");
    CHECK(o.outcome.kernel == "reference");
    CHECK_THAT(o.outcome.detail, Contains("slow reference path"));
    CHECK(count(o.ops, "aten::_weight_int8pack_mm") == 2);
  }
}

TEST_CASE("int4: KleidiAI where LibTorch has it, else inert unless the fallback is asked for", "[backend][quantized]") {
  const bool kleidiai = backend::query_libtorch().kleidiai;
  const auto o = run_form(weights("int4"), false);
  if (!kleidiai) {
    CHECK(o.outcome.status == "inert");
    CHECK(o.outcome.weights == "f32");
    CHECK_THAT(o.outcome.detail, Contains("no KleidiAI in this LibTorch") && Contains("int4_fallback"));
    CHECK(count(o.ops, "aten::_dyn_quant_matmul_4bit") == 0);
  } else {
    // KleidiAI packs the weights where the CPU has the dot product; otherwise it declines them and says so.
    CHECK((o.outcome.status == "effective" || o.outcome.status == "inert"));
    if (o.outcome.status == "effective") {
      CHECK(o.outcome.kernel == "kleidiai");
      CHECK(count(o.ops, "aten::_dyn_quant_matmul_4bit") == 3);
      CHECK(o.accuracy.cosine > 0.99);
    } else {
      CHECK_THAT(o.outcome.detail, Contains("declined"));
    }
  }

  auto fallback = weights("int4");
  fallback.int4_fallback = true;
  const auto f = run_form(fallback, false);
  CHECK(f.outcome.status == "effective");
  CHECK(f.outcome.weights == "int4");
  // The tiny-mlp's 344-wide layer takes no group of 32: it is quantized per row, and said so.
  CHECK_THAT(f.outcome.detail, Contains("groups of 32") && Contains("layer 3 (344 inputs)"));
  CHECK(count(f.ops, "aten::_dyn_quant_matmul_4bit") == 3);
  REQUIRE(f.accuracy.available);
  CHECK(f.accuracy.cosine > 0.99);
  CHECK(f.accuracy.max_rel_error > 1e-3); // 4 bits
  if (!kleidiai) {
    CHECK(f.outcome.kernel == "reference");
  }
}

TEST_CASE("f32 asks for nothing, bf16 converts the weights", "[backend][quantized]") {
  const auto f32 = run_form(weights("f32"), true);
  CHECK(f32.outcome.status.empty());
  CHECK(f32.outcome.weights == "f32");
  CHECK(f32.ops == std::vector<std::string>(3, "aten::addmm"));
  const auto bf16 = run_form(weights("bf16"), true);
  CHECK(bf16.outcome.status == "effective");
  CHECK(bf16.outcome.weights == "bf16");
  CHECK(bf16.accuracy.max_rel_error > 1e-4);
}
