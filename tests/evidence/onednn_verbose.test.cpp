// lib/src/evidence/onednn_verbose.cpp on the quantized forms: which operator and engine served each layer, oneDNN's
// reference kernels, and PyTorch's word that it disabled oneDNN in a process. (The fp32 and bf16 routes have their
// tests in evidence.test.cpp.)
//
// Logs under tests/data/, and where each came from:
// onednn/x86-amx-int8-dynamic-onednn.txt: captured on the Intel x86-64 KVM guest with AVX-512, avx512_bf16 and AMX,
//   torch 2.13.0+cpu (oneDNN v3.12.0), ONEDNN_VERBOSE=1, one thread: torch.backends.quantized.engine = "onednn",
//   per-channel int8 weights of the tiny-mlp's three layers (256->128, 128->344, 344->10) through
//   quantized::linear_prepack, then one forward of quantized::linear_dynamic at batch 32 (reduce_range) with ReLU
//   between: the weights' reorders at prepack, then per layer a reorder quantizing the activations to u8 and a
//   brg_matmul:avx10_1_512_amx on u8 activations and s8 weights.
// onednn/x86-avx2-int8-dynamic-onednn.txt: the same with ONEDNN_MAX_CPU_ISA=AVX2: the matmuls are gemm:jit.
// onednn/aarch64-constructed-int8-ref.txt is CONSTRUCTED, not captured: no reference kernel could be provoked on
//   these x86 machines. It follows the v1 layout of the files above with oneDNN's reference implementation names
//   (ref_int8:any, gemm:ref, ref:any); times are invented.
// stderr/aarch64-constructed-onednn-disabled.txt is CONSTRUCTED: PyTorch's warning (aten/src/ATen/native/
//   LinearAlgebra.cpp: TORCH_WARN("mkldnn_matmul failed, switching to BLAS gemm:", e.what()), a string of the
//   aarch64 wheel's libtorch_cpu.so 2.13.0) in the form c10 prints a warning, taken from a TORCH_WARN compiled
//   against this wheel: "[W1206 02:53:48.046377281 w.cpp:2] Warning: ... (function main)".
// stderr/x86-int8-dynamic-worker.txt: what a benchmark process of this tool wrote on x86 (an inert int4 preset, a
//   deprecation warning of PyTorch in c10's form).
#include <catch2/catch.hpp>

#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/util/files.hpp"

using namespace gbench::evidence;
using Catch::Matchers::Contains;

namespace {

std::string data(const std::string& name) {
  return gbench::util::read_text_file(GBENCH_TEST_DATA "/" + name);
}

// The tiny-mlp: 256 -> 128 -> 344 -> 10.
const std::vector<std::pair<std::int64_t, std::int64_t>> tiny_layers{{256, 128}, {128, 344}, {344, 10}};

route_facts facts_for(const std::string& weights, const std::string& kernel, std::vector<std::string> ops = {},
                      const std::string& operand = "f32") {
  route_facts f;
  f.weights = weights;
  f.weights_kernel = kernel;
  f.operand_dtype = operand;
  for (auto& op : ops) {
    f.ops.push_back({std::move(op), ""});
  }
  return f;
}

} // namespace

