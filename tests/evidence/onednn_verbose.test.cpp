// evidence/onednn_verbose: oneDNN's verbose log parsed into who served each layer of the model, and how.
//
// Verbose logs under tests/data/onednn/, and where each came from:
//
// x86-avx2-*.txt: captured on the development machine (x86-64 with AVX2, no AVX-512) from the project's
//   venv, torch 2.13.0+cpu bundling oneDNN v3.12.0, ONEDNN_VERBOSE=1 unless named:
//   - nn-linear-f32: torch.nn.Linear(256,128) on a 32x256 float tensor, the same with
//     torch.set_float32_matmul_precision 'highest' or 'medium' and with or without
//     DNNL_DEFAULT_FPMATH_MODE=BF16. No oneDNN line at all: fp32 linear takes the BLAS path on x86.
//     F.linear on bfloat16 tensors printed nothing either: without AVX-512 bf16 PyTorch skips oneDNN.
//   - mkldnn-linear-f32: torch._C._nn.mkldnn_linear on to_mkldnn() tensors (32x256 by 128x256).
//   - linear-fpmath-bf16-all: torch.ops.mkldnn._linear_pointwise with DNNL_DEFAULT_FPMATH_MODE=BF16 and
//     ONEDNN_VERBOSE=all (create lines too). With set_float32_matmul_precision('medium') instead, the exec
//     line carries no attr-fpmath: PyTorch's bf16 device check fails on this CPU.
//   - linear-timestamp: the same op with ONEDNN_VERBOSE_TIMESTAMP=1.
//   - bf16-linear-dispatch-failure: _linear_pointwise on bfloat16, ONEDNN_VERBOSE=all: no implementation
//     accepts bf16 on AVX2, so only create:dispatch lines and the Python error.
//   - conv2d: torch.nn.Conv2d(3,8,3) on 2x3x16x16: convolution and reorders.
// x86-amx-*.txt, x86-avx512-*.txt: captured on an Intel x86-64 KVM guest with AVX-512, avx512_bf16 and AMX
//   (Sapphire Rapids class), the same torch 2.13.0+cpu / oneDNN v3.12.0, ONEDNN_VERBOSE=1, one thread,
//   torch.nn.Linear(256,128) on a 32x256 float tensor:
//   - amx-linear-f32-medium: set_float32_matmul_precision('medium'): brg_matmul:avx10_1_512_amx on f32 operands
//     with attr-fpmath:bf16; max rel. error against float64 2.3e-03 (bf16 math: AMX down-converts).
//   - amx-linear-bf16: F.linear on bfloat16 input, weight and bias: the same kernel on bf16 operands.
//   - avx512-core-bf16-*: the same two with ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16, which caps oneDNN (and
//     PyTorch's bf16 device check) at what an AMD Zen 4 offers: 'medium' runs brg_matmul:avx512_core on f32
//     with attr-fpmath:bf16 and an fp32-level error (7.6e-07): bf16 allowed, fp32 used, as measured on a
//     Zen 4 host; bf16 operands run brg_matmul:avx512_core_bf16.
//   - avx512-core-linear-bf16: bf16 operands with ONEDNN_MAX_CPU_ISA=AVX512_CORE (AVX-512 without bf16):
//     gemm:jit:bf16, a name without ISA, under the isa statement "AVX-512 with AVX512BW, AVX512VL, and
//     AVX512DQ": converted to fp32 (emulated), 300 times slower than the bf16 kernel.
// aarch64, captured by others and quoted from public threads (excerpts; "..." marks elided lines):
//   - aarch64-pytorch-issue-123143.txt: https://github.com/pytorch/pytorch/issues/123143 (PyTorch 2.2 on
//     aarch64, oneDNN v3.3.2, DNNL_VERBOSE=1): matmul served by gemm:acl, 3.1-3.4 layout.
//   - aarch64-onednn-pr-2210.txt: https://github.com/uxlfoundation/oneDNN/pull/2210 (benchdnn on aarch64,
//     v1 layout): a bf16 gemm:acl exec, an exec:external ACL kernel line, a create:dispatch line.
//   - aarch64-pytorch-issue-110737.txt: https://github.com/pytorch/pytorch/issues/110737 (oneDNN v3.1.1,
//     SVE 256): the 1.x-3.0 layout without the "primitive" field.
//   - aarch64-onednn-rfc-acl-verbose.txt, from the oneDNN RFC "Introducing Arm Compute Library verbose",
//     https://github.com/oneapi-src/oneDNN/blob/rfcs/rfcs/20230309-Introducing-ACL-verbose/README.md
//     (oneDNN v3.0.0, SVE 256, ONEDNN_DEFAULT_FPMATH_MODE=BF16): gemm:acl with attr-fpmath:bf16 and
//     onednn_acl_verbose kernel lines.
// aarch64-constructed-*.txt are CONSTRUCTED, not captured: no public log of the recipe's model on
// Graviton was found. They follow the v1 layout of the files above and the shapes PyTorch gives
// oneDNN for nn.Linear (M=batch, K=in, N=out); times are invented.
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

