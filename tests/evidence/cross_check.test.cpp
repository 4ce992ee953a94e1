// Route against accuracy: what the evidence says changed, and the rule that catches evidence that disagrees
// with itself. Routes come from the recorded verbose logs of tests/data/onednn (see onednn_verbose.test.cpp).
#include <catch2/catch.hpp>

#include "gbench/evidence/cross_check.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/util/files.hpp"

using namespace gbench::evidence;
using Catch::Matchers::Contains;

namespace {

std::vector<gbench::record::layer_route> routes_from(const std::string& file, const route_facts& facts = {}) {
  const auto text = gbench::util::read_text_file(GBENCH_TEST_DATA "/onednn/" + file);
  auto f = facts;
  f.onednn_isa = parse_onednn_isa(text);
  return route_layers(parse_onednn_verbose(text), 32, {{256, 128}}, 1, f);
}

gbench::record::preset_run evidence_run(const std::string& name, const std::vector<gbench::record::layer_route>& routes,
                                        double max_rel_error) {
  gbench::record::preset_run r;
  r.preset.name = name;
  r.ok = true;
  r.libtorch.emplace().blas = "mkl";
  gbench::record::batch_evidence e;
  e.batch = 32;
  e.ok = true;
  e.accuracy.max_rel_error = max_rel_error;
  e.accuracy.cosine = 1.0;
  e.routes = routes;
  r.evidence.emplace().batches.push_back(e);
  return r;
}

} // namespace

TEST_CASE("precision levels: bf16 from 1e-4 and ten times the default preset's error", "[evidence]") {
  CHECK(observed_precision(2.3e-3, 5.3e-7) == "bf16");
  CHECK(observed_precision(8.3e-7, 3.1e-7) == "fp32");
  CHECK(observed_precision(2.3e-3, std::nullopt) == "bf16");
  CHECK(observed_precision(5e-5, std::nullopt) == "fp32");
  CHECK(observed_precision(2e-4, 1e-4) == "fp32"); // a default that is itself that far off: no bf16 claim
}

TEST_CASE("the contradiction rule", "[evidence]") {
  const auto blas = route_layers({}, 32, {{256, 128}}, 1);
  const auto zen4 = routes_from("x86-avx512-core-bf16-linear-f32-medium.txt");
  const auto amx = routes_from("x86-amx-linear-f32-medium.txt");
  const auto bf16_weights = routes_from("x86-avx512-core-bf16-linear-bf16.txt", {"", "bf16", true});
  const auto emulated = routes_from("x86-avx512-core-linear-bf16.txt", {"", "bf16", false});

  // Agreements: fp32 routes with fp32-level error, bf16 routes (or bf16 operands) with bf16-level error.
  CHECK(contradiction(blas, 3.1e-7, std::nullopt).empty());
  CHECK(contradiction(zen4, 8.3e-7, 3.1e-7).empty());
  CHECK(contradiction(amx, 2.3e-3, 5.3e-7).empty());
  CHECK(contradiction(bf16_weights, 3.4e-3, 3.1e-7).empty());
  CHECK(expected_precision(emulated) == "bf16"); // bf16 operands round, whatever the arithmetic
  CHECK(contradiction(emulated, 4.9e-3, 5.3e-7).empty());

  // What the tool used to claim on Zen 4: bf16 math from attr-fpmath:bf16, beside an fp32-level error.
  auto claimed = zen4;
  claimed[0].math = "bf16";
  claimed[0].math_basis = "attr-fpmath:bf16";
  const auto message = contradiction(claimed, 9.58e-7, 7.35e-7);
  CHECK_THAT(message, Contains("CONTRADICTION") && Contains("routes say bf16 math") && Contains("fp32-level") &&
                          Contains("9.58e-07") && Contains("7.35e-07"));
  // And the other way round: fp32 routes with a bf16-level error.
  CHECK_THAT(contradiction(blas, 2.3e-3, 5.3e-7), Contains("routes say fp32 math") && Contains("bf16-level"));
}