TEST_CASE("quantized::linear_dynamic on oneDNN: int8 data on AMX and on AVX2 kernels", "[evidence][quantized]") {
  const auto amx_text = data("onednn/x86-amx-int8-dynamic-onednn.txt");
  const auto amx = parse_onednn_verbose(amx_text);
  std::vector<primitive_exec> matmuls;
  std::copy_if(amx.begin(), amx.end(), std::back_inserter(matmuls), [](const auto& e) { return e.kind == "matmul"; });
  REQUIRE(matmuls.size() == 3);
  CHECK(matmuls[0].src_dtype == "u8");
  CHECK(matmuls[0].wei_dtype == "s8");
  CHECK(matmuls[0].m == 32);
  const auto km = math_of(matmuls[0], parse_onednn_isa(amx_text));
  CHECK(km.math == "int8");
  CHECK_THAT(km.basis, Contains("u8 activations, s8 weights") && Contains("avx10_1_512_amx"));

  const auto dynamic = std::vector<std::string>(3, "quantized::linear_dynamic");
  const auto routes = route_layers(amx, 32, tiny_layers, 1, facts_for("int8-dynamic", "onednn", dynamic));
  REQUIRE(routes.size() == 3);
  for (const auto& r : routes) {
    INFO(r.in_features << "->" << r.out_features);
    CHECK(r.backend == "onednn");
    CHECK(r.implementation == "brg_matmul:avx10_1_512_amx");
    CHECK(r.math == "int8");
    CHECK(r.op == "quantized::linear_dynamic");
    CHECK_FALSE(r.reference);
  }

  const auto avx2 = route_layers(parse_onednn_verbose(data("onednn/x86-avx2-int8-dynamic-onednn.txt")), 32, tiny_layers,
                                 1, facts_for("int8-dynamic", "onednn", dynamic));
  REQUIRE(avx2.size() == 3);
  CHECK(avx2[0].implementation == "gemm:jit");
  CHECK(avx2[0].math == "int8");
  CHECK_THAT(avx2[0].math_basis, Contains("gemm:jit"));
  CHECK_FALSE(avx2[0].reference); // oneDNN's jit gemm, not its reference loops
}

TEST_CASE("a quantized layer outside oneDNN is attributed to its operator's engine or kernel",
          "[evidence][quantized]") {
  SECTION("int8-dynamic on FBGEMM (engine x86) prints nothing to oneDNN; the operator comes from the form") {
    const auto routes = route_layers({}, 32, tiny_layers, 1, facts_for("int8-dynamic", "fbgemm"));
    REQUIRE(routes.size() == 3);
    CHECK(routes[0].backend == "fbgemm");
    CHECK(routes[0].op == "quantized::linear_dynamic");
    CHECK(routes[0].math == "int8");
    CHECK_THAT(routes[0].math_basis, Contains("FBGEMM"));
  }
  SECTION("the profiler's operators win over the form: a layer kept in bf16 goes its own way") {
    const auto routes = route_layers(
        {}, 32, tiny_layers, 1,
        facts_for("int8", "aten", {"aten::_weight_int8pack_mm", "aten::_weight_int8pack_mm", "aten::addmm"}, "bf16"));
    REQUIRE(routes.size() == 3);
    CHECK(routes[0].backend == "aten");
    CHECK(routes[0].wei_dtype == "s8");
    CHECK(routes[0].src_dtype == "bf16");
    CHECK_FALSE(routes[0].reference);
    CHECK(routes[2].backend == "blas");
    CHECK(routes[2].op == "aten::addmm");
  }
  SECTION("int8 weights on fp32 activations and int4 without KleidiAI are reference kernels") {
    const auto int8 = route_layers({}, 32, tiny_layers, 1, facts_for("int8", "reference"));
    CHECK(int8[0].reference);
    CHECK_THAT(int8[0].math_basis, Contains("fp32 activations"));
    const auto int4 = route_layers({}, 32, tiny_layers, 1, facts_for("int4", "reference"));
    CHECK(int4[0].math == "int4");
    CHECK(int4[0].reference);
    const auto kleidiai = route_layers({}, 32, tiny_layers, 1, facts_for("int4", "kleidiai"));
    CHECK(kleidiai[0].backend == "kleidiai");
    CHECK(kleidiai[0].op == "aten::_dyn_quant_matmul_4bit");
    CHECK_FALSE(kleidiai[0].reference);
  }
  SECTION("an fp32 model with no operators recorded stays as before: BLAS") {
    const auto routes = route_layers({}, 32, tiny_layers, 1, facts_for("f32", ""));
    CHECK(routes[0].backend == "blas");
    CHECK(routes[0].op.empty());
  }
}