#include "gbench/error.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/util/files.hpp"
#include "gbench/profile/aggregate.hpp"

using Catch::Matchers::Contains;
using namespace gbench::evidence;

namespace {

std::vector<primitive_exec> parse_file(const std::string& name) {
  return parse_onednn_verbose(gbench::util::read_text_file(GBENCH_TEST_DATA "/onednn/" + name));
}

// The recipe's model: 4096 -> 4096 -> 11008 -> 10.
const std::vector<std::pair<std::int64_t, std::int64_t>> recipe_layers{{4096, 4096}, {4096, 11008}, {11008, 10}};

} // namespace

TEST_CASE("x86: an inner product exec among reorders", "[evidence]") {
  const auto execs = parse_file("x86-avx2-mkldnn-linear-f32.txt");
  REQUIRE(execs.size() == 5); // info lines and the Python print are skipped
  CHECK(execs[0].kind == "reorder");
  CHECK(execs[0].problem == "32x256");
  CHECK(execs[0].m == 0); // a reorder's problem is not a matmul's
  const auto& ip = execs[3];
  CHECK(ip.kind == "inner_product");
  CHECK(ip.implementation == "brg_matmul:avx2");
  CHECK(ip.src_dtype == "f32");
  CHECK(ip.wei_dtype == "f32");
  CHECK(ip.dst_dtype == "f32");
  CHECK(ip.fpmath.empty());
  CHECK(ip.problem == "mb32ic256oc128");
  CHECK(ip.time_ms == Approx(6.75903));
  CHECK(ip.m == 32);
  CHECK(ip.k == 256);
  CHECK(ip.n == 128);

  const auto routes = route_layers(execs, 32, {{256, 128}}, 1);
  REQUIRE(routes.size() == 1);
  CHECK(routes[0].backend == "onednn");
  CHECK(routes[0].implementation == "brg_matmul:avx2");
  CHECK(routes[0].math == "f32");
  CHECK(routes[0].execs == 1);
}

TEST_CASE("x86: create lines are skipped, attr-fpmath is read", "[evidence]") {
  const auto execs = parse_file("x86-avx2-linear-fpmath-bf16-all.txt");
  REQUIRE(execs.size() == 1); // create_nested and create:cache_miss lines carry the same shape
  CHECK(execs[0].kind == "inner_product");
  CHECK(execs[0].fpmath == "bf16");
  CHECK(execs[0].src_dtype == "f32");
  CHECK(execs[0].isa == "avx2");
  const auto routes = route_layers(execs, 32, {{256, 128}}, 1);
  CHECK(routes[0].backend == "onednn");
  CHECK(routes[0].fpmath == "bf16");
  // AVX2 has no bf16 instructions: the attribute allowed bf16, the kernel computed in fp32.
  CHECK(routes[0].math == "f32");
  CHECK_THAT(routes[0].math_basis, Catch::Matchers::Contains("bf16 allowed, fp32 used"));
}