TEST_CASE("attribution says what changed: backend, math, or both", "[evidence]") {
  const auto blas = route_layers({}, 32, {{256, 128}}, 1);
  CHECK(attribution(routes_from("x86-avx512-core-bf16-linear-f32-medium.txt"), blas, "mkl") ==
        "backend MKL -> oneDNN brg_matmul:avx512_core; math unchanged (fp32)");
  CHECK(attribution(routes_from("x86-amx-linear-f32-medium.txt"), blas, "mkl") ==
        "backend MKL -> oneDNN brg_matmul:avx10_1_512_amx; math fp32 -> bf16");
  CHECK(attribution(blas, blas, "mkl") == "backend unchanged (MKL); math unchanged (fp32)");

  // aarch64: ACL in both, fast-math changes the math only.
  const std::string f32_line = "onednn_verbose,v1,primitive,exec,cpu,matmul,gemm:acl,undef,src:f32::blocked:ab::f0 "
                               "wei:f32::blocked:ba::f0 dst:f32::blocked:ab::f0,attr-scratchpad:user,,32x256:256x128,1\n";
  const std::string fast_line = "onednn_verbose,v1,primitive,exec,cpu,matmul,gemm:acl,undef,src:f32::blocked:ab::f0 "
                                "wei:f32::blocked:ba::f0 dst:f32::blocked:ab::f0,attr-scratchpad:user attr-fpmath:bf16,,"
                                "32x256:256x128,1\n";
  const auto acl = route_layers(parse_onednn_verbose(f32_line), 32, {{256, 128}}, 1);
  const auto fast = route_layers(parse_onednn_verbose(fast_line), 32, {{256, 128}}, 1);
  CHECK(attribution(fast, acl, "nvpl") == "backend unchanged (oneDNN gemm:acl); math fp32 -> bf16");
  // Part of the layers moved.
  const auto two_blas = route_layers({}, 32, {{256, 128}, {128, 10}}, 1);
  auto mixed = two_blas;
  mixed[0] = acl[0];
  CHECK(attribution(mixed, two_blas, "open") == "backend OpenBLAS -> oneDNN gemm:acl on 1 of 2 layers; math unchanged (fp32)");
  CHECK(attribution(mixed, blas, "open").empty()); // different layers: nothing to say
}

TEST_CASE("judge: Zen 4's x86-bf16 is a backend change, x86-bf16-weights is bf16 math", "[evidence]") {
  std::vector<gbench::record::preset_run> runs;
  runs.push_back(evidence_run("default", route_layers({}, 32, {{256, 128}}, 1), 3.1e-7));
  runs.push_back(evidence_run("x86-bf16", routes_from("x86-avx512-core-bf16-linear-f32-medium.txt"), 8.3e-7));
  runs.back().preset.settings.matmul_precision = "medium";
  runs.push_back(evidence_run("x86-bf16-weights", routes_from("x86-avx512-core-bf16-linear-bf16.txt", {"", "bf16", true}),
                              3.4e-3));
  runs.back().preset.settings.weights_dtype = "bf16";
  runs.push_back(evidence_run("avx512-no-bf16", routes_from("x86-avx512-core-linear-bf16.txt", {"", "bf16", false}), 4.9e-3));
  runs.back().preset.settings.weights_dtype = "bf16";
  const auto baseline = runs[0];
  judge(runs, &baseline);

  CHECK(runs[0].evidence->batches[0].attribution.empty()); // the baseline itself
  CHECK(runs[0].evidence->batches[0].observed_precision == "fp32");

  const auto& medium = runs[1];
  CHECK(medium.evidence->batches[0].attribution == "backend MKL -> oneDNN brg_matmul:avx512_core; math unchanged (fp32)");
  CHECK(medium.evidence->batches[0].contradiction.empty());
  REQUIRE(medium.evidence->effects.size() == 2);
  CHECK_THAT(medium.evidence->effects[0], Contains("bf16 math: not observed") && Contains("bf16 allowed, fp32 used"));
  CHECK_THAT(medium.evidence->effects[1], Contains("backend changed: MKL -> oneDNN brg_matmul:avx512_core"));

  const auto& weights = runs[2];
  CHECK(weights.evidence->batches[0].attribution == "backend MKL -> oneDNN brg_matmul:avx512_core_bf16; math fp32 -> bf16");
  CHECK(weights.evidence->batches[0].observed_precision == "bf16");
  CHECK_THAT(weights.evidence->effects[0], Contains("bf16 math: observed"));

  const auto& emulated = runs[3];
  CHECK_THAT(emulated.evidence->effects[0], Contains("bf16 math: emulated"));
  CHECK(emulated.evidence->batches[0].contradiction.empty());

  // A route that claims bf16 beside an fp32-level error is said, loudly, among the effects.
  runs.push_back(evidence_run("claims-bf16", routes_from("x86-amx-linear-f32-medium.txt"), 9.58e-7));
  judge(runs, &baseline);
  CHECK_THAT(runs.back().evidence->effects.back(), Contains("batch 32: CONTRADICTION"));
}

