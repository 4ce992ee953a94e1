// evidence/routes: what a preset's evidence says went wrong in its process (evidence_flags), and a model file's
// precision from its operators. (route_layers on captured logs: onednn_verbose.test.cpp.)
#include <catch2/catch.hpp>

#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;
using namespace gbench::evidence;

namespace {

gbench::record::batch_evidence batch_on(std::int64_t batch, const std::string& backend) {
  gbench::record::batch_evidence e;
  e.batch = batch;
  e.ok = true;
  gbench::record::layer_route r;
  r.in_features = 4096;
  r.out_features = 4096;
  r.backend = backend;
  r.math = "f32";
  e.routes.push_back(r);
  return e;
}

} // namespace

TEST_CASE("oneDNN turned off mid-run: PyTorch's warning, or a layer leaving oneDNN for a batch no smaller",
          "[evidence][routes]") {
  gbench::record::run_evidence ev;
  ev.batches = {batch_on(10, "onednn"), batch_on(32, "blas")};
  const auto flags = evidence_flags(ev, 32);
  REQUIRE(flags.size() == 1);
  CHECK_THAT(flags[0], Contains("oneDNN disabled mid-run") && Contains("oneDNN at batch 10 and on BLAS at batch 32"));
  CHECK(evidence_flags(ev, 10).empty());
  // A smaller batch going to BLAS is PyTorch's heuristic (TORCH_MKLDNN_MATMUL_MIN_DIM), not a failure.
  gbench::record::run_evidence heuristic;
  heuristic.batches = {batch_on(256, "onednn"), batch_on(32, "blas")};
  CHECK(evidence_flags(heuristic, 32).empty());
  // Some forwards of one batch on oneDNN, some on BLAS.
  gbench::record::run_evidence mixed;
  mixed.batches = {batch_on(32, "mixed")};
  REQUIRE(evidence_flags(mixed, 32).size() == 1);
  CHECK_THAT(evidence_flags(mixed, 32)[0], Contains("some forwards of batch 32"));
  // The warning in the process's stderr (a constructed aarch64 stderr: tests/evidence/onednn_verbose.test.cpp).
  heuristic.onednn_disabled = onednn_disabled_warning(
      gbench::util::read_text_file(GBENCH_TEST_DATA "/stderr/aarch64-constructed-onednn-disabled.txt"));
  REQUIRE_FALSE(heuristic.onednn_disabled.empty());
  CHECK_THAT(evidence_flags(heuristic, 256).at(0), Contains("oneDNN disabled mid-run: PyTorch said") &&
                                                       Contains("switching to BLAS"));
}

TEST_CASE("reference kernels are flagged as the slow path, on a layer or among the primitives", "[evidence][routes]") {
  gbench::record::run_evidence ev;
  ev.batches = {batch_on(32, "aten")};
  ev.batches[0].routes[0].reference = true;
  ev.batches[0].routes[0].implementation = "aten::_weight_int8pack_mm";
  ev.batches[0].routes[0].math_basis = "int8 weights on fp32 activations";
  ev.batches[0].primitives.push_back({"matmul", "gemm:ref", "32x64:64x8", "f32", "f32", "f32", "f32", 1});
  ev.batches[0].primitives.push_back({"reorder", "jit:uni", "32x64", "f32", "f32", "f32", "f32", 1});
  const auto flags = evidence_flags(ev, 32);
  REQUIRE(flags.size() == 2);
  CHECK_THAT(flags[0], Contains("reference kernel (slow path): layer 4096->4096 on aten::_weight_int8pack_mm"));
  CHECK_THAT(flags[1], Contains("reference kernel (slow path): oneDNN matmul gemm:ref 32x64:64x8"));
  CHECK(evidence_flags(ev, 10).empty());
}

TEST_CASE("a model file's precision from its operators and primitives", "[evidence][routes]") {
  gbench::record::batch_evidence e;
  CHECK(model_file_precision(e).first == "fp32");
  e.primitives.push_back({"matmul", "brg_matmul:avx512_core_amx", "8x16:16x8", "bf16", "bf16", "bf16", "bf16", 1});
  CHECK(model_file_precision(e).first == "bf16");
  e.operators.push_back({"quantized::linear_dynamic", ""});
  CHECK(model_file_precision(e) == std::make_pair(std::string("int8"), std::string("operator quantized::linear_dynamic")));
}
