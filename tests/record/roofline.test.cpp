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
  const auto r = gbench::record::make_roofline(m, 3, 1.0, f, false);
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
  const auto c = gbench::record::make_roofline(big, 4096, 100.0, f, false);
  CHECK_FALSE(c.memory_bound);
  CHECK(c.bound_gflops == 200.0);
  CHECK(c.percent_of_bound == Approx(50.0));
  // bf16 math takes the bf16 ceiling, where one was measured, and only then.
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, f, true).bound_gflops == 400.0);
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, sample_figures(false), true).ceiling == "fp32");
}
