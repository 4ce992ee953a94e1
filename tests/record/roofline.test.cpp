// record/roofline: the bytes a forward moves, and the roofline bound under the host's peak figures.
#include <catch2/catch.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/record/roofline.hpp"
#include "peak_figures.hpp"

using gbench_test::sample_figures;

namespace {

gbench::config::model_spec two_layers() {
  gbench::config::model_spec m;
  m.name = "m";
  m.input_shape = {8};
  m.hidden = {4};
  m.outputs = 2;
  return m;
}

} // namespace

TEST_CASE("bytes per forward: weights once, each layer's input read and output written", "[peak]") {
  const auto m = two_layers();
  // weights (8*4+4 + 4*2+2) = 46 floats; activations at batch 3: 3*(8+4) + 3*(4+2) = 54 floats.
  CHECK(gbench::record::bytes_per_forward(m, 3) == Approx(4.0 * (46 + 54)));
}

TEST_CASE("the roofline bound is the lower of the compute and the memory roof", "[peak]") {
  const auto m = two_layers();
  const auto f = sample_figures(true);
  const auto r = gbench::record::make_roofline(m, 3, 1.0, f, {});
  const double flops = 3 * 2.0 * (8 * 4 + 4 * 2);
  CHECK(r.intensity == Approx(flops / (4.0 * 100)));
  // Intensity ~0.5 FLOP/B at 20 GB/s is far below 200 GFLOP/s: memory-bound.
  CHECK(r.memory_bound);
  CHECK(r.bound_gflops == Approx(r.intensity * 20.0));
  CHECK(r.percent_of_bound == Approx(100.0 / r.bound_gflops));
  CHECK(r.ceiling == "fp32");

  gbench::config::model_spec big;
  big.input_shape = {4096};
  big.hidden = {4096};
  big.outputs = 4096;
  const auto c = gbench::record::make_roofline(big, 4096, 100.0, f, {});
  CHECK_FALSE(c.memory_bound);
  CHECK(c.bound_gflops == 200.0);
  CHECK(c.percent_of_bound == Approx(50.0));
  // bf16 math takes the bf16 ceiling, where one was measured, and only then.
  gbench::record::roof_basis bf16;
  bf16.math = "bf16";
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, f, bf16).bound_gflops == 400.0);
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, sample_figures(false), bf16).ceiling == "fp32");
}

TEST_CASE("weights count by the type they are stored in: 4, 2, 1 or 0.5 bytes", "[peak]") {
  const auto m = two_layers();
  // weight matrices 8*4 + 4*2 = 40 elements, biases 4 + 2 = 6; activations at batch 3: 54 elements.
  CHECK(gbench::record::bytes_per_forward(m, 3, 2, 2) == Approx(2.0 * 40 + 2.0 * 6 + 2.0 * 54)); // bf16
  CHECK(gbench::record::bytes_per_forward(m, 3, 1, 4) == Approx(1.0 * 40 + 4.0 * 6 + 4.0 * 54)); // int8, fp32 bias
  CHECK(gbench::record::bytes_per_forward(m, 3, 0.5, 4) == Approx(0.5 * 40 + 4.0 * 6 + 4.0 * 54)); // int4
}

TEST_CASE("the roof follows the evidence: the math that computed most FLOPs, the weights as stored", "[peak]") {
  gbench::record::preset_run run;
  run.preset.name = "x86-bf16";
  run.preset.settings.matmul_precision = "medium";
  // No evidence: the preset's settings and the knob verdicts decide.
  const std::vector<gbench::record::knob_verdict> medium_acts{{"matmul_precision", true, "acts", "probe", false}};
  CHECK(gbench::record::roof_basis_of(run, 32, medium_acts).math == "bf16");
  CHECK_THAT(gbench::record::roof_basis_of(run, 32, medium_acts).basis, Catch::Matchers::Contains("no evidence"));
  CHECK(gbench::record::roof_basis_of(run, 32, {}).math == "fp32");
  // Evidence: oneDNN allowed bf16 but computed in fp32, whatever the verdicts say.
  run.evidence = gbench::record::run_evidence{};
  gbench::record::batch_evidence e;
  e.batch = 32;
  e.ok = true;
  gbench::record::layer_route big;
  big.in_features = 4096;
  big.out_features = 4096;
  big.math = "f32";
  gbench::record::layer_route small = big;
  small.out_features = 10;
  small.math = "bf16";
  e.routes = {big, small};
  run.evidence->batches.push_back(e);
  auto basis = gbench::record::roof_basis_of(run, 32, medium_acts);
  CHECK(basis.math == "fp32");
  CHECK(basis.weight_bytes == 4);
  CHECK_THAT(basis.basis, Catch::Matchers::Contains("evidence at batch 32"));
  // Another batch's evidence stands in for a batch without any.
  CHECK(gbench::record::roof_basis_of(run, 256, {}).math == "fp32");
  // int8 dynamic quantization: int8 math and one byte a weight.
  run.evidence->batches[0].routes[0].math = "int8";
  run.libtorch = gbench::backend::libtorch_info{};
  run.libtorch->weights = "int8-dynamic";
  basis = gbench::record::roof_basis_of(run, 32, {});
  CHECK(basis.math == "int8");
  CHECK(basis.weight_bytes == 1);
  CHECK(basis.activation_bytes == 4);
  // Held against the int8 roof where one was measured, else the fp32 roof with the reason.
  gbench::config::model_spec m;
  m.input_shape = {4096};
  m.hidden = {4096};
  m.outputs = 10;
  auto f = sample_figures(true);
  f.int8_hardware = "none: no VNNI";
  auto r = gbench::record::make_roofline(m, 32, 100.0, f, basis);
  CHECK(r.ceiling == "fp32");
  CHECK_THAT(r.basis, Catch::Matchers::Contains("no int8 roof in the peak figures (none: no VNNI)"));
  f.int8 = gbench::record::gemm_figure{"int8", 1024, {2, 2, 3}, 2, 800.0, "oneDNN gemm_api"};
  r = gbench::record::make_roofline(m, 32, 100.0, f, basis);
  CHECK(r.ceiling == "int8");
  CHECK(r.peak_gflops == 800.0);
}