TEST_CASE("x86 AMX: fp32 operands with attr-fpmath:bf16 are computed in bf16", "[evidence]") {
  const std::string log = gbench::util::read_text_file(GBENCH_TEST_DATA "/onednn/x86-amx-linear-f32-medium.txt");
  const auto execs = parse_onednn_verbose(log);
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].implementation == "brg_matmul:avx10_1_512_amx");
  CHECK(execs[0].isa == "avx10_1_512_amx");
  CHECK(execs[0].src_dtype == "f32");
  CHECK(execs[0].fpmath == "bf16");
  CHECK(parse_onednn_isa(log) == "Intel AVX10.1 and Intel AMX with bfloat16 and 8-bit integer support");
  CHECK(onednn_isa_has_bf16(parse_onednn_isa(log)) == true);
  const auto routes = route_layers(execs, 32, {{256, 128}}, 1, {parse_onednn_isa(log), "f32", true});
  CHECK(routes[0].math == "bf16");
  CHECK(routes[0].isa == "avx10_1_512_amx");
  CHECK(routes[0].src_dtype == "f32");
  CHECK(routes[0].fpmath == "bf16");
  CHECK_THAT(routes[0].math_basis, Catch::Matchers::Contains("down-converted to bf16"));

  const auto bf16 = route_layers(parse_file("x86-amx-linear-bf16.txt"), 32, {{256, 128}}, 1);
  CHECK(bf16[0].math == "bf16");
  CHECK(bf16[0].src_dtype == "bf16");
  CHECK(bf16[0].wei_dtype == "bf16");
  CHECK(bf16[0].fpmath.empty());
  CHECK_THAT(bf16[0].math_basis, Catch::Matchers::Contains("bf16 data on a bf16 kernel"));
}

TEST_CASE("x86 AVX-512 without AMX (Zen 4): attr-fpmath:bf16 on avx512_core is bf16 allowed, fp32 used", "[evidence]") {
  const auto medium = route_layers(parse_file("x86-avx512-core-bf16-linear-f32-medium.txt"), 32, {{256, 128}}, 1);
  CHECK(medium[0].backend == "onednn");
  CHECK(medium[0].implementation == "brg_matmul:avx512_core");
  CHECK(medium[0].isa == "avx512_core");
  CHECK(medium[0].fpmath == "bf16");
  CHECK(medium[0].math == "f32");
  CHECK_THAT(medium[0].math_basis, Catch::Matchers::Contains("bf16 allowed, fp32 used"));

  // bf16 operands: the kernel with bf16 instructions.
  const auto bf16 = route_layers(parse_file("x86-avx512-core-bf16-linear-bf16.txt"), 32, {{256, 128}}, 1);
  CHECK(bf16[0].isa == "avx512_core_bf16");
  CHECK(bf16[0].math == "bf16");
}

TEST_CASE("x86 AVX-512 without bf16: bf16 operands are converted and computed in fp32", "[evidence]") {
  const std::string log = gbench::util::read_text_file(GBENCH_TEST_DATA "/onednn/x86-avx512-core-linear-bf16.txt");
  const auto execs = parse_onednn_verbose(log);
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].implementation == "gemm:jit:bf16");
  CHECK(execs[0].isa.empty()); // the name carries a data type, not an ISA
  const auto isa = parse_onednn_isa(log);
  CHECK(onednn_isa_has_bf16(isa) == false);
  const auto routes = route_layers(execs, 32, {{256, 128}}, 1, {isa, "bf16", false});
  CHECK(routes[0].src_dtype == "bf16");
  CHECK(routes[0].math == "f32");
  CHECK_THAT(routes[0].math_basis, Catch::Matchers::Contains("emulated"));
  // Without oneDNN's isa statement the kernel's arithmetic is unknown: bf16 data, no claim about the kernel.
  CHECK_THAT(route_layers(execs, 32, {{256, 128}}, 1)[0].math_basis, Catch::Matchers::Contains("does not say"));
  CHECK(onednn_isa_has_bf16("") == std::nullopt);
  CHECK(onednn_isa_has_bf16("AArch64 SVE (256 bits)") == std::nullopt);
  CHECK(onednn_isa_has_bf16("Intel AVX 10.1") == true);
  CHECK(onednn_isa_has_bf16("Intel AVX2") == false);
}

TEST_CASE("BLAS routes: the operands are the model's, and bf16 on a CPU without bf16 is emulated", "[evidence]") {
  const auto f32 = route_layers({}, 32, {{256, 128}}, 1);
  CHECK(f32[0].backend == "blas");
  CHECK(f32[0].math == "f32");
  const auto avx2 = route_layers({}, 32, {{256, 128}}, 1, {"", "bf16", false});
  CHECK(avx2[0].src_dtype == "bf16");
  CHECK(avx2[0].math == "f32");
  CHECK_THAT(avx2[0].math_basis, Catch::Matchers::Contains("emulated"));
  const auto unseen = route_layers({}, 32, {{256, 128}}, 1, {"", "bf16", true});
  CHECK(unseen[0].math.empty()); // a BLAS kernel prints nothing: no claim either way
  // Round trip through the report's JSON.
  const auto json = gbench::record::to_json(avx2[0]);
  const std::string file = "route.json";
  gbench::record::layer_route back;
  gbench::record::from_json(gbench::record::node(json, file), back);
  CHECK(back.math_basis == avx2[0].math_basis);
  CHECK(back.src_dtype == "bf16");
  CHECK(back.backend == "blas");
}