TEST_CASE("oneDNN's reference kernels are flagged as the slow path", "[evidence][quantized]") {
  for (const char* name : {"ref:any", "ref_int8:any", "gemm:ref", "conv:any+ref:any"}) {
    INFO(name);
    CHECK(is_reference_implementation(name));
  }
  for (const char* name :
       {"brg_matmul:avx2", "gemm:jit", "gemm:acl", "jit:uni", "simple:any", "brgemm:sve_256", "gemm:jit:bf16", ""}) {
    INFO(name);
    CHECK_FALSE(is_reference_implementation(name));
  }
  const auto text = data("onednn/aarch64-constructed-int8-ref.txt");
  const auto routes =
      route_layers(parse_onednn_verbose(text), 32, tiny_layers, 1,
                   facts_for("int8-dynamic", "onednn", {"quantized::linear_dynamic", "aten::addmm", "aten::addmm"}));
  REQUIRE(routes.size() == 3);
  CHECK(routes[0].implementation == "ref_int8:any");
  CHECK(routes[0].math == "int8");
  CHECK(routes[1].implementation == "gemm:ref");
  CHECK(routes[2].implementation == "ref:any");
  for (const auto& r : routes) {
    CHECK(r.backend == "onednn");
    CHECK(r.reference);
  }
}

TEST_CASE("PyTorch's word that it disabled oneDNN is found in a process's stderr", "[evidence]") {
  const auto line = onednn_disabled_warning(data("stderr/aarch64-constructed-onednn-disabled.txt"));
  CHECK_THAT(line, Contains("Warning: mkldnn_matmul failed, switching to BLAS gemm:could not create a primitive"));
  CHECK(line.starts_with("[W1206"));
  CHECK(onednn_disabled_warning(data("stderr/x86-int8-dynamic-worker.txt")).empty());
  CHECK_FALSE(onednn_disabled_warning("[W1206 01:02:03.0 LinearAlgebra.cpp:1787] Warning: mkldnn_matmul failed, "
                                      "switching to baddbmm:bad (function bmm_out_or_baddbmm_)")
                  .empty());
  CHECK(onednn_disabled_warning("").empty());
}

TEST_CASE("layer_operators: the operators that computed each layer, in order, none nested", "[evidence][quantized]") {
  using gbench::profile::event;
  const std::vector<event> events{
      {"mymodel_inference", 0, 1000, 1, false, false, ""},
      {"aten::linear", 10, 100, 1, false, false, ""},
      {"aten::addmm", 20, 90, 1, false, false, "[[128], [32, 256], [256, 128], [], []]"},
      {"aten::relu", 100, 110, 1, false, false, ""},
      {"quantized::linear_dynamic", 120, 300, 1, false, false, "[[32, 128], [], []]"},
      {"aten::quantize_per_tensor", 130, 140, 1, false, false, ""},
      {"aten::mm", 150, 200, 1, false, false, ""}, // inside the quantized operator: not a layer of its own
      {"aten::_dyn_quant_matmul_4bit", 400, 500, 1, false, false, "[[32, 344], [1], [], [], []]"},
  };
  const auto ops = layer_operators(events);
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].name == "aten::addmm");
  CHECK(ops[0].input_shapes == "[[128], [32, 256], [256, 128], [], []]");
  CHECK(ops[1].name == "quantized::linear_dynamic");
  CHECK(ops[2].name == "aten::_dyn_quant_matmul_4bit");
}

TEST_CASE("set_weights_facts: the activations' type follows the form and int8_activations", "[evidence][quantized]") {
  gbench::config::torch_settings s;
  route_facts f;
  s.weights_dtype = "int8";
  set_weights_facts(f, s, "int8", "aten");
  CHECK(f.operand_dtype == "bf16");
  CHECK(f.weights_kernel == "aten");
  s.int8_activations = "f32";
  set_weights_facts(f, s, "int8", "reference");
  CHECK(f.operand_dtype == "f32");
  // Inert here: the process ran the fp32 model, whatever the preset asked.
  set_weights_facts(f, s, "f32", "");
  CHECK(f.weights == "f32");
  CHECK(f.operand_dtype == "f32");
  s = {};
  s.weights_dtype = "bf16";
  set_weights_facts(f, s, "", ""); // an older report: the preset's
  CHECK(f.weights == "bf16");
  CHECK(f.operand_dtype == "bf16");
}

TEST_CASE("a model file has operators but no Linear layers of its own: no routes, no fault", "[evidence][quantized]") {
  // A model file's evidence records its operators too; its routes are empty (its primitives are listed instead).
  const auto routes = route_layers({}, 4, {}, 1, facts_for("f32", "", {"aten::addmm", "aten::addmm"}));
  CHECK(routes.empty());
}