TEST_CASE("judge: quantized forms, reference kernels and oneDNN disabled mid-run", "[evidence][quantized]") {
  std::vector<gbench::record::preset_run> runs;
  runs.push_back(evidence_run("default", route_layers({}, 32, {{256, 128}}, 1), 3.1e-7));
  route_facts fbgemm;
  fbgemm.weights = "int8-dynamic";
  fbgemm.weights_kernel = "fbgemm";
  runs.push_back(evidence_run("int8-dynamic", route_layers({}, 32, {{256, 128}}, 1, fbgemm), 1.3e-2));
  runs.back().preset.settings.weights_dtype = "int8-dynamic";
  runs.back().libtorch->weights = "int8-dynamic";
  runs.back().libtorch->weights_status = "effective";
  runs.push_back(evidence_run("int4-kleidiai", route_layers({}, 32, {{256, 128}}, 1), 3.1e-7));
  runs.back().preset.settings.weights_dtype = "int4";
  runs.back().libtorch->weights = "f32";
  runs.back().libtorch->weights_status = "inert";
  runs.back().libtorch->weights_detail = "no KleidiAI in this LibTorch";
  route_facts reference = fbgemm;
  reference.weights = "int8";
  reference.weights_kernel = "reference";
  runs.push_back(evidence_run("int8-f32", route_layers({}, 32, {{256, 128}}, 1, reference), 6.6e-3));
  runs.back().preset.settings.weights_dtype = "int8";
  runs.back().preset.settings.int8_activations = "f32";
  runs.push_back(evidence_run("disabled", route_layers({}, 32, {{256, 128}}, 1), 3.1e-7));
  runs.back().evidence->onednn_disabled =
      "[W1206 02:53:48.046377281 LinearAlgebra.cpp:1531] Warning: mkldnn_matmul failed, switching to BLAS gemm:x";
  const auto baseline = runs[0];
  judge(runs, &baseline);

  // int8 moves the logits as far as bf16 does: an int8-level error, no contradiction.
  const auto& dynamic = *runs[1].evidence;
  CHECK(dynamic.batches[0].expected_precision == "int8");
  CHECK(dynamic.batches[0].observed_precision == "int8");
  CHECK(dynamic.batches[0].contradiction.empty());
  CHECK(dynamic.batches[0].attribution == "backend MKL -> FBGEMM quantized::linear_dynamic; math fp32 -> int8");
  REQUIRE(!dynamic.effects.empty());
  CHECK_THAT(dynamic.effects[0], Contains("weights int8-dynamic: observed (1 of 1 layer runs on FBGEMM"));
  // Routes that say int8 beside an fp32-level error are a contradiction like any other.
  CHECK_THAT(contradiction(runs[1].evidence->batches[0].routes, 3.1e-7, 3.1e-7),
             Contains("CONTRADICTION") && Contains("routes say int8 math"));

  CHECK_THAT(runs[2].evidence->effects.at(0), Contains("weights int4: inert here (no KleidiAI in this LibTorch)"));

  CHECK_THAT(describe_route(runs[3].evidence->batches[0].routes[0], "mkl"), Contains("REFERENCE KERNEL (slow path)"));
  bool flagged = false;
  for (const auto& effect : runs[3].evidence->effects) {
    flagged = flagged || (effect.find("REFERENCE KERNEL (slow path): layer 1 at batch 32") != std::string::npos);
  }
  CHECK(flagged);

  REQUIRE(!runs[4].evidence->effects.empty());
  CHECK_THAT(runs[4].evidence->effects[0], Contains("ONEDNN DISABLED MID-RUN") && Contains("mkldnn_matmul failed"));
  CHECK(runs[0].evidence->effects.empty()); // nothing flagged where nothing happened
}

TEST_CASE("judge: a model quantized at export is int8 by its operators, under every preset", "[evidence][quantized]") {
  // A model file has no Linear routes: its operators say what it computed in. Its error is as large under the
  // default preset as under any other, so the baseline's ratio cannot decide.
  std::vector<gbench::record::preset_run> runs;
  for (const char* name : {"default", "int8-dynamic"}) {
    runs.push_back(evidence_run(name, {}, 1.59e-2));
    runs.back().evidence->batches[0].operators = {{"quantized::linear_dynamic", ""}, {"quantized::linear_dynamic", ""}};
  }
  const auto baseline = runs[0];
  judge(runs, &baseline);
  // No quantized operator, no primitive: fp32 predicted, against an error far above fp32's.
  std::vector<gbench::record::preset_run> plain{evidence_run("fp32-file", {}, 1.59e-2)};
  judge(plain, nullptr);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& b = runs[i].evidence->batches[0];
    INFO(runs[i].preset.name);
    CHECK(b.expected_precision == "int8");
    CHECK(b.observed_precision == "int8");
    CHECK(b.contradiction.empty());
  }
  CHECK_THAT(plain[0].evidence->batches[0].contradiction,
             Contains("routes say fp32 math (no oneDNN primitive, no quantized operator)"));
}