TEST_CASE("x86: timestamps, dispatch failures, other primitives", "[evidence]") {
  const auto stamped = parse_file("x86-avx2-linear-timestamp.txt");
  REQUIRE(stamped.size() == 1);
  CHECK(stamped[0].kind == "inner_product");
  CHECK(stamped[0].time_ms == Approx(0.308838));
  CHECK(stamped[0].m == 32);

  CHECK(parse_file("x86-avx2-bf16-linear-dispatch-failure.txt").empty());

  const auto conv = parse_file("x86-avx2-conv2d.txt");
  REQUIRE(conv.size() == 3);
  CHECK(conv[1].kind == "convolution");
  CHECK(conv[1].implementation == "jit:avx2");
  CHECK(conv[1].problem == "mb2_ic3oc8_ih16oh14kh3sh1dh0ph0_iw16ow14kw3sw1dw0pw0");
  CHECK(conv[1].m == 0);
}

TEST_CASE("x86: fp32 nn.Linear leaves no exec line, so every layer is BLAS", "[evidence]") {
  const auto execs = parse_file("x86-avx2-nn-linear-f32.txt");
  CHECK(execs.empty());
  const auto routes = route_layers(execs, 32, {{256, 128}}, 1);
  REQUIRE(routes.size() == 1);
  CHECK(routes[0].backend == "blas");
  CHECK(routes[0].implementation.empty());
  CHECK(routes[0].math == "f32"); // the model's fp32 operands; the BLAS kernel itself prints nothing
  CHECK(routes[0].execs == 0);
}

TEST_CASE("aarch64 (PyTorch issue 123143): gemm:acl matmuls in the 3.1-3.4 layout", "[evidence]") {
  const auto execs = parse_file("aarch64-pytorch-issue-123143.txt");
  REQUIRE(execs.size() == 8);
  const auto& mm = execs[1];
  CHECK(mm.kind == "matmul");
  CHECK(mm.implementation == "gemm:acl");
  CHECK(mm.src_dtype == "f32"); // written src_f32 in this layout
  CHECK(mm.wei_dtype == "f32");
  CHECK(mm.fpmath.empty()); // attr-post-ops:sum is not fpmath
  CHECK(mm.problem == "256x64:64x16");
  CHECK(mm.time_ms == Approx(0.533936));
  CHECK(mm.m == 256);
  CHECK(mm.k == 64);
  CHECK(mm.n == 16);

  const auto routes = route_layers(execs, 256, {{64, 16}, {16, 16}}, 1);
  CHECK(routes[0].backend == "onednn");
  CHECK(routes[0].implementation == "gemm:acl");
  CHECK(routes[0].math == "f32"); // ACL without attr-fpmath: fp32
  CHECK(routes[0].math_basis == "f32 data");
  CHECK(routes[0].execs == 3);
  CHECK(routes[1].execs == 1);
  // Weights given transposed: 256x64:64x16 also matches a 16 -> 64 layer.
  CHECK(route_layers(execs, 256, {{16, 64}}, 1)[0].execs == 3);
}

TEST_CASE("aarch64 (oneDNN PR 2210): exec:external and create:dispatch are not executions", "[evidence]") {
  const auto execs = parse_file("aarch64-onednn-pr-2210.txt");
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].kind == "matmul");
  CHECK(execs[0].implementation == "gemm:acl");
  CHECK(execs[0].src_dtype == "bf16");
  CHECK(execs[0].dst_dtype == "f32");
  CHECK(execs[0].m == 32);
  CHECK(execs[0].k == 128);
  CHECK(execs[0].n == 32);
  const auto routes = route_layers(execs, 32, {{128, 32}}, 1);
  CHECK(routes[0].math == "bf16"); // bf16 operands, no fpmath attribute
}

TEST_CASE("aarch64: the layout without the primitive field", "[evidence]") {
  const auto old = parse_file("aarch64-pytorch-issue-110737.txt");
  REQUIRE(old.size() == 1);
  CHECK(old[0].kind == "convolution");
  CHECK(old[0].implementation == "gemm:ref");
  CHECK(old[0].time_ms == Approx(0.514893));

  const auto rfc = parse_file("aarch64-onednn-rfc-acl-verbose.txt");
  REQUIRE(rfc.size() == 5); // onednn_acl_verbose and benchdnn lines are skipped
  CHECK(rfc[3].kind == "convolution");
  CHECK(rfc[3].implementation == "gemm:acl");
  CHECK(rfc[3].fpmath == "bf16"); // written "attr-fpmath:bf16 " with a trailing space
  CHECK(rfc[3].time_ms == Approx(1.76587));
}

TEST_CASE("aarch64 (constructed): the recipe model with bf16 fast math", "[evidence]") {
  const auto execs = parse_file("aarch64-constructed-recipe-b32-fastmath.txt");
  REQUIRE(execs.size() == 12);
  const auto routes = route_layers(execs, 32, recipe_layers, 2);
  REQUIRE(routes.size() == 3);
  for (const auto& r : routes) {
    CHECK(r.backend == "onednn");
    CHECK(r.implementation == "gemm:acl");
    CHECK(r.isa.empty());
    CHECK(r.fpmath == "bf16");
    CHECK(r.src_dtype == "f32");
    CHECK(r.math == "bf16"); // ACL fast-math
    CHECK_THAT(r.math_basis, Catch::Matchers::Contains("ACL bf16 fast-math"));
    CHECK(r.execs == 2);
  }
  CHECK(routes[2].in_features == 11008);
  CHECK(routes[2].out_features == 10);
  // Another batch size matches nothing.
  CHECK(route_layers(execs, 256, recipe_layers, 2)[0].backend == "blas");
}

TEST_CASE("aarch64 (constructed): TORCH_MKLDNN_MATMUL_MIN_DIM=16 sends the 10-wide layer to BLAS", "[evidence]") {
  const auto routes = route_layers(parse_file("aarch64-constructed-recipe-b32-min-dim-16.txt"), 32, recipe_layers, 2);
  CHECK(routes[0].backend == "onednn");
  CHECK(routes[0].math == "f32");
  CHECK(routes[1].backend == "onednn");
  CHECK(routes[2].backend == "blas");
  CHECK(routes[2].execs == 0);
}

TEST_CASE("route_layers: fewer executions than forwards, layers of one shape, bad input", "[evidence]") {
  const std::string log =
      "onednn_verbose,v1,primitive,exec,cpu,matmul,gemm:acl,undef,src:f32::blocked:ab::f0 wei:f32::blocked:ba::f0 "
      "dst:f32::blocked:ab::f0,attr-fpmath:bf16:true,,8x64:64x64,0.1\n"
      "onednn_verbose,v1,primitive,exec,cpu,matmul,gemm:acl,undef,src:f32::blocked:ab::f0 wei:f32::blocked:ba::f0 "
      "dst:f32::blocked:ab::f0,attr-fpmath:bf16:true,,8x64:64x64,0.1\r\n";
  const auto execs = parse_onednn_verbose(log);
  REQUIRE(execs.size() == 2);
  CHECK(execs[1].fpmath == "bf16"); // the ":true" flag and a CRLF ending are dropped
  CHECK(execs[1].time_ms == Approx(0.1));

  // Two executions, four forwards: oneDNN stopped serving the layer part way (PyTorch turns it off for
  // the process after a failure).
  CHECK(route_layers(execs, 8, {{64, 64}}, 4)[0].backend == "mixed");
  // Two identical layers share the two executions of one forward.
  const auto twins = route_layers(execs, 8, {{64, 64}, {64, 64}}, 1);
  CHECK(twins[0].execs == 1);
  CHECK(twins[1].execs == 1);
  CHECK(twins[1].backend == "onednn");

  CHECK_THROWS_AS(route_layers(execs, 0, {{64, 64}}, 1), gbench::input_error);
  CHECK_THROWS_AS(route_layers(execs, 8, {{64, 64}}, 0), gbench::input_error);
  CHECK(parse_onednn_verbose("").empty());
  CHECK(parse_onednn_verbose("onednn_verbose,v1,primitive,exec,cpu,matmul").empty()); // truncated line
}

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
